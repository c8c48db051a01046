/**
 * What code running from a bundle (bundle/make.ts) needs to know about it: where the bundles
 * of its worker threads are, and how to save the bundle's code cache (load.ts).
 *
 * It is kept on the thread's global object, not in this module: the code that asks runs from
 * the bundle, with a copy of this module of its own; load.ts, which sets it, runs from dist/.
 * Code not started from a bundle finds nothing here and uses its modules.
 */
const KEY = Symbol.for('committee-papers.runningBundle');

export interface RunningBundle {
  /** The folder of the bundles, as a file URL ending in /. */
  dir: URL;
  /** Saves the bundle's code cache if it needs one (load.ts). */
  saveCache(): void;
}

type Holder = { [KEY]?: RunningBundle };

/** Called by load.ts before it runs a bundle. */
export function setRunningBundle(running: RunningBundle): void {
  (globalThis as Holder)[KEY] = running;
}

/** The entry file of a worker thread: its bundle's starter when this code runs from a bundle, else `module`. */
export function workerEntry(module: URL, bundle: 'chart-worker' | 'batch-worker' | 'pdf-worker'): URL {
  const running = (globalThis as Holder)[KEY];
  return running ? new URL(`${bundle}.mjs`, running.dir) : module;
}

/**
 * A point where a worker thread has compiled what a typical run compiles (it has drawn a
 * paper's charts, or built a paper): the moment to save its bundle's code cache, if it has
 * none (some 0.1 s, once). The main thread saves its cache as it exits (cli/bin.ts); a worker
 * thread is ended from outside, with no exit of its own, so it saves while it is still needed.
 */
export function codeCacheCheckpoint(): void {
  (globalThis as Holder)[KEY]?.saveCache();
}
