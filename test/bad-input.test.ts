/**
 * Each kind of bad input gets a clear message with file:line:column, a non-zero exit,
 * and no output written or changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { edit, example, lineOf, run, tempProject } from './support/project.js';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempProject();
  });
  const fresh = () => tempProject();

  it('a YAML syntax error names the file, line and column', () => {
    const d = fresh();
    edit(d, example, '  openCases: 7859', '  openCases: [7859');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${example}:\\d+:\\d+: YAML syntax error`));
  });

  it('a wrong type names the field, what was expected and what was found', () => {
    const d = fresh();
    edit(d, example, '  openCases: 7859', '  openCases: lots');
    const line = lineOf(d, example, 'openCases: lots');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${example}:${line}:16: figures.mainstream.openCases: expected a whole number, found the text "lots"`);
  });

  it('an unknown key (a typo) is an error, with a suggestion, and all errors come at once', () => {
    const d = fresh();
    edit(d, example, '  openCases: 7859', '  opneCases: 7859');
    edit(d, example, 'electoralDivision: All', 'electoralDivision: 12');
    const line = lineOf(d, example, 'opneCases');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${example}:${line}:5: figures.mainstream.opneCases: unknown field "opneCases" (did you mean "openCases"?)`);
    expect(r.stderr).toMatch(/figures\.mainstream: missing field "openCases"/);
    expect(r.stderr).toMatch(/meta\.electoralDivision: expected text, found the number 12/);
    expect(r.stderr).toMatch(/3 problems/);
  });

  it('a missing field is named at its parent', () => {
    const d = fresh();
    edit(d, example, /  meetingDate: 2016-12-06\n/, '');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${example}:\\d+:\\d+: meta: missing field "meetingDate"`));
  });

  it('an impossible date is refused', () => {
    const d = fresh();
    edit(d, example, 'contractEnd: 2017-08-31', 'contractEnd: 2017-02-30');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('figures.contractEnd: expected a date written YYYY-MM-DD (e.g. 2016-09-30), found the text "2017-02-30"');
  });

  it('a template asking for a field the data lacks names the template file and line', () => {
    const d = fresh();
    const partial = 'templates/papers/camhs-contract-performance/partials/introduction.hbs';
    edit(d, partial, '{{figures.provider.name}}', '{{figures.provider.nmae}}');
    const line = lineOf(d, partial, 'provider.nmae');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${partial}:${line}:\\d+: the template asks for "nmae"`));
  });

  it('a template syntax error names the template file and line', () => {
    const d = fresh();
    const partial = 'templates/papers/camhs-contract-performance/partials/introduction.hbs';
    edit(d, partial, '{{figures.provider.name}}', '{{figures.provider.name}');
    const line = lineOf(d, partial, 'provider.name}');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${partial}:${line}:\\d+: template syntax error`));
  });

  it('wrong usage exits 2', () => {
    expect(run(dir, ['build']).status).toBe(2);
    expect(run(dir, ['frobnicate']).status).toBe(2);
    expect(run(dir, ['build', example, '--format', 'odt']).status).toBe(2);
    const help = run(dir, ['build', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--format');
  });

  it('a failed build leaves the last good output untouched', () => {
    const d = fresh();
    const good = run(d, ['build', example]);
    expect(good.status, good.stderr).toBe(0);
    const outputs = ['output/camhs-contract-performance-2016-09.docx', 'output/camhs-contract-performance-2016-09.pdf'].map((f) => path.join(d, f));
    for (const f of outputs) expect(existsSync(f)).toBe(true);
    const before = outputs.map(sha);
    edit(d, example, '  openCases: 7859', '  openCases: -1');
    const bad = run(d, ['build', example]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/nothing written/);
    expect(outputs.map(sha)).toEqual(before);
    expect(readdirSync(path.join(d, 'output')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('bad charts fail the build with the chart file and the reason', () => {
  const spec = 'templates/papers/camhs-contract-performance/charts/waiting-list.vl.json';
  const cases: [string, (s: Record<string, any>) => void, RegExp][] = [
    ['a data URL', (s) => (s.data = { url: '/etc/passwd' }), /url/i],
    ['an image mark with a URL', (s) => s.layer.push({ mark: 'image', encoding: { url: { value: 'https://example.org/x.png' } } }), /image|url/i],
    ['a mark that is not Vega-Lite', (s) => (s.layer[0].mark.type = 'barr'), /barr/],
    ['a field the data lacks', (s) => (s.encoding.y.field = 'vaule'), /field "vaule"/],
  ];
  for (const [name, change, reason] of cases) {
    it(name, () => {
      const d = tempProject();
      const file = path.join(d, spec);
      const s = JSON.parse(readFileSync(file, 'utf8'));
      change(s);
      writeFileSync(file, JSON.stringify(s));
      const r = run(d, ['build', example]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(spec);
      expect(r.stderr).toMatch(reason);
      expect(existsSync(path.join(d, 'output'))).toBe(false);
    });
  }
});

describe('a paper that would not be accessible is not written', () => {
  it('a layout that gives the document no language fails with a clear message', () => {
    const d = tempProject();
    edit(d, 'templates/layouts/kent-cabinet-committee/layout.yaml', 'lang: en-GB', 'lang: ""');
    const r = run(d, ['build', example, '--format', 'pdf']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${example}: not written, as it would not be accessible: .*language`));
    expect(r.stderr).not.toContain('internal error');
    expect(existsSync(path.join(d, 'output'))).toBe(false);
  });
});
