/**
 * The program's worker threads (the chart worker, the PDF worker, a batch lane): how one is
 * started, with the parent's node options less those node refuses a worker, and the main
 * thread's side of a worker that takes jobs by id and may fail.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Whether `file`, a worker's entry, is there to start: not where the program runs from its
 * TypeScript sources (the tests), whose workers have no compiled file.
 */
export function workerFileExists(file: URL): boolean {
  return file.protocol === 'file:' && existsSync(fileURLToPath(file));
}

/** The parent's node options less code given on the command line (-e, --print, --input-type): the worker runs a file. */
function withoutCode(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (/^--(input-type|eval|print)=/.test(arg)) continue;
    if (/^(-e|--eval|-p|--print|-pe)$/.test(arg)) {
      i++; // and its code
      continue;
    }
    out.push(arg);
  }
  return out;
}

/**
 * A worker running `file` with the parent's node options, less those node refuses a worker.
 * Given no execArgv, a worker shares the parent's options and node checks none, so that is
 * how it starts unless there is code to leave out. Given some, node refuses code (-e) and
 * options that are the whole process's (V8 flags such as --max-semi-space-size or
 * --perf-basic-prof), and names them: those are left out (or all, if it names none given).
 */
export function startWorker(file: URL, options: { workerData?: unknown } = {}): Worker {
  const args = withoutCode(process.execArgv);
  if (args.length === process.execArgv.length) return new Worker(file, options);
  try {
    return new Worker(file, { ...options, execArgv: args });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    const named = (/flags:\s*(.*)$/s.exec((err as Error).message)?.[1] ?? '').split(/,\s*/);
    const kept = args.filter((a) => !named.includes(a));
    return new Worker(file, { ...options, execArgv: kept.length < args.length ? kept : [] });
  }
}

/**
 * The asking side of a worker thread that does jobs by id (the chart worker, the PDF worker,
 * a batch lane). It starts the worker when first needed; a worker that fails (an error, or its
 * exit) is marked broken, and the jobs it had are given up (`abandon`): the chart and PDF
 * workers' callers then do them on their own thread, a batch stops.
 */
export abstract class JobWorker<Job, Reply extends { id: number; type: string }> {
  protected worker: Worker | undefined;
  protected readonly jobs = new Map<number, Job>();
  private nextId = 0;
  /** The worker is ready: jobs go to it. */
  ready = false;
  /** What the worker failed with: no job goes to it from then on. */
  protected broken: Error | undefined;

  /** The worker failed: it will not get ready. */
  get failed(): boolean {
    return this.broken !== undefined;
  }

  /** `file`: the worker's entry; `name` names it in the error its jobs are given up with. */
  constructor(
    private readonly file: URL,
    private readonly name: string,
    private readonly workerData?: unknown,
  ) {}

  /** A reply from the worker about `job` (not 'ready', which marks the worker ready). */
  protected abstract receive(job: Job, reply: Exclude<Reply, { type: 'ready' }>): void;

  /** Gives up `job`: the worker stopped before it was done. */
  protected abstract abandon(job: Job, err: Error): void;

  protected start(): Worker {
    const worker = startWorker(this.file, { workerData: this.workerData });
    worker.on('message', (reply: Reply) => {
      if (reply.type === 'ready') this.ready = true;
      else {
        const job = this.jobs.get(reply.id);
        if (job) this.receive(job, reply as Exclude<Reply, { type: 'ready' }>);
      }
    });
    const fail = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.ready = false;
      this.broken = err;
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      for (const job of jobs) this.abandon(job, err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the ${this.name} stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Sends `message(id)` for a new job, kept under that id until done(id). */
  protected send(job: Job, message: (id: number) => unknown): void {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    worker.ref();
    this.jobs.set(id, job);
    try {
      worker.postMessage(message(id));
    } catch (e) {
      this.done(id); // not sent (a value that cannot be copied to a thread): nothing to wait for
      throw e;
    }
  }

  /** Ends the worker (its jobs are given up). */
  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  /** The job `id` is done. An idle worker does not keep the process alive; one with work does. */
  protected done(id: number): void {
    this.jobs.delete(id);
    if (this.jobs.size === 0) this.worker?.unref();
  }
}
