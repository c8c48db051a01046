/**
 * Runs a CommonJS bundle (bundle/make.ts) with V8's code cache: the bytecode of every
 * function a run compiled, saved beside the bundle once a run has used most of the program,
 * and handed back to V8 at the next start so that it compiles almost nothing.
 *
 * The cache is only ever a shortcut: V8 checks it against its own version and flags and
 * rejects it if they differ; this module checks it against the bundle's own hash (V8 checks
 * only the source's length). Without a usable cache the bundle is compiled as usual, and the
 * run may save a new cache. A cache that cannot be written (a read-only install) is not an
 * error.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { setRunningBundle } from './running.js';

const HASH_BYTES = 32;

export interface BundleRun {
  /** Whether V8 took the saved code cache. */
  cached: boolean;
  /**
   * Saves the code compiled so far as the bundle's cache, unless the run took a cache (it is
   * then already saved) or has saved one. V8's flags must be as they were when the run began.
   */
  saveCache(): void;
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

function writeCache(bundle: string, hash: Buffer, data: Buffer): void {
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
 * Runs `bundle` (a file made by bundle/make.ts) as the main module of this thread would run,
 * or returns undefined if there is no such file (the program was built without its bundle).
 * Code in the bundle may save the cache at a point of its choosing (running.ts).
 */
export function runBundle(bundle: string | URL): BundleRun | undefined {
  const file = bundle instanceof URL ? fileURLToPath(bundle) : bundle;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw e;
  }
  // Hashed as bytes: hashing the string would encode it to UTF-8 again (6 times slower).
  const hash = createHash('sha256').update(bytes).digest();
  // As Node does for a main module: a first line starting #! is not JavaScript.
  const source = bytes.toString('utf8').replace(/^#!.*/, '');
  const cachedData = savedCache(file, hash);
  // The wrapper Node puts around a CommonJS module, on one line so that line numbers hold.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  let saved = cached;
  const saveCache = () => {
    if (saved) return;
    saved = true;
    writeCache(file, hash, script.createCachedData());
  };
  setRunningBundle({ dir: pathToFileURL(`${path.dirname(file)}${path.sep}`), saveCache });
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { cached, saveCache };
}
