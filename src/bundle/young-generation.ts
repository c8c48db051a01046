/**
 * In `build --watch`, each thread collects its young generation once it has done its part of
 * a rebuild and waits for the next save: the main thread once the files are written, the PDF
 * worker once it has sent its PDF, the chart worker once its PNGs are made.
 *
 * Why: V8 collects the young generation when it is full, which on these threads was in the
 * middle of the next rebuild, with that rebuild's document alive: the collection copied it
 * and moved a few megabytes to the old generation, into pages fresh from the kernel, whose
 * first touch is dear on this kind of virtual machine. Such a collection held a thread up
 * 8-15 ms (the chart worker's 15 ms on average, over 80 rebuilds), some 20 ms of a rebuild
 * over the three threads. Collected while the thread waits, the young generation holds
 * little but garbage, and the next rebuild starts with it empty: a rebuild allocates less
 * than it holds, so none is collected in the middle of one.
 *
 * V8 offers no collection to a program without `--expose-gc`. The flag is set just long
 * enough to take V8's `gc` from a new context, and then set back, so that the flags V8
 * records with a code cache (bundle/load.ts) stay the process's own.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type Collect = (options: { type: 'minor' }) => void;

let enabled = false;
let collect: Collect | null | undefined;

/** Whether this thread collects between rebuilds (build --watch sets it; its workers are told). */
export function collectBetweenRebuilds(on: boolean): void {
  enabled = on;
}

/** Whether this thread collects between rebuilds (the chart worker is told it when started). */
export function collectsBetweenRebuilds(): boolean {
  return enabled;
}

function obtain(): Collect | null {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as Collect; // node --expose-gc
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/** Work under way on this thread (afterWork). */
let working = 0;

/**
 * Runs `work` (a rebuild, a PDF), then collects the young generation once no work given here
 * is under way on this thread.
 */
export async function afterWork<T>(work: () => Promise<T>): Promise<T> {
  working++;
  try {
    return await work();
  } finally {
    working--;
    collectWhenIdle(() => working === 0);
  }
}

/**
 * Collects this thread's young generation once the work under way has ended (a macrotask
 * later), if it is enabled and `stillIdle()` then.
 */
export function collectWhenIdle(stillIdle: () => boolean = () => true): void {
  if (!enabled) return;
  setImmediate(() => {
    if (!stillIdle()) return;
    collect ??= obtain();
    collect?.({ type: 'minor' });
  }).unref();
}
