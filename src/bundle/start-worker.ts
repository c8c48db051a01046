/**
 * Starting one of the program's worker threads (the chart worker, the PDF worker, a batch
 * lane) with the parent's node options, less those node refuses a worker.
 */
import { Worker } from 'node:worker_threads';

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
