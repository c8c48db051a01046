/** Batches: a folder of papers spread over worker threads; one bad file fails alone. */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { example, run, tempProject } from './support/project.js';

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
