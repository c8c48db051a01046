#!/usr/bin/env node
/**
 * The `committee-papers` command: runs the CLI (cli/main.ts) from its one-file bundle with
 * V8's code cache (bundle/), or from its modules when the build made no bundle, or when the
 * modules are newer than it (compiled again without bundling: the bundle would run old code).
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBundle } from '../bundle/load.js';
import { restoreHeapGrowth } from './heap.js';
import { optimiseOnlyHotCode } from './optimizer.js';

const bundle = fileURLToPath(new URL('../bundled/cli.cjs', import.meta.url));
const modules = fileURLToPath(new URL('./main.js', import.meta.url));

function bundleIsCurrent(): boolean {
  try {
    return statSync(bundle).mtimeMs >= statSync(modules).mtimeMs;
  } catch {
    return false;
  }
}

optimiseOnlyHotCode();
const command = process.argv[2];
const ran = bundleIsCurrent() ? runBundle(bundle) : undefined;
if (ran) {
  // A build or pack that went well has compiled most of the program; a help text, a check or a
  // failed run much less, and a cache, once saved, stays until the bundle changes.
  process.once('exit', (code) => {
    if (code !== 0 || !(command === 'build' || command === 'pack') || process.argv.includes('--help')) return;
    restoreHeapGrowth();
    ran.saveCache();
  });
} else {
  await import('./main.js');
}
