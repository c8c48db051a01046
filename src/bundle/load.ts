/**
 * Runs a CommonJS bundle (bundle/make.ts) with V8's code cache: the bytecode of every
 * function a run compiled, saved beside the bundle after a run that used most of the program,
 * and handed back to V8 at the next start so that it compiles almost nothing.
 *
 * The cache is only ever a shortcut: V8 checks it against its own version and flags and
 * rejects it if they differ; this module checks it against the bundle's own hash (V8 checks
 * only the source's length). Without a usable cache the bundle is compiled as usual, and the
 * run may write a new cache when it ends. A cache that cannot be written (a read-only install)
 * is not an error.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { Script } from 'node:vm';

const HASH_BYTES = 32;

export interface BundleRun {
  /** Whether V8 took the saved code cache. */
  cached: boolean;
}

export interface BundleOptions {
  /**
   * Asked when the process exits, if the run had no usable cache: whether this run compiled
   * enough of the program to be worth caching (a help text or a failed run is not).
   */
  cacheWorthSaving(exitCode: number): boolean;
  /** Undoes what the run changed in V8's flags, which a cache records and checks. */
  restoreFlags(): void;
}

function cacheFile(bundle: string): string {
  return `${bundle}.cache`;
}

function savedCache(bundle: string, hash: Buffer): Buffer | undefined {
  try {
    const saved = readFileSync(cacheFile(bundle));
    return saved.subarray(0, HASH_BYTES).equals(hash) ? saved.subarray(HASH_BYTES) : undefined;
  } catch {
    return undefined;
  }
}

function saveCache(bundle: string, hash: Buffer, data: Buffer): void {
  const file = cacheFile(bundle);
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([hash, data]));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * Runs `bundle` (a file made by bundle/make.ts) as the main module would run, or returns
 * undefined if there is no such file (the program was built without its bundle).
 */
export function runBundle(bundle: string, options: BundleOptions): BundleRun | undefined {
  if (!existsSync(bundle)) return undefined;
  const bytes = readFileSync(bundle);
  // Hashed as bytes: hashing the string would encode it to UTF-8 again (6 times slower).
  const hash = createHash('sha256').update(bytes).digest();
  // As Node does for a main module: a first line starting #! is not JavaScript.
  const source = bytes.toString('utf8').replace(/^#!.*/, '');
  const cachedData = savedCache(bundle, hash);
  // The wrapper Node puts around a CommonJS module, on one line so that line numbers hold.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  if (!cached) {
    process.once('exit', (code) => {
      if (!options.cacheWorthSaving(code)) return;
      options.restoreFlags();
      saveCache(bundle, hash, script.createCachedData());
    });
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return { cached };
}
