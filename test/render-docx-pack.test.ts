/**
 * DOCX renderer, packs: one section per part, bookmarks where parts start and end, PAGEREF
 * fields to them, numbering that starts again in each part. Reads the package back (jszip,
 * regular expressions over the XML) and, where LibreOffice is installed, checks what a
 * Word-compatible layout makes of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Block, Inline, Pack, PageRef } from '../src/document/model.js';
import { renderDocx, renderPackDocx } from '../src/render/docx/index.js';
import { isBookmarkName, partBookmarkNames } from '../src/render/docx/fields.js';
import { samplePack, type Ranges } from './fixtures/sample-pack.js';
import { kentLayout, samplePaper } from './fixtures/sample-paper.js';

/** Page ranges the agenda shows: made up, so that a shown result can only come from the model. */
const RANGES: Ranges = { 'item-4': { start: 3, end: 4 }, 'item-5': { start: 5, end: 9 }, 'item-6': { start: 10, end: 14 } };

interface Package {
  files: Record<string, string>;
  names: string[];
}

async function open(bytes: Uint8Array): Promise<Package> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files);
  const files: Record<string, string> = {};
  for (const name of names) if (/\.(xml|rels)$/.test(name)) files[name] = await zip.files[name]!.async('string');
  return { files, names };
}

const unescape = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

const textOf = (xml: string) => unescape([...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((x) => x[1]).join(''));

function inlineText(inlines: readonly Inline[]): string {
  return inlines
    .map((i) => (i.type === 'text' ? i.value : i.type === 'break' ? '' : i.type === 'pageRef' ? i.value : inlineText(i.children)))
    .join('');
}

/** The PageRef inlines of a pack, in document order. */
function pageRefsOf(pack: Pack): PageRef[] {
  const out: PageRef[] = [];
  const walk = (inlines: readonly Inline[]) => {
    for (const i of inlines) {
      if (i.type === 'pageRef') out.push(i);
      else if ('children' in i) walk(i.children);
    }
  };
  for (const part of pack.parts) {
    for (const b of part.paper.blocks) {
      if (b.type === 'table') for (const row of [...b.head, ...b.body]) for (const cell of row.cells) walk(cell.children);
      if (b.type === 'paragraph' || b.type === 'heading') walk(b.children);
    }
  }
  return out;
}

/**
 * The body of document.xml cut into sections: each from the end of the paragraph that
 * closes the section before to the end of the paragraph that closes it (its sectPr).
 */
function sectionsOf(doc: string): { xml: string; sectPr: string }[] {
  const body = /<w:body>([\s\S]*)<\/w:body>/.exec(doc)![1]!;
  const out: { xml: string; sectPr: string }[] = [];
  let from = 0;
  for (const m of body.matchAll(/<w:sectPr>[\s\S]*?<\/w:sectPr>/g)) {
    // A sectPr in a paragraph's properties closes its section at that paragraph's end; the body's own, where it stands.
    const atBodyEnd = m.index + m[0].length === body.length;
    const end = atBodyEnd ? m.index : body.indexOf('</w:p>', m.index) + '</w:p>'.length;
    out.push({ xml: body.slice(from, end), sectPr: m[0] });
    from = end;
  }
  return out;
}

const names = partBookmarkNames(samplePack().parts.map((p) => p.id));

let pack: Pack;
let bytes: Uint8Array;
let pkg: Package;
let doc: string;

beforeAll(async () => {
  pack = samplePack(RANGES);
  bytes = await renderPackDocx(pack);
  pkg = await open(bytes);
  doc = pkg.files['word/document.xml']!;
});

describe('sections', () => {
  it('has one section per part, each on a new page, page numbers running on', () => {
    const sectPrs = [...doc.matchAll(/<w:sectPr>[\s\S]*?<\/w:sectPr>/g)].map((m) => m[0]);
    expect(sectPrs).toHaveLength(pack.parts.length);
    for (const s of sectPrs) {
      expect(s).toContain('<w:type w:val="nextPage"/>');
      expect(s).not.toMatch(/<w:pgNumType [^>]*w:start=/);
    }
    expect(doc).not.toMatch(/w:start="/);
    // Each part's text is in its own section.
    const sections = sectionsOf(doc);
    expect(textOf(sections[0]!.xml)).toContain('Apologies and substitutes');
    expect(textOf(sections[1]!.xml)).not.toContain('Contract performance');
    expect(textOf(sections[2]!.xml)).toContain('Contract performance');
  });

  it("gives each section its part's page size and margins", async () => {
    const p = samplePack(RANGES);
    p.parts[2]!.paper = { ...p.parts[2]!.paper, layout: { ...kentLayout, marginsMm: { top: 25, right: 30, bottom: 22, left: 35 } } };
    const sections = sectionsOf((await open(await renderPackDocx(p))).files['word/document.xml']!);
    const twip = (mm: number) => Math.round((mm * 1440) / 25.4);
    for (const [i, s] of sections.entries()) {
      const m = p.parts[i]!.paper.layout.marginsMm;
      expect(s.sectPr).toContain('<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"/>');
      expect(s.sectPr, p.parts[i]!.id).toMatch(
        new RegExp(`<w:pgMar w:top="${twip(m.top)}" w:right="${twip(m.right)}" w:bottom="${twip(m.bottom)}" w:left="${twip(m.left)}"`),
      );
    }
    expect(sections[2]!.sectPr).toContain(`w:left="${twip(35)}"`);
  });

  it("gives each section its own footer with the part's text and PAGE / NUMPAGES fields", () => {
    const rels = pkg.files['word/_rels/document.xml.rels']!;
    const footers = sectionsOf(doc).map((s) => {
      const id = /<w:footerReference w:type="default" r:id="([^"]+)"\/>/.exec(s.sectPr)![1]!;
      const target = new RegExp(`Id="${id}" [^>]*Target="([^"]+)"`).exec(rels)![1]!;
      return { target, xml: pkg.files[`word/${target}`]! };
    });
    expect(new Set(footers.map((f) => f.target)).size).toBe(pack.parts.length);
    for (const [i, f] of footers.entries()) {
      const fields = [...f.xml.matchAll(/<w:instrText[^>]*>([^<]*)<\/w:instrText>/g)].map((m) => m[1]!.trim());
      const template = pack.parts[i]!.paper.layout.footer;
      expect(fields, pack.parts[i]!.id).toEqual(template.includes('{pages}') ? ['PAGE', 'NUMPAGES'] : ['PAGE']);
      expect(textOf(f.xml)).toBe(template.replace(/\{pages?\}/g, ''));
    }
    // The agenda's footer is "Page {page}", the papers' "Page {page} of {pages}".
    expect(textOf(footers[0]!.xml)).toBe('Page ');
    expect(textOf(footers[1]!.xml)).toBe('Page  of ');
  });
});

describe('bookmarks', () => {
  it('maps part ids to valid Word bookmark names, consistently and distinctly', () => {
    expect(names.get('item-5')).toEqual({ start: 'item_5_start', end: 'item_5_end' });
    expect(names.get('agenda')).toEqual({ start: 'agenda_start', end: 'agenda_end' });
    const odd = partBookmarkNames(['6', 'item-5', 'item_5', 'Item.5', 'x'.repeat(60), `${'x'.repeat(60)}y`, 'café talk']);
    const all = [...odd.values()].flatMap((n) => [n.start, n.end]);
    for (const n of all) expect(isBookmarkName(n), n).toBe(true);
    expect(new Set(all.map((n) => n.toLowerCase())).size).toBe(all.length);
    expect(odd.get('6')!.start).toBe('p6_start');
    expect(partBookmarkNames(['x'.repeat(60)])).toEqual(partBookmarkNames(['x'.repeat(60)]));
    expect(() => partBookmarkNames(['item-5', 'item-5'])).toThrow(/twice/);
    expect(isBookmarkName('item-5-start')).toBe(false);
    expect(isBookmarkName('_item')).toBe(false);
    expect(isBookmarkName('a'.repeat(41))).toBe(false);
  });

  it("puts each part's start bookmark at its first paragraph and its end bookmark at its last", () => {
    const sections = sectionsOf(doc);
    for (const [i, part] of pack.parts.entries()) {
      const s = sections[i]!.xml;
      const n = names.get(part.id)!;
      const start = s.indexOf(`<w:bookmarkStart w:id="`);
      expect(start, part.id).toBeGreaterThanOrEqual(0);
      expect(s.slice(start)).toMatch(new RegExp(`^<w:bookmarkStart w:id="(\\d+)" w:name="${n.start}"/><w:bookmarkEnd w:id="\\1"/>`));
      // Nothing printed before the start, inside the first paragraph.
      expect(textOf(s.slice(0, start))).toBe('');
      expect([...s.slice(0, start).matchAll(/<w:p[ >]/g)]).toHaveLength(1);
      // The end is the last thing of the section's last paragraph.
      const end = s.lastIndexOf('<w:bookmarkStart ');
      expect(s.slice(end)).toMatch(new RegExp(`^<w:bookmarkStart w:id="(\\d+)" w:name="${n.end}"/><w:bookmarkEnd w:id="\\1"/></w:p>$`));
      expect(s.split(`w:name="${n.start}"`)).toHaveLength(2);
      expect(doc.split(`w:name="${n.start}"`)).toHaveLength(2);
      expect(doc.split(`w:name="${n.end}"`)).toHaveLength(2);
    }
  });

  it('numbers bookmark and drawing ids from 1 in each document, each bookmark id once', async () => {
    await renderDocx(samplePaper()); // moves docx's process-wide counters on
    const again = (await open(await renderPackDocx(samplePack(RANGES)))).files['word/document.xml']!;
    for (const xml of [doc, again]) {
      const starts = [...xml.matchAll(/<w:bookmarkStart w:id="(\d+)"/g)].map((m) => Number(m[1]));
      const ends = [...xml.matchAll(/<w:bookmarkEnd w:id="(\d+)"/g)].map((m) => Number(m[1]));
      expect([...starts].sort((a, b) => a - b)).toEqual(starts.map((_, i) => i + 1));
      expect([...ends].sort((a, b) => a - b)).toEqual([...starts].sort((a, b) => a - b));
      const drawings = [...xml.matchAll(/<wp:docPr id="(\d+)"/g)].map((m) => Number(m[1]));
      // Item 4 has no figure; items 5 and 6 one each.
      expect(drawings).toEqual([1, 2]);
    }
  });
});

describe('page references', () => {
  it('writes each PageRef as a PAGEREF field to an existing bookmark, showing its value', () => {
    const refs = pageRefsOf(pack);
    expect(refs).toHaveLength(6);
    const bookmarks = new Set([...doc.matchAll(/<w:bookmarkStart [^>]*w:name="([^"]+)"/g)].map((m) => m[1]!));
    const run = (inner: string) => `<w:r>(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?${inner}</w:r>`;
    const field = new RegExp(
      run('<w:fldChar w:fldCharType="begin"/>') +
        run('<w:instrText xml:space="preserve">([^<]*)</w:instrText>') +
        run('<w:fldChar w:fldCharType="separate"/>') +
        run('<w:t(?: [^>]*)?>([^<]*)</w:t>') +
        run('<w:fldChar w:fldCharType="end"/>'),
      'g',
    );
    const fields = [...doc.matchAll(field)].map((m) => ({ instr: m[1]!, shown: m[2]! }));
    expect(fields).toHaveLength(refs.length);
    // No field begins that this pattern misses.
    expect(doc.split('w:fldCharType="begin"')).toHaveLength(refs.length + 1);
    for (const [i, ref] of refs.entries()) {
      const name = names.get(ref.part)![ref.edge];
      expect(fields[i]!.instr).toBe(` PAGEREF ${name} \\h `);
      expect(bookmarks.has(name), name).toBe(true);
      expect(fields[i]!.shown).toBe(ref.value);
    }
    expect(fields.map((f) => f.shown)).toEqual(['3', '4', '5', '9', '10', '14']);
    // The agenda row reads as the PDF would print it.
    const row = [...doc.matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((m) => textOf(m[0])).find((t) => t.includes('Contract performance'));
    expect(row).toBe('5Contract performance(Pages 5 - 9)');
  });

  it('refuses a page reference to a part the pack does not have', async () => {
    const p = samplePack(RANGES);
    const agenda = p.parts[0]!.paper;
    agenda.blocks = [...agenda.blocks, { type: 'paragraph', children: [{ type: 'pageRef', part: 'item-9', edge: 'start', value: '20' }] }];
    await expect(renderPackDocx(p)).rejects.toThrow(/item-9/);
  });

  it('writes a page reference in a single paper as its value (there is no part to point at)', async () => {
    const paper = samplePaper([{ type: 'paragraph', children: [{ type: 'text', value: 'See page ' }, { type: 'pageRef', part: 'item-5', edge: 'start', value: '17' }] }]);
    const single = (await open(await renderDocx(paper))).files['word/document.xml']!;
    expect(single).not.toContain('PAGEREF');
    expect(textOf(single)).toContain('See page 17');
  });
});

describe('numbering', () => {
  /** numId of each numbered paragraph of a section, by its text. */
  const numIdsOf = (xml: string) =>
    new Map(
      [...xml.matchAll(/<w:p>[\s\S]*?<\/w:p>/g)]
        .map((m) => m[0])
        .filter((p) => p.includes('<w:numPr>'))
        .map((p) => [textOf(p), Number(/<w:numId w:val="(\d+)"\/>/.exec(p)![1])] as const),
    );

  it('gives each part lists of its own that start at 1 (legal and letter lists alike)', () => {
    const numbering = pkg.files['word/numbering.xml']!;
    const sections = sectionsOf(doc).map((s) => numIdsOf(s.xml));
    const legal = sections.slice(1).map((s) => s.get('The current service is provided by Sussex Partnership Foundation Trust (SPFT).'));
    const letters = sections.slice(2).map((s) => s.get('To delegate authority to the Corporate Director'));
    for (const ids of [legal, letters]) {
      for (const id of ids) expect(id).toBeDefined();
      expect(new Set(ids).size, 'a numId per part').toBe(ids.length);
      for (const id of ids) {
        const num = new RegExp(`<w:num w:numId="${id}"><w:abstractNumId w:val="\\d+"/>([\\s\\S]*?)</w:num>`).exec(numbering)![1]!;
        expect(num).toContain('<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>');
      }
    }
    // Within a part, one legal list: the heading "2." and paragraph "2.1.1" share it.
    expect(sections[2]!.get('Contract performance')).toBe(legal[1]);
    expect(sections[2]!.get('Currently (September 2016) there are 624 children and young people on the waiting list; this is a decrease from 980 in September 2015.')).toBe(legal[1]);
    // The legal lists are multi-level, with the legal levels.
    const abstracts = [...numbering.matchAll(/<w:abstractNum [^>]*>([\s\S]*?)<\/w:abstractNum>/g)].map((m) => m[1]!).filter((a) => a.includes('%1.%2.%3'));
    expect(abstracts).toHaveLength(pack.parts.length);
    for (const a of abstracts) expect(a).toContain('<w:multiLevelType w:val="multilevel"/>');
  });

  it('keeps Word headings: Heading1/2 styles with outline levels in every part', () => {
    const styles = pkg.files['word/styles.xml']!;
    expect(styles).toMatch(/w:styleId="Heading1">[\s\S]*?<w:outlineLvl w:val="0"\/>/);
    expect(styles).toMatch(/w:styleId="Heading2">[\s\S]*?<w:outlineLvl w:val="1"\/>/);
    const sections = sectionsOf(doc);
    const styled = (xml: string, style: string) =>
      [...xml.matchAll(/<w:p>[\s\S]*?<\/w:p>/g)].map((m) => m[0]).filter((p) => p.includes(`<w:pStyle w:val="${style}"/>`)).map(textOf);
    expect(styled(sections[0]!.xml, 'Heading1')).toEqual(['Agenda']);
    expect(styled(sections[0]!.xml, 'Heading2')).toEqual(['A – Committee Business']);
    expect(styled(sections[1]!.xml, 'Heading1')).toEqual(['Introduction']);
    for (const s of sections.slice(2)) {
      expect(styled(s.xml, 'Heading1')).toEqual(['Introduction', 'Contract performance', 'Legal Implications', 'Background Documents']);
      expect(styled(s.xml, 'Heading2')).toEqual(['Mainstream service']);
    }
  });

  it("sizes a part's headings by its own layout when the styles come from another", async () => {
    const p = samplePack(RANGES);
    p.parts[0]!.paper = { ...p.parts[0]!.paper, layout: { ...p.parts[0]!.paper.layout, headingSizes: [14, 12, 12] } };
    const out = await open(await renderPackDocx(p));
    expect(out.files['word/styles.xml']).toMatch(/w:styleId="Heading1">[\s\S]*?<w:sz w:val="28"\/>[\s\S]*?<\/w:style>/);
    const sections = sectionsOf(out.files['word/document.xml']!);
    const heading = (xml: string, text: string) =>
      [...xml.matchAll(/<w:p>[\s\S]*?<\/w:p>/g)].map((m) => m[0]).find((q) => q.includes('Heading1') && textOf(q) === text)!;
    expect(heading(sections[0]!.xml, 'Agenda')).not.toContain('<w:sz ');
    const intro = heading(sections[2]!.xml, 'Introduction');
    // The runs and the paragraph mark (which sizes the list number) at 12 pt.
    expect(intro.match(/<w:sz w:val="24"\/>/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses parts with different body fonts or sizes', async () => {
    const p = samplePack(RANGES);
    p.parts[3]!.paper = { ...p.parts[3]!.paper, layout: { ...kentLayout, fontSize: 11 } };
    await expect(renderPackDocx(p)).rejects.toThrow(/item-6.*11 pt/);
  });
});

describe('core properties and determinism', () => {
  it("has the pack's title, language and date", () => {
    const core = pkg.files['docProps/core.xml']!;
    expect(core).toContain(`<dc:title>${pack.meta.title}</dc:title>`);
    expect(core).toContain('<dc:language>en-GB</dc:language>');
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2019-01-29T00:00:00Z</dcterms:created>');
    expect(core).toContain('<dcterms:modified xsi:type="dcterms:W3CDTF">2019-01-29T00:00:00Z</dcterms:modified>');
    expect(pkg.files['word/styles.xml']).toMatch(/<w:docDefaults>[\s\S]*<w:lang w:val="en-GB"/);
  });

  it('gives the same bytes for the same pack, with other renders in between', async () => {
    const first = await renderPackDocx(samplePack(RANGES));
    await renderDocx(samplePaper());
    await renderPackDocx(samplePack());
    const second = await renderPackDocx(samplePack(RANGES));
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(Buffer.from(bytes).equals(Buffer.from(first))).toBe(true);
    // And another pack gives other bytes.
    expect(Buffer.from(await renderPackDocx(samplePack())).equals(Buffer.from(first))).toBe(false);
  });
});

const has = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
};
const hasSoffice = has('soffice', ['--version']);
const hasPoppler = has('pdfinfo', ['-v']) && has('pdftotext', ['-v']);

describe('LibreOffice', () => {
  let dir: string;
  const convert = (to: string): string => {
    const file = path.join(dir, 'pack.docx');
    writeFileSync(file, bytes);
    execFileSync('soffice', [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--convert-to', to, '--outdir', dir, file], {
      stdio: 'ignore',
      timeout: 180_000,
    });
    return path.join(dir, `pack.${to.split(':')[0]}`);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'render-docx-pack-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasSoffice)('prints the model numbers in every part: the second paper starts again at 1.', () => {
    const lines = readFileSync(convert('txt:Text'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
    // Walk the parts in order, finding each numbered block's line after the one before.
    let cursor = 0;
    let checked = 0;
    for (const part of pack.parts) {
      for (const block of part.paper.blocks as Block[]) {
        if ((block.type !== 'heading' && block.type !== 'paragraph') || !block.number) continue;
        const text = inlineText(block.children);
        const at = lines.findIndex((l, i) => i >= cursor && l.includes(text));
        expect(at, `${part.id}: "${text}"`).toBeGreaterThanOrEqual(0);
        const printed = block.number.includes('.') ? block.number : `${block.number}.`;
        expect(lines[at], `${part.id}: ${printed}`).toMatch(new RegExp(`^${printed.replace(/\./g, '\\.')}\\s+${text.slice(0, 20).replace(/[()]/g, '\\$&')}`));
        cursor = at + 1;
        checked++;
      }
    }
    // Item 4: 1, 1.1, 1.2; items 5 and 6: ten numbered headings and paragraphs each.
    expect(checked).toBe(3 + 10 + 10);
    // The second paper's (item 5's) "1.1" paragraph, in so many words.
    const item5 = lines.findIndex((l, i) => i > lines.findIndex((x) => x.includes('1.2 The current contract')) && l.includes('The current service is provided'));
    expect(lines[item5]).toMatch(/^1\.1\s+The current service/);
    // And the letter list of item 6 starts again at a).
    const letters = lines.filter((l) => l.includes('That Kent County Council enter'));
    expect(letters).toHaveLength(2);
    for (const l of letters) expect(l).toMatch(/^a\)\s/);
  });

  it.skipIf(!hasSoffice || !hasPoppler)('converts to PDF: parts on pages of their own, page numbers running on, agenda references resolved', () => {
    const pdf = convert('pdf');
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    // At least a page per part, and the two long papers over a page each; no more than a few pages a part.
    expect(pages).toBeGreaterThanOrEqual(pack.parts.length + 2);
    expect(pages).toBeLessThanOrEqual(3 * pack.parts.length);
    const page = (n: number) => execFileSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), pdf, '-'], { encoding: 'utf8' });
    const texts = Array.from({ length: pages }, (_, i) => page(i + 1));
    // Footers: the agenda's "Page 1", then "Page n of N" with n running on across sections.
    expect(texts[0]).toMatch(/\bPage 1\s*$/);
    for (let n = 2; n <= pages; n++) expect(texts[n - 1], `page ${n}`).toMatch(new RegExp(`Page ${n} of ${pages}\\s*$`));
    // LibreOffice works the PAGEREF fields out from the bookmarks: the ranges tile the pages after the agenda.
    const ranges = [...texts[0]!.matchAll(/\(Pages (\d+) - (\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(ranges).toHaveLength(3);
    let next = 2;
    for (const [start, end] of ranges) {
      expect(start).toBe(next);
      expect(end).toBeGreaterThanOrEqual(start);
      next = end + 1;
    }
    expect(next - 1).toBe(pages);
    // Each part starts at the top of its first page.
    for (const [start] of ranges) expect(texts[start - 1]!.trimStart()).toMatch(/^From:/);
  });
});
