/**
 * The chart worker thread (see worker-client.ts): charts in, SVGs out, then their PNGs.
 * vega, vega-lite and the charts' fonts live here, off the thread that lays out the paper.
 * Charts are drawn one at a time, in the order asked; a chart's PNG is made on libuv's
 * thread pool (png.ts) while the next charts are drawn: the paper waits for its SVGs, and
 * only its DOCX for the PNGs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codeCacheCheckpoint } from '../bundle/running.js';
import { collectBetweenRebuilds, collectWhenIdle } from '../bundle/young-generation.js';
import { ChartError } from './errors.js';
import { rasterize } from './png.js';
import { drawVega, loadEngine, type ChartInput } from './render.js';

const port = parentPort!;
collectBetweenRebuilds((workerData as { collectBetweenRebuilds?: boolean } | undefined)?.collectBetweenRebuilds === true);
const charts: { id: number; input: ChartInput }[] = [];
let drawing = false;

async function drawNext(): Promise<void> {
  const { id, input } = charts.shift()!;
  try {
    const drawn = await drawVega(input);
    drawnAny = true;
    if (input.png === false) beforeAnswer(0);
    port.postMessage({ id, type: 'drawn', drawn });
    if (input.png !== false) rasterizeAndSend(id, drawn.svg);
  } catch (e) {
    if (e instanceof ChartError) port.postMessage({ id, type: 'failed', reason: e.reason });
    else port.postMessage({ id, type: 'failed', internal: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

let pngsPending = 0;
let drawnAny = false;

/**
 * Before an answer that may be the last the main thread waits for (none drawing or queued
 * after it, and `pending` PNGs besides its own): by then the thread has compiled what
 * drawing needs, and the process may end as soon as the answer is in, so the bundle's code
 * cache is saved first (at most once, some 0.1 s). Saved after the answer, it was lost when
 * the process ended first.
 */
function beforeAnswer(pending: number): void {
  if (drawnAny && pngsPending === pending && charts.length === 0) codeCacheCheckpoint();
}

/** Whenever the thread has nothing left to do: its young generation is collected (in build --watch). */
function whenIdle(): void {
  if (idle()) collectWhenIdle(idle);
}

function idle(): boolean {
  return pngsPending === 0 && charts.length === 0 && !drawing;
}

/** The chart's PNG, on libuv's thread pool (png.ts limits how many are made at once). */
function rasterizeAndSend(id: number, svg: string): void {
  pngsPending++;
  rasterize(svg)
    .then(
      // Copied to the main thread, not transferred: a small PNG may sit in the Buffer pool.
      (png) => {
        if (!drawing) beforeAnswer(1);
        port.postMessage({ id, type: 'png', png });
      },
      (e: unknown) => port.postMessage({ id, type: 'pngFailed', message: e instanceof Error ? e.message : String(e) }),
    )
    .finally(() => {
      pngsPending--;
      whenIdle();
    });
}

async function drawAll(): Promise<void> {
  if (drawing) return;
  drawing = true;
  try {
    while (charts.length) await drawNext();
  } finally {
    drawing = false;
  }
  whenIdle();
}

/**
 * Getting ready: charts the main thread draws meanwhile, drawn here too (twice each, the
 * drawings thrown away) so that vega's code is compiled here for the charts this process
 * draws before the worker takes them over; it is ready after WARM_UP_DRAWINGS of them.
 */
const samples: ChartInput[] = [];
const WARM_UP_DRAWINGS = 6;
let warmUpDrawings = 0;
let warming = false;

async function warmUp(): Promise<void> {
  if (warming) return;
  warming = true;
  drawing = true;
  try {
    await loadEngine();
    while (samples.length && warmUpDrawings < WARM_UP_DRAWINGS) {
      const sample = samples.shift()!;
      for (let i = 0; i < 2; i++, warmUpDrawings++) await drawVega(sample).catch(() => undefined);
    }
    if (warmUpDrawings >= WARM_UP_DRAWINGS) port.postMessage({ id: -1, type: 'ready' });
  } catch {
    // not ready: charts stay on the main thread
  } finally {
    warming = false;
    drawing = false;
    void drawAll();
  }
}

port.on('message', (msg: { id: number; input?: ChartInput; sample?: boolean }) => {
  if (msg.sample) {
    if (warmUpDrawings >= WARM_UP_DRAWINGS) return;
    if (msg.input) samples.push(msg.input);
    void warmUp();
    return;
  }
  charts.push({ id: msg.id, input: msg.input! });
  void drawAll();
});
