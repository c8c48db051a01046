/**
 * The chart worker thread, from the main thread's side: charts are drawn there (vega for
 * the SVG, then resvg for the PNG), so that the main thread reads and lays out the paper
 * meanwhile. A chart's SVG comes back as soon as it is drawn, its PNG after (only the DOCX
 * writer waits for it).
 *
 * A process that builds one paper is better off without it: the worker's own start (an
 * isolate importing vega, its code compiled afresh) costs more than it saves on two cores.
 * So the chart stage starts it for a process's second paper (watch mode, a batch on the
 * main thread), with that paper's charts to get ready on, and uses it once it is ready;
 * until then charts are drawn on the main thread.
 *
 * The worker runs the same code (drawVega, rasterize) as the main thread would, so
 * the SVG and PNG are the same bytes. Where its compiled file is not there (the sources
 * run directly, as in the tests), there is no worker and charts are drawn on the main
 * thread. So are they in a batch lane that has a core to itself (batch/pool.ts): a lane with
 * two has a chart worker of its own, and hands it every chart from the first: a batch's papers
 * pay for the worker's start, and drawing its first charts here as well would import vega and
 * compile its code in both threads (that way 120 papers took some 4% longer, and even a batch
 * of 3 took longer).
 */
import { isMainThread, type Worker } from 'node:worker_threads';
import { workerEntry } from '../bundle/running.js';
import { JobWorker, workerFileExists } from '../bundle/worker-thread.js';
import { collectsBetweenRebuilds } from '../bundle/young-generation.js';
import { ChartError, noPng, pngFailure } from './errors.js';
import { keepRasterizerMemory } from './png.js';
import type { ChartInput, DrawnChart, VegaDrawing } from './render.js';

/** worker.ts, or its bundle when the CLI runs from its bundle. */
const WORKER_FILE = workerEntry(new URL('./worker.js', import.meta.url), 'chart-worker');

interface Job {
  input: ChartInput;
  drawn(chart: DrawnChart): void;
  failed(err: Error): void;
  png: { resolve(png: Uint8Array): void; reject(err: Error): void } | undefined;
}

type Message =
  | { id: number; type: 'drawn'; drawn: VegaDrawing }
  | { id: number; type: 'failed'; reason?: string; internal?: string }
  | { id: number; type: 'png'; png: Uint8Array }
  | { id: number; type: 'pngFailed'; message: string }
  | { id: number; type: 'ready' };

export class ChartWorker extends JobWorker<Job, Message> {
  /** `atOnce`: every chart goes to the worker from the first, none is drawn here meanwhile. */
  constructor(atOnce = false) {
    // In build --watch it collects its young generation between rebuilds, as this thread does.
    super(WORKER_FILE, 'chart worker', { collectBetweenRebuilds: collectsBetweenRebuilds() });
    this.ready = atOnce;
  }

  protected override start(): Worker {
    keepRasterizerMemory();
    return super.start();
  }

  protected abandon(job: Job, err: Error): void {
    if (job.png) job.png.reject(err);
    else job.failed(err);
  }

  protected receive(job: Job, msg: Exclude<Message, { type: 'ready' }>): void {
    const { input } = job;
    switch (msg.type) {
      case 'drawn': {
        if (input.png === false) {
          this.done(msg.id);
          job.drawn({ ...msg.drawn, png: noPng(input) });
          return;
        }
        const png = new Promise<Uint8Array>((resolve, reject) => {
          job.png = { resolve, reject };
        });
        // A paper written only as PDF never asks for the PNG: its failure must not go unhandled.
        png.catch(() => undefined);
        job.drawn({ ...msg.drawn, png });
        return;
      }
      case 'failed':
        this.done(msg.id);
        job.failed(msg.reason !== undefined ? new ChartError(input.file, input.id, msg.reason) : new Error(`the chart worker: ${msg.internal}`));
        return;
      case 'png':
        this.done(msg.id);
        job.png?.resolve(msg.png);
        return;
      case 'pngFailed':
        this.done(msg.id);
        job.png?.reject(pngFailure(input, msg.message));
        return;
    }
  }

  /**
   * Start the worker if it is not, and give it a chart drawn on the main thread meanwhile,
   * to get ready on (see worker.ts).
   */
  warmUp(sample?: ChartInput): void {
    if (this.broken || this.ready) return;
    const worker = this.worker ?? this.start();
    worker.postMessage({ id: -1, sample: true, input: sample });
    if (this.jobs.size === 0) worker.unref();
  }

  draw(input: ChartInput): Promise<DrawnChart> {
    return new Promise<DrawnChart>((drawn, failed) => this.send({ input, drawn, failed, png: undefined }, (id) => ({ id, input })));
  }
}

let instance: ChartWorker | null | undefined;
let allowed = isMainThread;
let atOnce = false;

/**
 * Whether this thread may hand its charts to a chart worker of its own: by default only the
 * main thread may, from its second paper on. A batch sets it for each of its lanes
 * (batch/pool.ts), before any chart, with `handAtOnce`: every chart goes to the worker.
 */
export function allowChartWorker(allow: boolean, handAtOnce = false): void {
  allowed = allow;
  atOnce = allow && handAtOnce;
}

/** This thread's chart worker, or null where there is none to start. */
export function chartWorker(): ChartWorker | null {
  if (instance === undefined) {
    instance = allowed && workerFileExists(WORKER_FILE) ? new ChartWorker(atOnce) : null;
  }
  return instance;
}
