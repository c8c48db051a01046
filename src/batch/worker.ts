/** A batch worker thread: builds the papers the main thread sends, one at a time. */
import { parentPort } from 'node:worker_threads';
import { buildOne, type BuildOneOptions } from './build-one.js';

parentPort!.on('message', async (msg: { id: number; file: string; opts: BuildOneOptions }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: await buildOne(msg.file, msg.opts) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) });
  }
});
