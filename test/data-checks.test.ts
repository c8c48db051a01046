/** Data checks declared in a data file catch stale or inconsistent figures, at their line. */
import { describe, expect, it } from 'vitest';
import { edit, example, lineOf, run, tempProject } from './support/project.js';

describe('data checks', () => {
  it('a month missing from a series is an error at the month after the gap', () => {
    const d = tempProject();
    edit(d, example, /      2016-02: 962\n/, '');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${example}:${lineOf(d, example, '2016-03: 958')}:7: figures.mainstream.referrals.2016-03: the series misses 2016-02: it goes from 2016-01 to 2016-03 (check 1: monthly)`);
    expect(r.stderr).toMatch(/figures\.mainstream\.referrals: expected 12 months, found 11/);
  });

  it('a month given twice is an error', () => {
    const d = tempProject();
    edit(d, example, '      2016-03: 958', '      2016-03: 958\n      2016-03: 959');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${example}:${lineOf(d, example, '2016-03: 959')}:7: YAML syntax error: Map keys must be unique`));
  });

  it('a series that does not reach the reporting period is stale', () => {
    const d = tempProject();
    edit(d, example, 'reportingPeriod: 2016-09', 'reportingPeriod: 2016-10');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the series ends at 2016-09, but the paper reports on 2016-10 (figures.reportingPeriod): are these figures stale?');
  });

  it('a percentage outside 0 to 100 is refused', () => {
    const d = tempProject();
    edit(d, example, '      2016-09: 53', '      2016-09: 153');
    const r = run(d, ['check', example]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${example}:${lineOf(d, example, '2016-09: 153')}:16: figures\\.mainstream\\.seenWithinTarget\\.2016-09: expected a number <= 100, found the number 153`));
  });

  it('parts that do not add up to their total are reported; a warning does not stop the build', () => {
    const d = tempProject();
    const file = 'data/camhs-section-76-2019-01.yaml';
    edit(d, file, '  kentCcgs: 7', '  kentCcgs: 7\n  reviewMonths: 6');
    edit(d, file, /  reviewMonths: 6\n  services:/, '  services:');
    edit(d, file, 'figures:\n', 'checks:\n  - check: sum\n    field: figures.contractValue.whole\n    parts: [figures.contractValue.council, figures.kentCcgs]\n    severity: warning\nfigures:\n');
    const r = run(d, ['build', file, '--format', 'docx']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: warning: figures\\.contractValue\\.whole: the parts \\(council \\+ kentCcgs = 2650007\\) do not add up to 16000000`));
    edit(d, file, 'severity: warning', 'severity: error');
    const r2 = run(d, ['build', file, '--format', 'docx']);
    expect(r2.status).toBe(1);
  });
});
