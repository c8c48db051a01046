/**
 * The example HOSC pack: agenda page ranges equal the pages each paper really starts and
 * ends on, bookmarks open each item, and a bad item names the pack line and its own error.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { edit, lineOf, root, run, tempProject } from './support/project.js';
import { has, libreofficePdf, pdfinfo, pdftotext } from './support/readers.js';

const packFile = 'data/packs/hosc-2019-01-29.yaml';
let dir: string;
let pdf: string;
let docx: string;

beforeAll(() => {
  dir = tempProject();
  const r = run(dir, ['pack', packFile]);
  expect(r.status, r.stderr).toBe(0);
  pdf = path.join(dir, 'output/hosc-2019-01-29.pdf');
  docx = path.join(dir, 'output/hosc-2019-01-29.docx');
});

/** The page ranges the agenda prints, by item number. */
function agendaRanges(): Map<number, [number, number]> {
  const text = pdftotext(pdf, true, 1) + pdftotext(pdf, true, 2);
  const ranges = new Map<number, [number, number]>();
  for (const m of text.matchAll(/^\s*(\d+)\s+.*?\(Pages?\s(\d+)(?:\s-\s(\d+))?\)\s*$/gm)) {
    ranges.set(Number(m[1]), [Number(m[2]), Number(m[3] ?? m[2])]);
  }
  return ranges;
}

const firstText: Record<number, string> = {
  4: 'Item 4: Children and Young People’s Mental Health Services',
  5: 'Child and Adolescent Mental Health Service Contract',
  6: 'Children and Young People’s Mental Health Service –',
};

describe('the example pack', () => {
  it('writes a tagged PDF and a DOCX', () => {
    expect(pdfinfo(pdf).Tagged).toBe('yes');
    expect(existsSync(docx)).toBe(true);
  });

  it('prints a page range for every paper, and each is where the paper really is', () => {
    const ranges = agendaRanges();
    expect([...ranges.keys()]).toEqual([4, 5, 6]);
    const pages = Number(pdfinfo(pdf).Pages);
    let previousEnd = 0;
    for (const [item, [start, end]] of ranges) {
      expect(start, `item ${item}`).toBeGreaterThan(previousEnd);
      expect(end).toBeGreaterThanOrEqual(start);
      const first = pdftotext(pdf, false, start);
      expect(first, `item ${item} should start on page ${start}`).toContain(firstText[item]);
      // The page before belongs to the agenda or to the previous paper, which ends there.
      if (start > 1) expect(pdftotext(pdf, false, start - 1)).toMatch(previousEnd === 0 ? /Agenda/ : /Contact details/);
      // Every paper ends with its contact details.
      expect(pdftotext(pdf, false, end), `item ${item} should end on page ${end}`).toContain('Contact details');
      if (end < pages) expect(pdftotext(pdf, false, end + 1)).not.toContain('Contact details');
      previousEnd = end;
    }
    expect(previousEnd).toBe(pages);
  });

  it('numbers pages continuously through the pack', () => {
    const pages = Number(pdfinfo(pdf).Pages);
    for (const p of [2, pages]) expect(pdftotext(pdf, false, p)).toMatch(new RegExp(`Page ${p}( of ${pages})?\\b`));
  });

  it('has a bookmark per item that opens its first page', async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(pdf)), verbosity: 0 }).promise;
    const outline = (await doc.getOutline()) ?? [];
    const ranges = agendaRanges();
    for (const [item, [start]] of ranges) {
      const entry = outline.find((o) => o.title.startsWith(`${item}.`));
      expect(entry, `bookmark for item ${item}`).toBeDefined();
      const dest = typeof entry!.dest === 'string' ? await doc.getDestination(entry!.dest) : entry!.dest;
      const pageIndex = await doc.getPageIndex(dest![0] as { num: number; gen: number });
      expect(pageIndex + 1).toBe(start);
      expect(entry!.items.length, `sections of item ${item}`).toBeGreaterThan(0);
    }
    expect(await doc.getPageLabels()).toEqual(Array.from({ length: doc.numPages }, (_, i) => String(i + 1)));
  });
});

describe('the example pack in Word\'s place (LibreOffice)', () => {
  it.skipIf(!has('soffice'))('resolves every agenda page reference to where the paper starts and ends in its own layout', () => {
    const lo = libreofficePdf(docx);
    const agenda = pdftotext(lo, false, 1);
    expect(agenda).not.toMatch(/Reference source not found|Error!/i);
    const flat = agenda.replace(/\s+/g, ' ');
    const ranges = [...flat.matchAll(/\(Pages?\s(\d+)(?:\s-\s(\d+))?\)/g)].map((m) => [Number(m[1]), Number(m[2] ?? m[1])]);
    expect(ranges).toHaveLength(3);
    const pages = Number(pdfinfo(lo).Pages);
    expect(ranges[0][0]).toBe(2);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1] + 1);
    expect(ranges[2][1]).toBe(pages);
    for (const [item, [start]] of [4, 5, 6].map((n, i) => [n, ranges[i]] as const)) {
      expect(pdftotext(lo, false, start).replace(/\s+/g, ' ')).toContain(firstText[item].replace(/\s+/g, ' '));
    }
  });
});

describe('a pack with a bad item', () => {
  it('names the pack file line and the paper\'s own error, and writes nothing', () => {
    const d = tempProject();
    edit(d, 'data/camhs-section-76-2019-01.yaml', 'reviewMonths: 6', 'reviewMonths: six');
    edit(d, packFile, 'paper: ../hosc-cover-report-2019-01.yaml', 'paper: ../no-such-paper.yaml');
    const r = run(d, ['pack', packFile]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${packFile}:${lineOf(d, packFile, 'no-such-paper')}:16: agenda[0].items[3].paper: item 4's paper ../no-such-paper.yaml has a problem`);
    expect(r.stderr).toMatch(/no-such-paper\.yaml: cannot read the file/);
    expect(r.stderr).toContain(`${packFile}:${lineOf(d, packFile, 'camhs-section-76-2019-01.yaml')}:16: agenda[0].items[5].paper`);
    expect(r.stderr).toMatch(/camhs-section-76-2019-01\.yaml:\d+:\d+: figures\.reviewMonths: expected a whole number/);
    expect(existsSync(path.join(d, 'output'))).toBe(false);
  });
});

describe('src/ knows papers in general', () => {
  it('names no particular paper, council service or provider', () => {
    const words = /camhs|section 76|nelft|sussex partnership|waiting ?list|referrals|kent/i;
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else readFileSync(p, 'utf8').split('\n').forEach((l, i) => {
          // Comments may give examples; code and strings may not.
          const code = l.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '').replace(/\/\*.*?\*\//g, '');
          if (words.test(code)) offenders.push(`${path.relative(root, p)}:${i + 1}: ${l.trim()}`);
        });
      }
    };
    walk(path.join(root, 'src'));
    expect(offenders).toEqual([]);
  });

  it('builds the section 76 paper on its own as a Cabinet Committee decision paper', () => {
    const d = tempProject();
    const r = run(d, ['build', 'data/camhs-section-76-2019-01.yaml']);
    expect(r.status, r.stderr).toBe(0);
    const text = pdftotext(path.join(d, 'output/camhs-section-76-2019-01.pdf'), false);
    expect(text).toContain('Decision No:');
    expect(text).toContain('19/00001');
    expect(text.replace(/\s+/g, ' ')).toContain('The County Council’s element of the wider contract is worth £2.65m a year, 17% of the whole contract of £16m a year.');
    expect(execFileSync('git', ['-C', root, 'ls-files', 'src'], { encoding: 'utf8' })).not.toMatch(/section-76|s76/);
  });
});
