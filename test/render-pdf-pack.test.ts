/**
 * The PDF writer for packs (renderPackPdf), read back with independent readers: poppler
 * (pdftotext, pdfinfo, pdffonts), qpdf (raw objects, outlines, page labels, --check) and
 * pdfjs-dist (outline destinations, page labels, structure tree, marked content).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Figure, Pack } from '../src/document/model.js';
import { renderPackPdf, renderPdf, type PackPages } from '../src/render/pdf/index.js';
import { samplePack } from './fixtures/sample-pack.js';
import { expectArimoOnly, pageCount, pageText, pdfFolder, qpdfObjects, run } from './support/pdf-files.js';
import { open, pageItems } from './support/pdfjs.js';
import { samplePaper } from './fixtures/sample-paper.js';

const MM = 72 / 25.4;
const PART_IDS = ['agenda', 'item-4', 'item-5', 'item-6'];

/** The first body line of each part, and the last (pdftotext -layout, trimmed). */
const FIRST_LINE: Record<string, RegExp> = {
  agenda: /^Health Overview and Scrutiny Committee$/,
  'item-4': /^From:\s+Peter Oakford, Cabinet Member/,
  'item-5': /^From:\s+Peter Oakford, Cabinet Member/,
  'item-6': /^From:\s+Peter Oakford, Cabinet Member/,
};
const LAST_LINE = (pages: PackPages): Record<string, RegExp> => ({
  agenda: new RegExp(`^6 Section 76 agreement\\s+\\(Pages ${pages['item-6']!.start} - ${pages['item-6']!.end}\\)$`),
  'item-4': /^1\.2\s+The current contract is due to end on 31 August 2017\.$/,
  'item-5': /^Second line\.$/,
  'item-6': /^Second line\.$/,
});

const save = pdfFolder('render-pdf-pack');

/** Non-empty lines of a page, trimmed; the last one is the footer. */
function pageLines(file: string, page: number): string[] {
  return pageText(file, page)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function catalogOf(objects: Record<string, any>): any {
  return Object.values(objects).find((o) => o.value?.['/Type'] === '/Catalog').value;
}

interface StructNode {
  role: string;
  children: StructNode[];
  content: string[];
}

/** The structure tree of one page as pdfjs reads it. */
async function structTree(doc: PDFDocumentProxy, n: number): Promise<StructNode> {
  const convert = (node: any): StructNode => ({
    role: node.role,
    children: (node.children ?? []).filter((c: any) => c.role).map(convert),
    content: (node.children ?? []).filter((c: any) => c.type === 'content').map((c: any) => c.id),
  });
  return convert(await (await doc.getPage(n)).getStructTree());
}

function walk(node: StructNode, visit: (n: StructNode, parent: StructNode | null) => void, parent: StructNode | null = null): void {
  visit(node, parent);
  for (const c of node.children) walk(c, visit, node);
}

/** The pack rendered as its caller does: once for the ranges, then with them on the agenda. */
async function renderTwice(make: (pages: PackPages) => Pack = samplePack): Promise<{ first: PackPages; pages: PackPages; bytes: Uint8Array }> {
  const first = await renderPackPdf(make({}));
  const second = await renderPackPdf(make(first.pages));
  return { first: first.pages, pages: second.pages, bytes: second.bytes };
}

describe('renderPackPdf: the sample pack', () => {
  let first: PackPages;
  let pages: PackPages;
  let bytes: Uint8Array;
  let file: string;
  let doc: PDFDocumentProxy;

  beforeAll(async () => {
    // Speed is measured by npm run bench, not asserted here.
    const firstPass = await renderPackPdf(samplePack());
    const second = await renderPackPdf(samplePack(firstPass.pages));
    first = firstPass.pages;
    pages = second.pages;
    bytes = second.bytes;
    file = save(bytes);
    doc = await open(bytes);
  });

  it('reports consistent page ranges: agenda from page 1, each part after the previous one, the last ending on the last page', () => {
    expect(Object.keys(pages)).toEqual(PART_IDS);
    expect(pages['agenda']!.start).toBe(1);
    let prevEnd = 0;
    for (const id of PART_IDS) {
      const r = pages[id]!;
      expect(r.start, id).toBe(prevEnd + 1);
      expect(r.end, id).toBeGreaterThanOrEqual(r.start);
      prevEnd = r.end;
    }
    expect(prevEnd).toBe(pageCount(file));
    // Filling in the numbers did not move anything (the placeholders are as wide).
    expect(pages).toEqual(first);
  });

  it('lays each part out as its paper alone: same page count as renderPdf of that paper', async () => {
    const alone = pageCount(save(await renderPdf(samplePaper())));
    expect(alone).toBeGreaterThanOrEqual(2);
    expect(pages['item-5']!.end - pages['item-5']!.start + 1).toBe(alone);
    expect(pages['item-6']!.end - pages['item-6']!.start + 1).toBe(alone);
  });

  it('starts each part on a new page: its first text heads that page, the previous part ends the page before', () => {
    const last = LAST_LINE(pages);
    PART_IDS.forEach((id, i) => {
      const start = pages[id]!.start;
      const lines = pageLines(file, start);
      expect(lines[0], `first line of page ${start} (${id})`).toMatch(FIRST_LINE[id]!);
      const end = pageLines(file, pages[id]!.end);
      expect(end[end.length - 2], `last body line of ${id}`).toMatch(last[id]!);
      if (i > 0) {
        const before = pageLines(file, start - 1);
        const prev = PART_IDS[i - 1]!;
        expect(before[before.length - 2], `last body line of page ${start - 1}, before ${id}`).toMatch(last[prev]!);
      }
    });
  });

  it('numbers the pages on across parts, each page with its own part\'s footer', () => {
    const total = pageCount(file);
    expect(total).toBe(6);
    for (let n = 1; n <= total; n++) {
      const lines = pageLines(file, n);
      // The agenda's layout prints "Page {page}", the papers' "Page {page} of {pages}".
      const footer = n <= pages['agenda']!.end ? `Page ${n}` : `Page ${n} of ${total}`;
      expect(lines[lines.length - 1], `footer of page ${n}`).toBe(footer);
    }
    expect(pageText(file, 5)).toMatch(/^\s*Page 5 of 6\s*$/m);
  });

  it('prints each PageRef as its value, tagged as text of its table cell', async () => {
    const placeholder = save((await renderPackPdf(samplePack())).bytes);
    expect(pageText(placeholder, 1)).toContain('(Pages 888 - 888)');
    const agenda = pageText(file, 1);
    expect(agenda).not.toContain('888');
    const items = await pageItems(doc, 1);
    const tree = await structTree(doc, 1);
    const tdContent = new Set<string>();
    walk(tree, (n) => {
      if (n.role === 'TD') n.content.forEach((c) => tdContent.add(c));
    });
    for (const id of ['item-4', 'item-5', 'item-6']) {
      const text = `(Pages ${pages[id]!.start} - ${pages[id]!.end})`;
      expect(agenda, id).toContain(text);
      const item = items.find((it) => it.str === text);
      expect(item, text).toBeDefined();
      expect(item!.marking, text).toBe('mcid');
      expect(tdContent.has(item!.mc!), `${text} inside a TD`).toBe(true);
    }
  });

  it('has one outline entry per part, at its first page, with its numbered headings under it (pdfjs)', async () => {
    const outline = await doc.getOutline();
    expect(outline.map((o) => o.title)).toEqual(['Agenda', '4. Cover report', '5. Contract performance', '6. Section 76 agreement']);
    const pageOf = async (dest: unknown): Promise<number> => (await doc.getPageIndex((dest as any[])[0])) + 1;
    const expectedChildren: Record<string, string[]> = {
      agenda: [],
      'item-4': ['1. Introduction'],
      'item-5': ['1. Introduction', '2. Contract performance', '3. Legal Implications', '4. Background Documents'],
      'item-6': ['1. Introduction', '2. Contract performance', '3. Legal Implications', '4. Background Documents'],
    };
    let headings = 0;
    for (const [i, entry] of outline.entries()) {
      const id = PART_IDS[i]!;
      expect(Array.isArray(entry.dest), id).toBe(true);
      expect(await pageOf(entry.dest), `${id} bookmark page`).toBe(pages[id]!.start);
      expect(entry.items.map((c) => c.title), id).toEqual(expectedChildren[id]);
      for (const child of entry.items) {
        const page = await pageOf(child.dest);
        expect(page, child.title).toBeGreaterThanOrEqual(pages[id]!.start);
        expect(page, child.title).toBeLessThanOrEqual(pages[id]!.end);
        const [num, ...words] = child.title.split(' ');
        expect(pageText(file, page), `${child.title} on page ${page}`).toMatch(new RegExp(`^\\s*${num!.replace('.', '\\.')}\\s+${words.join(' ')}$`, 'm'));
        // The destination's top is just above the heading's baseline on that page.
        const top = (child.dest as any[])[3] as number;
        const heading = (await pageItems(doc, page)).find((it) => it.str.includes(words.join(' ')) && it.y < top && it.y > top - 20);
        expect(heading, `${child.title}: heading text just below the destination's top ${top}`).toBeDefined();
        headings++;
      }
    }
    expect(headings).toBe(9);
  });

  it('opens with the bookmarks pane, closed part entries counting their headings (qpdf)', () => {
    const objects = qpdfObjects(file);
    const catalog = catalogOf(objects);
    expect(catalog['/PageMode']).toBe('/UseOutlines');
    const json = JSON.parse(run('qpdf', ['--json', '--json-key=outlines', file]));
    expect(json.outlines.map((o: any) => o.destpageposfrom1)).toEqual(PART_IDS.map((id) => pages[id]!.start));
    expect(json.outlines.map((o: any) => o.kids.length)).toEqual([0, 1, 4, 4]);
    const counts = json.outlines.map((o: any) => objects[`obj:${o.object}`].value['/Count']);
    expect(counts).toEqual([undefined, -1, -4, -4]);
  });

  it('has decimal page labels from 1 (qpdf, pdfjs)', async () => {
    const json = JSON.parse(run('qpdf', ['--json', '--json-key=pagelabels', file]));
    expect(json.pagelabels).toEqual([{ index: 0, label: { '/S': '/D', '/St': 1 } }]);
    expect(await doc.getPageLabels()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(catalogOf(qpdfObjects(file))['/PageLabels']).toMatch(/^\d+ 0 R$/);
  });

  it('is a valid, tagged A4 file titled from the pack (qpdf --check, pdfinfo, pdfjs)', async () => {
    const check = run('qpdf', ['--check', file]);
    expect(check).toContain('No syntax or stream encoding errors found');
    expect(check).not.toMatch(/WARNING|error:/i);
    const info = run('pdfinfo', [file]);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    expect(info).toMatch(/^Title:\s+Health Overview and Scrutiny Committee, 29 January 2019: agenda$/m);
    expect(info).toMatch(/^CreationDate:\s+Tue Jan 29 00:00:00 2019 UTC$/m);
    const { info: docInfo, metadata } = await doc.getMetadata();
    expect(docInfo).toMatchObject({ Language: 'en-GB' });
    expect(metadata?.get('pdfuaid:part')).toBe('1');
    expect(await doc.getMarkInfo()).toMatchObject({ Marked: true });
  });

  it('embeds only Arimo, each face opened once for the document (font resources F1..F4)', () => {
    expectArimoOnly(file);
    const objects = qpdfObjects(file);
    const names = new Set<string>();
    for (const o of Object.values(objects)) {
      const font = o.value?.['/Font'];
      if (o.value?.['/ProcSet'] && font && typeof font === 'object') Object.keys(font).forEach((k) => names.add(k));
    }
    expect(names.size).toBeGreaterThanOrEqual(3); // regular, bold, italic
    for (const name of names) expect(name).toMatch(/^\/F[1-4]$/);
  });

  it('has one structure tree: Document > a Sect per part (titled), headings from H1 in each, none skipped', async () => {
    const objects = qpdfObjects(file);
    const sects = Object.entries(objects)
      .filter(([, o]) => o.value?.['/S'] === '/Sect')
      .sort(([a], [b]) => Number(a.slice(4).split(' ')[0]) - Number(b.slice(4).split(' ')[0]));
    expect(sects.map(([, o]) => o.value['/T'])).toEqual(['u:Agenda', 'u:4. Cover report', 'u:5. Contract performance', 'u:6. Section 76 agreement']);
    const documents = Object.entries(objects).filter(([, o]) => o.value?.['/S'] === '/Document');
    expect(documents).toHaveLength(1);
    for (const [, sect] of sects) expect(`obj:${sect.value['/P']}`).toBe(documents[0]![0]);

    const expected: Record<string, string[]> = {
      agenda: ['H1', 'H1', 'H2'],
      'item-4': ['H1'],
      'item-5': ['H1', 'H1', 'H2', 'H1', 'H1'],
      'item-6': ['H1', 'H1', 'H2', 'H1', 'H1'],
    };
    for (const id of PART_IDS) {
      const headings: string[] = [];
      for (let n = pages[id]!.start; n <= pages[id]!.end; n++) {
        const tree = await structTree(doc, n);
        expect(tree.role).toBe('Root');
        expect(tree.children.map((c) => c.role), `page ${n}`).toEqual(['Document']);
        // Every page belongs to one part: one Sect under the Document.
        expect(tree.children[0]!.children.map((c) => c.role), `page ${n}`).toEqual(['Sect']);
        walk(tree.children[0]!.children[0]!, (node) => {
          if (/^H\d$/.test(node.role)) headings.push(node.role);
        });
      }
      expect(headings, id).toEqual(expected[id]);
    }
  });

  it('tags every text item or marks it as an artifact; footers are artifacts', async () => {
    let footers = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      for (const item of await pageItems(doc, n)) {
        if (item.str.trim() === '') continue;
        if (/^Page \d+( of \d+)?$/.test(item.str)) {
          footers++;
          expect(item.marking, `footer of page ${n}`).toBe('artifact');
        } else {
          expect(item.marking, `"${item.str}" on page ${n}`).toBe('mcid');
        }
      }
    }
    expect(footers).toBe(doc.numPages);
  });

  it('ties each link annotation to a Link element on its own page (qpdf)', () => {
    const objects = qpdfObjects(file);
    const pageOfAnnot = new Map<string, string>();
    const pageNumber = new Map<string, number>();
    const kids: string[] = objects[`obj:${catalogOf(objects)['/Pages']}`].value['/Kids'];
    kids.forEach((k, i) => pageNumber.set(k, i + 1));
    for (const [key, o] of Object.entries(objects)) {
      if (o.value?.['/Type'] !== '/Page') continue;
      for (const annot of o.value['/Annots'] ?? []) pageOfAnnot.set(annot, key.slice(4));
    }
    // The Background Documents link of items 5 and 6, two lines each.
    expect(pageOfAnnot.size).toBe(4);
    const annotPages = [...pageOfAnnot.values()].map((p) => pageNumber.get(p));
    expect(new Set(annotPages)).toEqual(new Set([pages['item-5']!.end, pages['item-6']!.end]));
    const objrs = Object.values(objects)
      .filter((o) => o.value?.['/S'] === '/Link')
      .flatMap((o) => (o.value['/K'] as any[]).filter((k) => typeof k === 'object' && k['/Type'] === '/OBJR'));
    expect(objrs).toHaveLength(4);
    for (const objr of objrs) expect(objr['/Pg']).toBe(pageOfAnnot.get(objr['/Obj']));
  });
});

describe('renderPackPdf: each part keeps its own layout', () => {
  it('uses each part\'s margins and footer text; heading levels start again in each part', async () => {
    const make = (ranges: PackPages): Pack => {
      const pack = samplePack(ranges);
      const cover = pack.parts[1]!.paper;
      cover.layout = { ...cover.layout, marginsMm: { ...cover.layout.marginsMm, left: 35 }, footer: 'Cover report, page {page} of {pages}' };
      // A part whose first heading is level 2 (the agenda ends on an H2): still H1 in its Sect.
      cover.blocks.unshift({ type: 'heading', level: 2, children: [{ type: 'text', value: 'About this report' }] });
      return pack;
    };
    const { pages, bytes } = await renderTwice(make);
    const file = save(bytes);
    const doc = await open(bytes);
    const total = pageCount(file);
    const minX = async (n: number): Promise<number> => Math.min(...(await pageItems(doc, n)).filter((i) => i.marking === 'mcid' && i.str.trim() !== '').map((i) => i.x));
    const cover = pages['item-4']!.start;
    expect(await minX(cover)).toBeCloseTo(35 * MM, 0);
    expect(await minX(pages['item-5']!.start)).toBeCloseTo(20 * MM, 0);
    expect(await minX(1)).toBeCloseTo(20 * MM, 0);
    const lines = pageLines(file, cover);
    expect(lines[lines.length - 1]).toBe(`Cover report, page ${cover} of ${total}`);
    const next = pageLines(file, pages['item-5']!.start);
    expect(next[next.length - 1]).toBe(`Page ${pages['item-5']!.start} of ${total}`);

    const tree = await structTree(doc, cover);
    const sect = tree.children[0]!.children[0]!;
    expect(sect.role).toBe('Sect');
    const headings: string[] = [];
    walk(sect, (n) => {
      if (/^H\d$/.test(n.role)) headings.push(n.role);
    });
    // "About this report" (model level 2) then "1. Introduction" (level 1).
    expect(headings).toEqual(['H1', 'H1']);
  });
});

describe('renderPackPdf: checks', () => {
  const reject = async (change: (pack: Pack) => void, message: RegExp): Promise<void> => {
    const pack = samplePack();
    change(pack);
    await expect(renderPackPdf(pack)).rejects.toThrow(message);
  };

  it('refuses a pack without a title or a language', async () => {
    await reject((p) => (p.meta = { ...p.meta, title: ' ' }), /PDF: the pack has no title \(meta\.title\)/);
    await reject((p) => (p.meta = { ...p.meta, lang: '' }), /PDF: the pack has no language \(meta\.lang\)/);
  });

  it('refuses a part that is not accessible, naming the part', async () => {
    await reject((p) => {
      const fig = p.parts[2]!.paper.blocks.find((b): b is Figure => b.type === 'figure')!;
      fig.alt = '';
    }, /PDF: part "item-5": figure "referrals" has no alternative text/);
    await reject((p) => (p.parts[3]!.paper.meta = { ...p.parts[3]!.paper.meta, lang: 'english please' }), /PDF: part "item-6": the document language "english please"/);
    await reject((p) => (p.parts[1]!.title = ''), /PDF: part "item-4" has no title/);
  });

  it('refuses two parts with the same id, and an empty pack', async () => {
    await reject((p) => (p.parts[3]!.id = 'item-5'), /two parts of the pack have the id "item-5"/);
    await reject((p) => (p.parts = []), /the pack has no parts/);
  });

  it('refuses a pack whose date is not a date', async () => {
    await reject((p) => (p.meta = { ...p.meta, date: '29/01/2019' }), /the document date "29\/01\/2019" \(meta\.date\) is not a date/);
  });
});

describe('renderPackPdf: determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
    delete process.env.TZ;
  });

  it('gives identical bytes for the same pack, whatever the clock and time zone', async () => {
    const { pages, bytes } = await renderTwice();
    const again = await renderPackPdf(samplePack(pages));
    expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(again.pages).toEqual(pages);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-07-04T13:45:00Z'));
    process.env.TZ = 'Pacific/Chatham';
    const later = await renderPackPdf(samplePack(pages));
    expect(Buffer.from(later.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('changes the bytes with the pack date (the date is really used)', async () => {
    const base = await renderPackPdf(samplePack());
    const pack = samplePack();
    pack.meta = { ...pack.meta, date: '2019-02-26' };
    const other = await renderPackPdf(pack);
    expect(Buffer.from(other.bytes).equals(Buffer.from(base.bytes))).toBe(false);
    expect((await (await open(other.bytes)).getMetadata()).metadata?.get('xmp:createdate')).toBe('2019-02-26T00:00:00Z');
  });
});
