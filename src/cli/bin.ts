#!/usr/bin/env node
/**
 * The `committee-papers` command: runs the CLI (cli/main.ts) from its one-file bundle with
 * V8's code cache (bundle/), or from its modules when the build made no bundle.
 */
import { runBundle } from '../bundle/load.js';
import { restoreHeapGrowth } from './heap.js';

const command = process.argv[2];
const ran = runBundle(new URL('../bundled/cli.cjs', import.meta.url));
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
