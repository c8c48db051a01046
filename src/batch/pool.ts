/**
 * Batches on every core. `--jobs N` is the number of threads that build papers, one per core
 * by default; a bad data file fails alone, and the others go on.
 *
 * The threads work in lanes of two: a lane builds papers on one thread (reading, templates,
 * the DOCX and the PDF) and draws their charts on the other, its chart worker (Vega there,
 * the PNGs on libuv's pool). An odd thread out is a lane that draws its own charts. A lane
 * builds PAPERS_AT_ONCE papers at a time, so that its threads have work while a paper waits
 * for its charts. Measured on two cores, 120 papers, each way run in turn: one lane of two
 * threads built 6.5-7.6 papers a second with 0.7 GiB; two lanes of one thread each 5.9-7.0,
 * with 10-25% more processor time a paper and 1.1 GiB. In a lane each thread keeps to its
 * own code (vega, or pdfkit and docx), and its heap holds only what that code makes.
 *
 * One lane runs on the main thread (a worker thread's start costs about a paper); more than
 * one run on worker threads.
 */
import { availableParallelism } from 'node:os';
import { workerEntry } from '../bundle/running.js';
import { JobWorker } from '../bundle/worker-thread.js';
import { keepRasterizerMemory } from '../charts/png.js';
import { allowChartWorker } from '../charts/worker-client.js';
import { buildOne, type BuildOneOptions, type BuildOneResult } from './build-one.js';

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Papers a lane builds at once. One lane on two cores: one at a time 5.9-6.9 papers a second, two 6.5-7.0, three 6.5-7.6. */
const PAPERS_AT_ONCE = 3;

/** A lane, as planned; also what a lane's worker thread is started with (worker.ts). */
export interface LanePlan {
  /** The lane has a second thread, to draw its charts on. */
  chartWorker: boolean;
}

/** The lanes `jobs` threads make for `papers` papers: pairs, then the odd thread out. */
export function planLanes(jobs: number, papers: number): LanePlan[] {
  const lanes = Math.max(1, Math.min(Math.ceil(jobs / 2), papers));
  return Array.from({ length: lanes }, (_, i) => ({ chartWorker: 2 * (i + 1) <= jobs }));
}

/** How many threads `jobs` makes busy for `papers` papers (fewer than asked for a short batch). */
export function threadsUsed(jobs: number, papers: number): number {
  return planLanes(jobs, papers).reduce((n, lane) => n + (lane.chartWorker ? 2 : 1), 0);
}

interface Lane {
  build(file: string): Promise<BuildOneResult>;
  close(): Promise<void>;
}

/** The lane on this (the main) thread. */
function laneHere(plan: LanePlan, opts: BuildOneOptions): Lane {
  allowChartWorker(plan.chartWorker, true);
  return { build: (file) => buildOne(file, opts), close: async () => undefined };
}

/** What a lane's thread (worker.ts) answers for a paper. */
export type LaneReply = { id: number; type: 'built'; result: BuildOneResult } | { id: number; type: 'failed'; error: string };

interface LaneJob {
  resolve(r: BuildOneResult): void;
  reject(e: Error): void;
}

/** A lane on a worker thread of its own (worker.ts), with papers asked for and answered by id. */
class LaneOnWorker extends JobWorker<LaneJob, LaneReply> implements Lane {
  constructor(
    plan: LanePlan,
    private readonly opts: BuildOneOptions,
  ) {
    super(workerEntry(new URL('./worker.js', import.meta.url), 'batch-worker'), 'batch worker', plan);
  }

  protected abandon(job: LaneJob, err: Error): void {
    job.reject(err);
  }

  protected receive(job: LaneJob, reply: LaneReply): void {
    this.done(reply.id);
    if (reply.type === 'built') job.resolve(reply.result);
    else job.reject(new Error(`worker: ${reply.error}`));
  }

  build(file: string): Promise<BuildOneResult> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => this.send({ resolve, reject }, (id) => ({ id, file, opts: this.opts })));
  }
}

export async function buildBatch(
  files: string[],
  opts: BuildOneOptions,
  jobs: number,
  onResult: (r: BuildOneResult, done: number, index: number) => void,
): Promise<BuildOneResult[]> {
  const results: BuildOneResult[] = new Array(files.length);
  let next = 0;
  let done = 0;
  // An internal error (a bug, not a bad data file) stops the batch: no paper is started after it.
  let stopped = false;
  keepRasterizerMemory(); // before a thread loads resvg
  const plans = planLanes(jobs, files.length);
  const lanes = plans.length === 1 ? [laneHere(plans[0]!, opts)] : plans.map((plan) => new LaneOnWorker(plan, opts));
  try {
    await Promise.all(
      lanes.flatMap((lane) =>
        Array.from({ length: PAPERS_AT_ONCE }, async () => {
          while (!stopped && next < files.length) {
            const id = next++;
            const result = await lane.build(files[id]!).catch((e: unknown) => {
              stopped = true;
              throw e;
            });
            results[id] = result;
            onResult(result, ++done, id);
          }
        }),
      ),
    );
  } finally {
    await Promise.all(lanes.map((lane) => lane.close()));
  }
  return results;
}

/**
 * `each`, called for results in the order of their files, each as soon as every earlier one
 * is in: papers finish in any order, and a log should read the same from run to run.
 */
export function inFileOrder<T>(each: (item: T, index: number) => void): (item: T, index: number) => void {
  const waiting = new Map<number, T>();
  let next = 0;
  return (item, index) => {
    waiting.set(index, item);
    while (waiting.has(next)) {
      const ready = waiting.get(next) as T;
      waiting.delete(next);
      each(ready, next++);
    }
  };
}
