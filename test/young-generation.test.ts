/**
 * build --watch collects each thread's young generation between rebuilds
 * (src/bundle/young-generation.ts): only when enabled, only while idle, and without leaving
 * V8's --expose-gc set.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { collectBetweenRebuilds, collectWhenIdle } from '../src/bundle/young-generation.js';
import { watchPapers } from '../src/cli/watch.js';
import { example, root, tempProject } from './support/project.js';

/** Forced young-generation collections of this thread while `during` runs (and shortly after). */
async function forcedMinorCollections(during: () => Promise<void> | void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as unknown as { detail?: { kind?: number; flags?: number } }).detail;
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR && ((detail.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    await during();
    await new Promise((resolve) => setTimeout(resolve, 100)); // entries come asynchronously
  } finally {
    observer.disconnect();
  }
  return count;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('young-generation collection between rebuilds', () => {
  afterEach(() => collectBetweenRebuilds(false));

  it('collects once idle when enabled, and not otherwise', async () => {
    collectBetweenRebuilds(false);
    expect(await forcedMinorCollections(async () => {
      collectWhenIdle();
      await tick();
    })).toBe(0);

    collectBetweenRebuilds(true);
    expect(await forcedMinorCollections(async () => {
      collectWhenIdle(() => false); // busy again by then
      await tick();
    })).toBe(0);
    expect(await forcedMinorCollections(async () => {
      collectWhenIdle();
      await tick();
    })).toBe(1);
    // New contexts do not see V8's gc: the flag was set back.
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });

  it('collects after each rebuild of build --watch', async () => {
    collectBetweenRebuilds(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'cp-young-'));
    const data = path.join(dir, 'paper.yaml');
    writeFileSync(data, 'a: 1\n');
    let builds = 0;
    const lines: string[] = [];
    let watcher: ReturnType<typeof watchPapers> | undefined;
    const collections = await forcedMinorCollections(async () => {
      watcher = watchPapers(
        [data],
        [],
        async () => {
          builds++;
          return { ok: true, sources: [data] };
        },
        (line) => lines.push(line),
      );
      await watcher.ready;
      await tick();
      writeFileSync(data, `a: ${readFileSync(data, 'utf8').length}\n`);
      for (let i = 0; i < 100 && builds < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      await tick();
    });
    watcher?.close();
    expect(builds).toBe(2);
    expect(collections).toBe(2);
  });

  // The built program, as build --watch runs: the main thread, the chart worker and the PDF
  // worker each collect once their part of a rebuild is done (V8's trace names the isolate
  // of each collection, and a collection asked for is one "testing").
  it('collects on the main thread, the chart worker and the PDF worker', () => {
    const dir = tempProject();
    const script = `
      const dist = ${JSON.stringify(path.join(root, 'dist'))};
      const { collectBetweenRebuilds } = await import(dist + '/bundle/young-generation.js');
      const { buildOne } = await import(dist + '/batch/build-one.js');
      const { allowPdfWorker, pdfWorker } = await import(dist + '/render/pdf/worker-client.js');
      const { chartWorker } = await import(dist + '/charts/worker-client.js');
      const { clearChartCache } = await import(dist + '/charts/index.js');
      const { collectWhenIdle } = await import(dist + '/bundle/young-generation.js');
      collectBetweenRebuilds(true);
      allowPdfWorker(true);
      for (let i = 0; i < 20 && !((pdfWorker()?.rendered ?? 0) > 1 && chartWorker()?.ready); i++) {
        clearChartCache();
        const r = await buildOne(${JSON.stringify(example)}, { out: 'out-' + i, formats: ['docx', 'pdf'], write: true });
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        collectWhenIdle();
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      process.stderr.write('DONE ' + (pdfWorker()?.rendered ?? 0) + ' ' + Boolean(chartWorker()?.ready) + '\\n');`;
    const r = spawnSync(process.execPath, ['--trace-gc', '--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const [, rendered, chartsReady] = /DONE (\d+) (\w+)/.exec(r.stderr) ?? [];
    expect(Number(rendered)).toBeGreaterThan(1);
    expect(chartsReady).toBe('true');
    const isolates = new Set([...r.stdout.matchAll(/^\[\d+:(0x[0-9a-f]+)\].*Scavenge.*testing/gm)].map((m) => m[1]));
    expect(isolates.size).toBe(3);
  });
});
