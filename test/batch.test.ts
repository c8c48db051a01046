/** Batches: a folder of papers spread over the threads, in lanes; one bad file fails alone. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inFileOrder, planLanes, threadsUsed } from '../src/batch/pool.js';
import { cli, example, run, tempProject } from './support/project.js';

describe('build a folder with --jobs 2', () => {
  it('builds the good papers, reports the bad one, and says so in the exit code', () => {
    const d = tempProject();
    mkdirSync(path.join(d, 'batch'));
    const src = readFileSync(path.join(d, example), 'utf8');
    for (const n of ['a', 'b', 'c']) writeFileSync(path.join(d, 'batch', `${n}.yaml`), src.replace('openCases: 7859', `openCases: ${n === 'b' ? 'unknown' : 7000}`));
    cpSync(path.join(d, 'data/camhs-section-76-2019-01.yaml'), path.join(d, 'batch/d.yaml'));
    const r = run(d, ['build', 'batch', '--jobs', '2', '--format', 'docx']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/built 3 of 4 papers in [\d.]+ s with 2 jobs; 1 failed: batch\/b\.yaml/);
    expect(r.stderr).toMatch(/batch\/b\.yaml:\d+:\d+: figures\.mainstream\.openCases: expected a whole number, found the text "unknown"/);
    for (const n of ['a', 'c', 'd']) expect(existsSync(path.join(d, `output/${n}.docx`)), n).toBe(true);
    expect(existsSync(path.join(d, 'output/b.docx'))).toBe(false);
  });

  it('refuses a --jobs that is not a whole number', () => {
    const d = tempProject();
    expect(run(d, ['build', 'data', '--jobs', 'lots']).status).toBe(2);
  });
});

describe('node options a worker thread cannot take', () => {
  // --max-semi-space-size is the whole process's: node refuses a worker that inherits it.
  it.each(['1', '2'])('builds two papers with --jobs %s when node runs with --max-semi-space-size', (jobs) => {
    const d = tempProject();
    const r = spawnSync(process.execPath, ['--max-semi-space-size=4', cli, 'build', 'data/camhs-contract-performance-2016-09.yaml', 'data/camhs-section-76-2019-01.yaml', '--jobs', jobs, '--format', 'pdf'], {
      cwd: d,
      encoding: 'utf8',
    });
    expect(r.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV|invalid execArgv/);
    expect(r.status).toBe(0);
    for (const n of ['camhs-contract-performance-2016-09', 'camhs-section-76-2019-01']) expect(existsSync(path.join(d, `output/${n}.pdf`)), n).toBe(true);
  });
});

describe('lanes', () => {
  it('pairs the threads into lanes, the odd one out drawing its own charts, and no more lanes than papers', () => {
    const lanes = (jobs: number, papers: number) => planLanes(jobs, papers).map((l) => (l.chartWorker ? 2 : 1));
    expect(lanes(1, 10)).toEqual([1]);
    expect(lanes(2, 10)).toEqual([2]);
    expect(lanes(3, 10)).toEqual([2, 1]);
    expect(lanes(4, 10)).toEqual([2, 2]);
    expect(lanes(5, 10)).toEqual([2, 2, 1]);
    expect(lanes(8, 2)).toEqual([2, 2]);
    expect(lanes(2, 1)).toEqual([2]);
    expect(threadsUsed(8, 2)).toBe(4);
    expect(threadsUsed(3, 10)).toBe(3);
  });

  it('reports results in the order of their files, each as soon as those before it are in', () => {
    const seen: string[] = [];
    const report = inFileOrder((item: string, index: number) => seen.push(`${index}:${item}`));
    report('c', 2);
    expect(seen).toEqual([]);
    report('a', 0);
    expect(seen).toEqual(['0:a']);
    report('d', 3);
    report('b', 1);
    expect(seen).toEqual(['0:a', '1:b', '2:c', '3:d']);
  });

  // A lane builds several papers at once on one thread, its charts drawn there or on its chart
  // worker (a worker of the lane's worker when there are two lanes): none of it may show in the bytes.
  it('writes, with --jobs 1, 2 and 3, and as PDF only, the same bytes as building each paper alone', () => {
    const d = tempProject();
    mkdirSync(path.join(d, 'batch'));
    const src = readFileSync(path.join(d, example), 'utf8');
    const papers = ['a', 'b', 'c', 'd'];
    papers.forEach((n, i) => {
      // Each paper with charts of its own: its September referrals and waiting list differ.
      const text = src.replace(/^(\s+2016-09): (\d+)$/gm, (_m, k: string, v: string) => `${k}: ${Number(v) + i + 1}`);
      expect(text).not.toBe(src);
      writeFileSync(path.join(d, 'batch', `${n}.yaml`), text);
    });
    for (const n of papers) expect(run(d, ['build', `batch/${n}.yaml`, '--out', 'alone']).status, n).toBe(0);
    for (const jobs of ['1', '2', '3']) {
      const r = run(d, ['build', 'batch', '--out', `jobs${jobs}`, '--jobs', jobs]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`built 4 of 4 papers in [\\d.]+ s with ${jobs} jobs?\\n`));
      for (const n of papers) {
        for (const f of ['docx', 'pdf']) {
          const alone = readFileSync(path.join(d, `alone/${n}.${f}`));
          expect(readFileSync(path.join(d, `jobs${jobs}/${n}.${f}`)).equals(alone), `--jobs ${jobs}: ${n}.${f}`).toBe(true);
        }
      }
    }
    // Without a DOCX no PNG is made (charts/render.ts): the PDFs are the same.
    const pdfOnly = run(d, ['build', 'batch', '--out', 'pdf-only', '--jobs', '2', '--format', 'pdf']);
    expect(pdfOnly.status, pdfOnly.stderr).toBe(0);
    for (const n of papers) {
      expect(readFileSync(path.join(d, `pdf-only/${n}.pdf`)).equals(readFileSync(path.join(d, `alone/${n}.pdf`))), `PDF only: ${n}`).toBe(true);
      expect(existsSync(path.join(d, `pdf-only/${n}.docx`))).toBe(false);
    }
    // The papers differ from each other: a batch that wrote one paper four times would fail above.
    expect(readFileSync(path.join(d, 'alone/a.pdf')).equals(readFileSync(path.join(d, 'alone/b.pdf')))).toBe(false);
  }, 120_000);
});
