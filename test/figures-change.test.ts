/**
 * When the figures change: the sentences that depend on them are rebuilt correctly,
 * `diff` lists exactly what changed, and the same input gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, example, lineOf, run, tempProject } from './support/project.js';
import { docxParagraphs, docxParts } from './support/readers.js';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const nextEdition = 'data/camhs-contract-performance-2016-10.yaml';

describe('changed figures', () => {
  it('rebuild the sentences that depend on them', async () => {
    const d = tempProject();
    edit(d, example, '      2016-09: 624', '      2016-09: 1100');
    const r = run(d, ['build', example, '--format', 'docx']);
    expect(r.status, r.stderr).toBe(0);
    const xml = (await docxParts(path.join(d, 'output/camhs-contract-performance-2016-09.docx')))['word/document.xml'];
    const text = docxParagraphs(xml).join('\n');
    expect(text).toContain('Currently (September 2016) there are 1,100 children and young people on the waiting list; this is an increase from 980 in September 2015.');
    expect(text).toContain('The waiting list rose from 980 to 1,100 in a year');
    expect(text).not.toContain('624');
  });

  it('diff lists exactly the changed figures and the sentences that now read differently', () => {
    const d = tempProject();
    cpSync(path.join(d, example), path.join(d, nextEdition));
    edit(d, nextEdition, '      2016-09: 624', '      2016-09: 980');
    edit(d, nextEdition, '  openCases: 7859', '  openCases: 8001');
    const r = run(d, ['diff', example, nextEdition]);
    expect(r.status, r.stderr).toBe(0);
    const figures = r.stdout.slice(0, r.stdout.indexOf('Sentences'));
    expect(figures).toContain('Figures that changed (2)');
    expect(figures).toContain(`figures.mainstream.openCases: 7859 -> 8001   (${nextEdition}:${lineOf(d, nextEdition, 'openCases: 8001')})`);
    expect(figures).toContain('figures.mainstream.waitingList.2016-09: 624 -> 980');
    expect(figures.trim().split('\n')).toHaveLength(3);
    const sentences = r.stdout.slice(r.stdout.indexOf('Sentences'));
    expect(sentences).toContain('old: Currently (September 2016) there are 624 children and young people on the waiting list; this is a decrease from 980 in September 2015.');
    expect(sentences).toContain('new: Currently (September 2016) there are 980 children and young people on the waiting list; this is the same as in September 2015.');
    expect(sentences).toContain('new: There are currently (September 2016) 8,001 children and young people open to the service.');
    // Sentences that do not depend on the changed figures are not listed.
    expect(sentences).not.toContain('averaging 910 referrals');
  });

  it('diff of an edition with itself lists nothing', () => {
    const d = tempProject();
    const r = run(d, ['diff', example, example]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Figures that changed (0)');
    expect(r.stdout).toContain('Sentences that read differently (0)');
  });
});

describe('identical rebuilds', () => {
  it('give the same bytes in separate processes, whatever the time zone and locale', () => {
    const a = tempProject();
    const b = tempProject();
    const ra = run(a, ['build', example], { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const rb = run(b, ['build', example], { TZ: 'Pacific/Kiritimati', LANG: 'fr_FR.UTF-8', LC_ALL: 'fr_FR.UTF-8' });
    expect(ra.status, ra.stderr).toBe(0);
    expect(rb.status, rb.stderr).toBe(0);
    for (const ext of ['docx', 'pdf']) {
      const f = `output/camhs-contract-performance-2016-09.${ext}`;
      expect(sha(path.join(a, f)), ext).toBe(sha(path.join(b, f)));
    }
  });
});
