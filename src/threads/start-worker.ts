/**
 * Worker threads started with the parent's node options, less those a worker cannot take.
 *
 * Node refuses a worker whose execArgv names code to run (-e, --input-type), or holds an
 * option that is the whole process's (V8's heap and profiling flags, such as
 * --max-semi-space-size or --perf-basic-prof): `new Worker` throws
 * ERR_WORKER_INVALID_EXEC_ARGV. A user who runs the CLI with such an option must still get
 * their papers, so those options are left out, as node names them.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `args` less code given on the command line (-e, --print, --input-type): a worker runs a file. */
export function withoutCodeOptions(args: readonly string[]): string[] {
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

/** The options node's ERR_WORKER_INVALID_EXEC_ARGV message names ("...flags: --a, --b=1"). */
export function refusedOptions(err: unknown): string[] | undefined {
  if (!(err instanceof Error) || (err as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return undefined;
  const listed = /flags:\s*(.*)$/s.exec(err.message)?.[1];
  return listed ? listed.split(/,\s*/).map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * A worker running `file`, with the parent's node options that a worker accepts. A worker
 * given no execArgv shares the parent's options and node checks nothing, so that is how it
 * starts when there is no code to leave out. Otherwise, when node refuses some options,
 * they are left out (those it names, then all of them if it still refuses).
 */
export function startWorker(file: URL, options: Omit<WorkerOptions, 'execArgv'> = {}, execArgv: readonly string[] = process.execArgv): Worker {
  let args = withoutCodeOptions(execArgv);
  if (args.length === execArgv.length) return new Worker(file, options);
  for (let attempt = 0; ; attempt++) {
    try {
      return new Worker(file, { ...options, execArgv: args });
    } catch (err) {
      const refused = refusedOptions(err);
      if (!refused || args.length === 0) throw err;
      const named = new Set(refused);
      const kept = args.filter((a) => !named.has(a));
      args = attempt === 0 && kept.length < args.length ? kept : [];
    }
  }
}
