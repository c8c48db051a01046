/**
 * Atomic output: each file is written to a temporary name beside it and renamed over the
 * old one, so a failed or interrupted build never leaves a half-written paper and never
 * damages the last good one.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Write several files only once all of them have been made. */
export function writeAllAtomic(files: { file: string; bytes: Uint8Array | string }[]): void {
  for (const f of files) writeFileAtomic(f.file, f.bytes);
}
