/**
 * Batches on every core: papers spread over a pool of worker threads (one per core by
 * default). A bad data file fails alone; the others go on.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { keepRasterizerMemory } from '../charts/png.js';
import type { BuildOneOptions, BuildOneResult } from './build-one.js';

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

export async function buildBatch(
  files: string[],
  opts: BuildOneOptions,
  jobs: number,
  onResult: (r: BuildOneResult, done: number) => void,
): Promise<BuildOneResult[]> {
  const results: BuildOneResult[] = new Array(files.length);
  let next = 0;
  let done = 0;
  keepRasterizerMemory(); // before a worker loads resvg
  const workers = Array.from({ length: Math.min(jobs, files.length) }, () => new Worker(new URL('./worker.js', import.meta.url)));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= files.length) return resolve();
              const id = next++;
              w.once('message', (msg: { id: number; result?: BuildOneResult; error?: string }) => {
                if (msg.error) return reject(new Error(`worker: ${msg.error}`));
                results[msg.id] = msg.result!;
                onResult(msg.result!, ++done);
                feed();
              });
              w.postMessage({ id, file: files[id], opts });
            };
            w.once('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
