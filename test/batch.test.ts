/** Batches: a folder of papers spread over worker threads; one bad file fails alone. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
