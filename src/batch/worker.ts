/**
 * A batch lane's thread (pool.ts): builds the papers the main thread sends, several at a
 * time, each answered by its id. Its charts go to a chart worker of its own if the lane has one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codeCacheCheckpoint } from '../bundle/running.js';
import { allowChartWorker } from '../charts/worker-client.js';
import { buildOne, type BuildOneOptions } from './build-one.js';
import type { LanePlan, LaneReply } from './pool.js';

allowChartWorker((workerData as LanePlan | undefined)?.chartWorker === true, true);

parentPort!.on('message', async (msg: { id: number; file: string; opts: BuildOneOptions }) => {
  try {
    const result = await buildOne(msg.file, msg.opts);
    // Before the answer: once the last paper is answered, the thread may be ended at any time.
    codeCacheCheckpoint();
    parentPort!.postMessage({ id: msg.id, type: 'built', result } satisfies LaneReply);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, type: 'failed', error: (e as Error).stack ?? String(e) } satisfies LaneReply);
  }
});
