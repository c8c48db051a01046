/**
 * DOCX renderer: reads the package back (jszip, regular expressions over the XML) and,
 * where LibreOffice is installed, checks the numbers Word-compatible layout computes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Block, Inline, Paper, Table } from '../src/document/model.js';
import { renderDocx } from '../src/render/docx/index.js';
import { zipEntries } from '../src/render/docx/zip.js';
import { TALL_ROW_LINES, tallRowPaper } from './fixtures/pdf-papers.js';
import { kentLayout, samplePaper, samplePng, sampleSvg } from './fixtures/sample-paper.js';

const t = (value: string): Inline => ({ type: 'text', value });

interface Package {
  files: Record<string, string>;
  names: string[];
  zip: JSZip;
}

async function open(bytes: Uint8Array): Promise<Package> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files);
  const files: Record<string, string> = {};
  for (const name of names) if (/\.(xml|rels)$/.test(name)) files[name] = await zip.files[name]!.async('string');
  return { files, names, zip };
}

const unescape = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

interface Para {
  xml: string;
  text: string;
  ilvl?: number;
  numId?: number;
  style?: string;
}

/** Top-level and in-table paragraphs of a part, with their text and numbering. */
function paragraphs(xml: string): Para[] {
  return [...xml.matchAll(/<w:p>([\s\S]*?)<\/w:p>|<w:p [^>]*>([\s\S]*?)<\/w:p>/g)].map((m) => {
    const p = m[0];
    const text = unescape([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((x) => x[1]).join(''));
    const ilvl = /<w:numPr><w:ilvl w:val="(\d+)"\/><w:numId w:val="(\d+)"\/><\/w:numPr>/.exec(p);
    const style = /<w:pStyle w:val="([^"]+)"\/>/.exec(p);
    return {
      xml: p,
      text,
      ...(ilvl ? { ilvl: Number(ilvl[1]), numId: Number(ilvl[2]) } : {}),
      ...(style ? { style: style[1] } : {}),
    };
  });
}

function paragraphWith(paras: Para[], text: string): Para {
  const found = paras.filter((p) => p.text.includes(text));
  expect(found, `one paragraph with "${text}"`).toHaveLength(1);
  return found[0]!;
}

/** numId of the w:num whose abstract numbering has the legal levels. */
function legalNumIds(numbering: string): number[] {
  const abs = [...numbering.matchAll(/<w:abstractNum w:abstractNumId="(\d+)"[^>]*>([\s\S]*?)<\/w:abstractNum>/g)];
  const legal = abs.filter((a) => a[2]!.includes('%1.%2.%3')).map((a) => a[1]);
  expect(legal).toHaveLength(1);
  return [...numbering.matchAll(/<w:num w:numId="(\d+)"><w:abstractNumId w:val="(\d+)"\/>/g)]
    .filter((n) => n[2] === legal[0])
    .map((n) => Number(n[1]));
}

function inlineText(inlines: readonly Inline[]): string {
  return inlines
    .map((i) => (i.type === 'text' ? i.value : i.type === 'break' ? '' : i.type === 'pageRef' ? i.value : inlineText(i.children)))
    .join('');
}

/** Blocks beyond the sample: every path of the renderer. */
function extraBlocks(): Block[] {
  const dataTable: Table = {
    type: 'table',
    head: [{ cells: [{ children: [t('Month')] }, { children: [t('Referrals')], align: 'right' }] }],
    body: [
      { cells: [{ children: [t('August')] }, { children: [t('671')], align: 'right' }] },
      { cells: [{ children: [t('May')] }, { children: [t('1,032')], align: 'right' }] },
    ],
  };
  return [
    { type: 'pageBreak' },
    { type: 'heading', level: 1, number: '5', children: [t('Appendix figures')] },
    { type: 'paragraph', number: '5.1', children: [t('The Committee is asked to:')] },
    { type: 'list', style: 'letter', indented: true, items: [
      { label: 'a)', children: [t('Second letter list first item')] },
      { label: 'b)', children: [t('Second letter list second item')] },
    ] },
    { type: 'list', style: 'decimal', indented: false, items: [
      { label: '1.', children: [t('Decimal item one')] },
      { label: '2.', children: [t('Decimal item two')] },
    ] },
    { type: 'heading', level: 2, children: [t('An unnumbered subheading')] },
    { type: 'figure', id: 'referrals-data', title: 'Referrals by month', alt: 'Two bars: August 671, May 1,032.', svg: sampleSvg, png: samplePng(), width: 400, height: 200, table: dataTable },
    { type: 'table', borderless: true, head: [], widths: [1, 3], body: [
      { cells: [{ children: [t('Contact:')] }, { children: [t('Jane Officer, Commissioning Manager')] }] },
    ] },
    { type: 'table', head: [], widths: [2, 1, 1], body: [
      { cells: [{ children: [t('Right after a table')] }, { children: [t('x')] }, { children: [t('y')] }] },
    ] },
    { type: 'paragraph', children: [t('Closing paragraph after the tables.')] },
  ];
}

function fullPaper(): Paper {
  const paper = samplePaper(extraBlocks());
  return { ...paper, heading: [t('Item 6: CAMHS contract performance')], meta: { ...paper.meta, keywords: ['CAMHS', 'contract'] } };
}

let sample: Package;
let full: Package;
let fullBytes: Uint8Array;

beforeAll(async () => {
  sample = await open(await renderDocx(samplePaper()));
  fullBytes = await renderDocx(fullPaper());
  full = await open(fullBytes);
});

describe('styles', () => {
  it('defines Heading1-3 with outline levels, keep-with-next, bold and the layout sizes', () => {
    const styles = sample.files['word/styles.xml']!;
    for (const [id, level] of [['Heading1', 0], ['Heading2', 1], ['Heading3', 2]] as const) {
      const style = new RegExp(`<w:style w:type="paragraph" w:styleId="${id}">([\\s\\S]*?)</w:style>`).exec(styles)?.[1];
      expect(style, id).toBeDefined();
      expect(style).toContain(`<w:outlineLvl w:val="${level}"/>`);
      expect(style).toContain('<w:keepNext/>');
      expect(style).toMatch(/<w:b\/>/);
      expect(style).toContain(`<w:sz w:val="${kentLayout.headingSizes[level] * 2}"/>`);
    }
  });

  it('sets Arial, the body size and en-GB for the whole document', () => {
    const defaults = /<w:docDefaults>([\s\S]*?)<\/w:docDefaults>/.exec(sample.files['word/styles.xml']!)?.[1] ?? '';
    expect(defaults).toContain('w:ascii="Arial"');
    expect(defaults).toContain(`<w:sz w:val="${kentLayout.fontSize * 2}"/>`);
    expect(defaults).toMatch(/<w:lang w:val="en-GB"/);
    // No fixed line height (LibreOffice clips inline images to it).
    expect(defaults).not.toMatch(/w:line="/);
  });
});

describe('page', () => {
  it('is A4 portrait with the layout margins and a centred PAGE / NUMPAGES footer', () => {
    const doc = sample.files['word/document.xml']!;
    expect(doc).toMatch(/<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"\/>/);
    expect(doc).toMatch(/<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134"/);
    const footer = sample.files['word/footer1.xml']!;
    expect(footer).toContain('<w:jc w:val="center"/>');
    const fields = [...footer.matchAll(/<w:instrText[^>]*>([^<]*)<\/w:instrText>/g)].map((m) => m[1]!.trim());
    expect(fields).toEqual(['PAGE', 'NUMPAGES']);
    expect(paragraphs(footer)[0]!.text).toBe('Page  of ');
  });
});

describe('front block', () => {
  it('puts the heading first, then a borderless two-column table with bold labels, then a rule', () => {
    const doc = full.files['word/document.xml']!;
    const body = /<w:body>([\s\S]*)<\/w:body>/.exec(doc)![1]!;
    const first = paragraphs(body)[0]!;
    expect(first.text).toBe('Item 6: CAMHS contract performance');
    expect(first.xml).toContain('<w:b/>');
    const front = /<w:tbl>[\s\S]*?<\/w:tbl>/.exec(body)![0];
    expect(front).toContain('<w:insideV w:val="none"');
    expect(front).not.toContain('w:val="single"');
    expect([...front.matchAll(/<w:gridCol /g)]).toHaveLength(2);
    const from = paragraphWith(paragraphs(front), 'From:');
    expect(from.xml).toContain('<w:b/>');
    // Two value lines are two paragraphs.
    paragraphWith(paragraphs(front), 'Peter Oakford');
    paragraphWith(paragraphs(front), 'Andrew Ireland');
    const afterTable = body.slice(body.indexOf('</w:tbl>') + 8);
    expect(afterTable).toMatch(/^<w:p><w:pPr><w:pBdr><w:bottom w:val="single"/);
  });
});

describe('numbering', () => {
  it('has one legal multi-level list: %1. / %1.%2 / %1.%2.%3 with a hanging number column', () => {
    const numbering = sample.files['word/numbering.xml']!;
    const legal = /<w:abstractNum [^>]*>((?:(?!<\/w:abstractNum>)[\s\S])*%1\.%2\.%3[\s\S]*?)<\/w:abstractNum>/.exec(numbering)?.[1] ?? '';
    expect(legal).toContain('<w:multiLevelType w:val="multilevel"/>');
    const levels = [...legal.matchAll(/<w:lvl w:ilvl="(\d)"[^>]*>([\s\S]*?)<\/w:lvl>/g)];
    expect(levels.map((l) => /<w:lvlText w:val="([^"]+)"\/>/.exec(l[2]!)?.[1])).toEqual(['%1.', '%1.%2', '%1.%2.%3']);
    const col = Math.round((kentLayout.numberColumnMm * 1440) / 25.4);
    for (const l of levels) {
      expect(l[2]).toContain('<w:isLgl/>');
      expect(l[2]).toContain('<w:suff w:val="tab"/>');
      expect(l[2]).toContain(`<w:ind w:left="${col}" w:hanging="${col}"/>`);
    }
  });

  it('gives every numbered heading and paragraph the legal list at the level of its number, and the rest none', () => {
    const paras = paragraphs(full.files['word/document.xml']!);
    const legal = legalNumIds(full.files['word/numbering.xml']!);
    expect(legal).toHaveLength(1);
    let numbered = 0;
    for (const block of fullPaper().blocks) {
      if (block.type !== 'heading' && block.type !== 'paragraph') continue;
      const p = paragraphWith(paras, inlineText(block.children).split('\n')[0]!.slice(0, 40));
      if (block.number) {
        numbered++;
        expect(p.numId, block.number).toBe(legal[0]);
        expect(p.ilvl, block.number).toBe(block.number.split('.').length - 1);
      } else {
        expect(p.numId, inlineText(block.children)).toBeUndefined();
      }
      if (block.type === 'heading') expect(p.style).toBe(`Heading${block.level}`);
    }
    expect(numbered).toBe(12);
  });

  it('puts bullets and letters in lists of their own, each letter list starting again', () => {
    const numbering = full.files['word/numbering.xml']!;
    const paras = paragraphs(full.files['word/document.xml']!);
    const legal = legalNumIds(numbering)[0];
    const abstractOf = (numId: number) => new RegExp(`<w:num w:numId="${numId}"><w:abstractNumId w:val="(\\d+)"/>([\\s\\S]*?)</w:num>`).exec(numbering);
    const abstract = (id: string) => new RegExp(`<w:abstractNum w:abstractNumId="${id}"[^>]*>([\\s\\S]*?)</w:abstractNum>`).exec(numbering)![1]!;

    const bullet = paragraphWith(paras, 'HeadStart');
    const letter1 = paragraphWith(paras, 'That Kent County Council');
    const letter1b = paragraphWith(paras, 'To delegate authority');
    const letter2 = paragraphWith(paras, 'Second letter list first item');
    const decimal = paragraphWith(paras, 'Decimal item two');
    for (const p of [bullet, letter1, letter2, decimal]) {
      expect(p.numId).toBeDefined();
      expect(p.numId).not.toBe(legal);
      expect(p.ilvl).toBe(0);
    }
    expect(abstract(abstractOf(bullet.numId!)![1]!)).toMatch(/<w:numFmt w:val="bullet"\/>[\s\S]*<w:lvlText w:val="•"\/>/);
    expect(abstract(abstractOf(letter1.numId!)![1]!)).toMatch(/<w:numFmt w:val="lowerLetter"\/>[\s\S]*<w:lvlText w:val="%1\)"\/>/);
    expect(abstract(abstractOf(decimal.numId!)![1]!)).toMatch(/<w:lvlText w:val="%1\."\/>/);
    // One list: same numId for its items; the next letter list is a new w:num that starts again.
    expect(letter1b.numId).toBe(letter1.numId);
    expect(letter2.numId).not.toBe(letter1.numId);
    expect(abstractOf(letter2.numId!)![2]).toContain('<w:startOverride w:val="1"/>');
    // Indented lists sit in the text column: the marker at the number column.
    const col = Math.round((kentLayout.numberColumnMm * 1440) / 25.4);
    const ind = /<w:ind w:left="(\d+)" w:hanging="(\d+)"\/>/.exec(letter1.xml)!;
    expect(Number(ind[1]) - Number(ind[2])).toBe(col);
    const dec = /<w:ind w:left="(\d+)" w:hanging="(\d+)"\/>/.exec(decimal.xml)!;
    expect(Number(dec[1]) - Number(dec[2])).toBe(0);
  });

  it('prints numbers Word would not compute as text, with the same hanging indent', async () => {
    const paper = samplePaper();
    paper.blocks = [
      { type: 'heading', level: 1, number: '7', children: [t('Carried on from another paper')] },
      { type: 'paragraph', number: '7.1', children: [t('First paragraph under seven.')] },
    ];
    const pkg = await open(await renderDocx(paper));
    const paras = paragraphs(pkg.files['word/document.xml']!);
    const h = paragraphWith(paras, 'Carried on');
    expect(h.numId).toBeUndefined();
    expect(h.text).toBe('7.Carried on from another paper');
    expect(h.xml).toContain('<w:tab/>');
    expect(paragraphWith(paras, 'First paragraph').text).toBe('7.1First paragraph under seven.');
  });
});

describe('inlines', () => {
  it('prints special characters literally, escaped once in the XML', () => {
    const doc = sample.files['word/document.xml']!;
    expect(doc).toContain('*stars* _under_ #hash &lt;angle&gt; &amp; [bracket].');
    const p = paragraphWith(paragraphs(doc), '*stars*');
    expect(p.text).toBe('An italic word, a value with *stars* _under_ #hash <angle> & [bracket].Second line.');
    expect(p.xml).toMatch(/<w:i\/>[\s\S]*?italic/);
    expect(p.xml).toMatch(/<w:br\/>/);
  });

  it('makes links clickable hyperlinks with the Hyperlink style and a stable relationship id', () => {
    const doc = sample.files['word/document.xml']!;
    const url = 'https://democracy.kent.gov.uk/documents/s63942/C1%20-%20Procurement%20of%20Children%20and%20Young%20Peoples%20Mental%20Health%20Service.pdf';
    const link = /<w:hyperlink [^>]*r:id="([^"]+)"[^>]*>([\s\S]*?)<\/w:hyperlink>/.exec(doc);
    expect(link).not.toBeNull();
    expect(link![1]).toMatch(/^rId\d+$/);
    expect(link![2]).toContain('<w:rStyle w:val="Hyperlink"/>');
    const rels = sample.files['word/_rels/document.xml.rels']!;
    const rel = new RegExp(`<Relationship Id="${link![1]}" Type="[^"]+/hyperlink" Target="([^"]+)" TargetMode="External"/>`).exec(rels);
    expect(unescape(rel?.[1] ?? '')).toBe(url);
    const style = /<w:style w:type="character" w:styleId="Hyperlink">([\s\S]*?)<\/w:style>/.exec(sample.files['word/styles.xml']!)?.[1];
    expect(style).toContain('<w:u w:val="single"/>');
    expect(style).toContain('<w:color w:val="0563C1"/>');
  });

  it('gives each of several links its own relationship, numbered past the others, the same each time', async () => {
    const urls = ['https://example.org/a', 'https://example.org/b?x=1&y=2', 'https://example.org/a#again', 'https://example.org/c'];
    const paper = samplePaper(urls.map((url, i): Block => ({ type: 'paragraph', children: [t(`Link ${i + 1}: `), { type: 'link', url, children: [t(`link ${i + 1}`)] }] })));
    const bytes = await renderDocx(paper);
    const pkg = await open(bytes);
    const doc = pkg.files['word/document.xml']!;
    const rels = pkg.files['word/_rels/document.xml.rels']!;
    const relIds = [...rels.matchAll(/<Relationship Id="([^"]+)"/g)].map((m) => m[1]!);
    expect(relIds.every((id) => /^rId\d+$/.test(id))).toBe(true);
    expect(new Set(relIds).size).toBe(relIds.length);
    const targets = new Map([...rels.matchAll(/<Relationship Id="([^"]+)" Type="[^"]+\/hyperlink" Target="([^"]+)" TargetMode="External"\/>/g)].map((m) => [m[1]!, unescape(m[2]!)]));
    // Word reads a link as its relationship's target, then '#' and the anchor if it has one.
    const linked = [...doc.matchAll(/<w:hyperlink ([^>]*)>([\s\S]*?)<\/w:hyperlink>/g)]
      .map((m) => {
        const id = /r:id="([^"]+)"/.exec(m[1]!)![1]!;
        const anchor = /w:anchor="([^"]+)"/.exec(m[1]!)?.[1];
        return [Number(/>link (\d)</.exec(m[2]!)?.[1] ?? 0), targets.get(id) + (anchor ? `#${unescape(anchor)}` : '')];
      })
      .filter(([n]) => n !== 0);
    expect(linked).toEqual(urls.map((url, i) => [i + 1, url]));
    // Every relationship the document names is in its .rels.
    for (const m of doc.matchAll(/r:(?:id|embed)="([^"]+)"/g)) expect(relIds).toContain(m[1]);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(await renderDocx(paper)))).toBe(0);
  });
});

describe('tables', () => {
  it('repeats header rows, never splits rows, bolds headers and uses the (indented) text width', () => {
    const doc = sample.files['word/document.xml']!;
    const tables = [...doc.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]);
    expect(tables).toHaveLength(2);
    const table = tables[1]!;
    const rows = [...table.matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toContain('<w:cantSplit/>');
    expect(rows[0]).toContain('<w:tblHeader/>');
    expect(rows[1]).not.toContain('<w:tblHeader');
    expect(paragraphWith(paragraphs(rows[0]!), 'Part').xml).toContain('<w:b/>');
    expect(paragraphWith(paragraphs(rows[1]!), '£16m').xml).toContain('<w:jc w:val="right"/>');
    const grid = [...table.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    const col = Math.round((kentLayout.numberColumnMm * 1440) / 25.4);
    // A4 less 20 mm margins, less the number column: 155 mm.
    expect(grid.reduce((a, b) => a + b, 0)).toBe(Math.round((155 * 1440) / 25.4));
    expect(grid).toHaveLength(2);
    expect(table).toContain(`<w:tblInd w:type="dxa" w:w="${col}"/>`);
    expect(table).toContain('<w:top w:val="single"');
    expect(table).toContain('<w:tblCaption w:val="Contract values"/>');
    // Cell padding once, on the table (after its layout, as the schema orders w:tblPr), not on each cell.
    expect(table).toMatch(/<w:tblLayout w:type="fixed"\/><w:tblCellMar><w:top w:type="dxa" w:w="57"\/><w:left w:type="dxa" w:w="100"\/><w:bottom w:type="dxa" w:w="57"\/><w:right w:type="dxa" w:w="100"\/><\/w:tblCellMar>/);
    expect(table).not.toContain('<w:tcMar>');
    // Cells say only what differs from the defaults: header rows kept with the next, right alignment.
    expect(table).not.toContain('<w:keepNext w:val="false"/>');
    expect(table).not.toContain('<w:jc w:val="left"/>');
    expect(paragraphWith(paragraphs(rows[0]!), 'Part').xml).toContain('<w:keepNext/>');
    // Caption above the table, kept with it.
    const before = doc.slice(0, doc.indexOf(table));
    const caption = paragraphs(before).at(-1)!;
    expect(caption.text).toBe('Contract values');
    expect(caption.style).toBe('Caption');
  });

  it('lets a row that may be taller than a page break across pages (Word would cut off its foot)', async () => {
    const doc = (await open(await renderDocx(tallRowPaper()))).files['word/document.xml']!;
    const table = [...doc.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]).find((t) => t.includes('Tall risk two'))!;
    const rows = [...table.matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(4);
    const split = rows.map((r) => !r.includes('<w:cantSplit/>'));
    expect(split).toEqual([false, false, true, false]);
    // The whole text is there: 100 lines, one paragraph with 99 breaks.
    expect([...rows[2]!.matchAll(/<w:br\/>/g)]).toHaveLength(TALL_ROW_LINES - 1);
  });

  it('splits relative widths, keeps borderless tables borderless and tables apart', () => {
    const doc = full.files['word/document.xml']!;
    const tables = [...doc.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]);
    const contact = tables.find((x) => x.includes('Contact:'))!;
    expect(contact).not.toContain('w:val="single"');
    // No left padding: the text lines up with the text column.
    expect(contact).toMatch(/<w:tblCellMar><w:top w:type="dxa" w:w="0"\/><w:left w:type="dxa" w:w="0"\/>/);
    const grid = [...contact.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(grid).toHaveLength(2);
    expect(Math.abs(grid[1]! - 3 * grid[0]!)).toBeLessThanOrEqual(3);
    const next = tables.find((x) => x.includes('Right after a table'))!;
    expect(doc).not.toContain(`${contact}${next}`);
    const three = [...next.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(Math.abs(three[0]! - 2 * three[1]!)).toBeLessThanOrEqual(2);
  });
});

describe('figures', () => {
  it("stores each chart's PNG once it is drawn, and a chart placed twice once", async () => {
    const other = sampleSvg.replace('#12436D', '#801650');
    const [pngA, pngB] = [samplePng(), Buffer.from(samplePng()).reverse()];
    // The first PNG arrives after the document is built, as from the chart stage.
    const late = new Promise<Uint8Array>((resolve) => setTimeout(() => resolve(pngA), 20));
    const fig = (id: string, svg: string, png: Uint8Array | Promise<Uint8Array>): Block => ({ type: 'figure', id, title: id, alt: `Chart ${id}.`, svg, png, width: 400, height: 200 });
    const paper: Paper = { ...samplePaper(), blocks: [fig('a', sampleSvg, late), fig('b', other, pngB), fig('a-again', sampleSvg, late)] };
    const pkg = await open(await renderDocx(paper));
    const pngs = pkg.names.filter((n) => /^word\/media\/.+\.png$/.test(n));
    expect(pngs).toHaveLength(2);
    const rels = pkg.files['word/_rels/document.xml.rels']!;
    const target = (id: string) => `word/${new RegExp(`Id="${id}" [^>]*Target="([^"]+)"`).exec(rels)![1]}`;
    const blips = [...pkg.files['word/document.xml']!.matchAll(/<a:blip r:embed="([^"]+)"/g)].map((m) => target(m[1]!));
    expect(blips).toHaveLength(3);
    expect(blips[2]).toBe(blips[0]);
    const bytes = async (name: string) => Buffer.from(await pkg.zip.files[name]!.async('uint8array'));
    expect((await bytes(blips[0]!)).equals(Buffer.from(pngA))).toBe(true);
    expect((await bytes(blips[1]!)).equals(Buffer.from(pngB))).toBe(true);
  });

  it("fails when a chart's PNG cannot be drawn", async () => {
    const failed = Promise.reject(new Error('resvg could not draw the chart'));
    failed.catch(() => undefined);
    const paper: Paper = { ...samplePaper(), blocks: [{ type: 'figure', id: 'broken', title: 'Broken', alt: 'A chart.', svg: sampleSvg, png: failed, width: 400, height: 200 }] };
    await expect(renderDocx(paper)).rejects.toThrow('resvg could not draw the chart');
  });

  it('embeds the SVG with its PNG fallback, fitted to the width, with alt text and caption', async () => {
    const doc = sample.files['word/document.xml']!;
    const svgs = sample.names.filter((n) => /^word\/media\/.+\.svg$/.test(n));
    const pngs = sample.names.filter((n) => /^word\/media\/.+\.png$/.test(n));
    expect(svgs).toHaveLength(1);
    expect(pngs).toHaveLength(1);
    expect(await sample.zip.files[svgs[0]!]!.async('string')).toBe(sampleSvg);
    const drawing = /<w:drawing>[\s\S]*?<\/w:drawing>/.exec(doc)![0];
    const docPr = /<wp:docPr ([^>]*)\/>/.exec(drawing)![1]!;
    expect(unescape(/descr="([^"]*)"/.exec(docPr)![1]!)).toBe('Bar chart of monthly referrals: lowest 671 in August, highest 1,032 in May.');
    expect(docPr).toContain('name="referrals"');
    expect(docPr).toContain('title="Referrals were lowest in August"');
    const rels = sample.files['word/_rels/document.xml.rels']!;
    const target = (id: string) => new RegExp(`Id="${id}" [^>]*Target="([^"]+)"`).exec(rels)?.[1];
    expect(target(/<asvg:svgBlip [^>]*r:embed="([^"]+)"/.exec(drawing)![1]!)).toBe(svgs[0]!.slice('word/'.length));
    expect(target(/<a:blip r:embed="([^"]+)"/.exec(drawing)![1]!)).toBe(pngs[0]!.slice('word/'.length));
    // Indented figure: text width less the number column, 2:1 as the SVG.
    const [cx, cy] = /<wp:extent cx="(\d+)" cy="(\d+)"\/>/.exec(drawing)!.slice(1).map(Number);
    const widthMm = (cx! / 914400) * 25.4;
    expect(Math.abs(widthMm - (170 - kentLayout.numberColumnMm))).toBeLessThan(0.5);
    expect(Math.abs(cx! / cy! - 2)).toBeLessThan(0.01);
    // Caption (title bold, subtitle) above, kept with the image; source below in small print.
    const paras = paragraphs(doc);
    const i = paras.findIndex((p) => p.xml.includes('<w:drawing>'));
    expect(paras[i - 1]!.style).toBe('Caption');
    expect(paras[i - 1]!.text).toBe('Referrals were lowest in AugustMonthly referrals, Kent, October 2015 to September 2016');
    expect(paras[i]!.xml).toContain('<w:keepNext/>');
    expect(paras[i + 1]!.text).toBe('Source: provider monthly reports');
    expect(paras[i + 1]!.style).toBe('FigureSource');
    expect(sample.files['word/styles.xml']).toMatch(/w:styleId="FigureSource">[\s\S]*?<w:sz w:val="20"\/>/);
  });

  it('numbers drawings from 1 per document and writes the figure data table after the image', () => {
    const doc = full.files['word/document.xml']!;
    const ids = [...doc.matchAll(/<wp:docPr id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids).toEqual([1, 2]);
    const image = doc.indexOf('name="referrals-data"');
    const table = doc.indexOf('<w:tblCaption w:val="Referrals by month: data"/>');
    expect(image).toBeGreaterThan(0);
    expect(table).toBeGreaterThan(image);
  });
});

describe('page breaks', () => {
  it('starts the block after a page break on a new page', () => {
    const p = paragraphWith(paragraphs(full.files['word/document.xml']!), 'Appendix figures');
    expect(p.xml).toContain('<w:pageBreakBefore/>');
    const q = paragraphWith(paragraphs(full.files['word/document.xml']!), 'Legal Implications');
    expect(q.xml).not.toContain('<w:pageBreakBefore/>');
  });
});

describe('core properties', () => {
  it('has title, subject, creator, keywords, en-GB and the paper date', () => {
    const core = full.files['docProps/core.xml']!;
    expect(core).toContain('<dc:title>Child and Adolescent Mental Health Service Contract Performance</dc:title>');
    expect(core).toContain('<dc:subject>CAMHS contract performance</dc:subject>');
    expect(core).toContain('<dc:creator>Kent County Council</dc:creator>');
    expect(core).toContain('<cp:keywords>CAMHS, contract</cp:keywords>');
    expect(core).toContain('<dc:language>en-GB</dc:language>');
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2016-12-06T00:00:00Z</dcterms:created>');
    expect(core).toContain('<dcterms:modified xsi:type="dcterms:W3CDTF">2016-12-06T00:00:00Z</dcterms:modified>');
  });

  it('escapes metadata and refuses a date that is not YYYY-MM-DD', async () => {
    const paper = samplePaper();
    const pkg = await open(await renderDocx({ ...paper, meta: { ...paper.meta, title: 'Fees & <charges>' } }));
    expect(pkg.files['docProps/core.xml']).toContain('<dc:title>Fees &amp; &lt;charges&gt;</dc:title>');
    await expect(renderDocx({ ...paper, meta: { ...paper.meta, date: '6 December 2016' } })).rejects.toThrow(/meta\.date/);
  });
});

describe('determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the same bytes twice in a row, and under another clock and time zone', async () => {
    const first = await renderDocx(fullPaper());
    const second = await renderDocx(fullPaper());
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(fullBytes).equals(Buffer.from(first))).toBe(true);

    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2031-07-15T23:59:58Z'));
      const later = await renderDocx(fullPaper());
      expect(Buffer.from(later).equals(Buffer.from(first))).toBe(true);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('dates every zip entry at the paper date and puts [Content_Types].xml first', async () => {
    const zip = await JSZip.loadAsync(fullBytes);
    const names = Object.keys(zip.files);
    expect(names[0]).toBe('[Content_Types].xml');
    for (const name of names) {
      expect(zip.files[name]!.dir).toBe(false);
      expect(zip.files[name]!.date.toISOString(), name).toBe('2016-12-06T00:00:00.000Z');
    }
  });
});

describe('zip packing', () => {
  const date = new Date(Date.UTC(2016, 11, 6));
  const enc = (s: string) => new TextEncoder().encode(s);
  const read = async (zip: Uint8Array, name: string) => (await JSZip.loadAsync(zip)).files[name]!.async('string');
  /** The compression method of the first entry, from its local header. */
  const method = (zip: Uint8Array) => Buffer.from(zip).readUInt16LE(8);

  it("takes a part's last packing only when its bytes are the same", async () => {
    const name = 'word/zip-test.xml';
    const one = zipEntries([{ name, data: enc('<a>one</a>') }], date);
    expect(await read(one, name)).toBe('<a>one</a>');
    // Same name, same length, other bytes.
    expect(await read(zipEntries([{ name, data: enc('<a>two</a>') }], date), name)).toBe('<a>two</a>');
    // The same bytes again give the same zip.
    expect(Buffer.from(zipEntries([{ name, data: enc('<a>one</a>') }], date)).equals(Buffer.from(one))).toBe(true);
  });

  it('is not misled by a caller that reuses its array', async () => {
    const name = 'word/zip-reused.xml';
    const data = enc('<a>ten</a>');
    zipEntries([{ name, data }], date);
    data.set(enc('six'), 3);
    expect(await read(zipEntries([{ name, data }], date), name)).toBe('<a>six</a>');
  });

  it('stores or compresses the same bytes as each call asks', async () => {
    const name = 'word/media/zip-test.png';
    const data = enc('x'.repeat(200));
    const stored = zipEntries([{ name, data, store: true }], date);
    const deflated = zipEntries([{ name, data }], date);
    expect([method(stored), method(deflated)]).toEqual([0, 8]);
    expect(deflated.length).toBeLessThan(stored.length);
    expect(await read(stored, name)).toBe('x'.repeat(200));
    expect(await read(deflated, name)).toBe('x'.repeat(200));
    expect(method(zipEntries([{ name, data, store: true }], date))).toBe(0);
  });
});

const hasSoffice = (() => {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
})();

describe('LibreOffice', () => {
  it.skipIf(!hasSoffice)('prints the model numbers next to their paragraphs', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'render-docx-'));
    try {
      const file = path.join(dir, 'paper.docx');
      writeFileSync(file, fullBytes);
      execFileSync(
        'soffice',
        [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--convert-to', 'txt:Text', '--outdir', dir, file],
        { stdio: 'ignore', timeout: 120_000 },
      );
      const lines = readFileSync(path.join(dir, 'paper.txt'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
      const lineOf = (text: string) => {
        const found = lines.filter((l) => l.includes(text));
        expect(found, text).toHaveLength(1);
        return found[0]!;
      };
      expect(lineOf('Currently (September 2016) there are 624')).toMatch(/^2\.1\.1\s+Currently \(September 2016\) there are 624/);
      let checked = 0;
      for (const block of fullPaper().blocks) {
        if ((block.type !== 'heading' && block.type !== 'paragraph') || !block.number) continue;
        const text = inlineText(block.children);
        const printed = block.number.includes('.') ? block.number : `${block.number}.`;
        // The number, white space, then the paragraph's own text: "2.1.1\tCurrently ...".
        const line = lineOf(text);
        expect(line.startsWith(printed), `${printed} before "${text}"`).toBe(true);
        expect(line.slice(printed.length, line.indexOf(text)), line).toMatch(/^\s+$/);
        checked++;
      }
      expect(checked).toBe(12);
      expect(lineOf('That Kent County Council')).toMatch(/^a\)\s/);
      expect(lineOf('To delegate authority')).toMatch(/^b\)\s/);
      expect(lineOf('Second letter list first item')).toMatch(/^a\)\s/);
      expect(lineOf('Second letter list second item')).toMatch(/^b\)\s/);
      expect(lineOf('Decimal item two')).toMatch(/^2\.\s/);
      expect(lineOf('HeadStart')).toMatch(/^•\s/);
      expect(lineOf('An unnumbered subheading')).toBe('An unnumbered subheading');
      expect(lineOf('Summary:')).toMatch(/^Summary:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DOCX parts remembered across documents', () => {
  it('styles and theme come out as made afresh, each house layout with its own styles', async () => {
    const { Packer } = await import('docx');
    const { forgetRememberedParts } = await import('../src/render/docx/deterministic.js');
    const formatter = (Packer as unknown as { compiler: { formatter: { format(...args: unknown[]): unknown } } }).compiler.formatter;
    const formats = vi.spyOn(formatter, 'format');
    const parts = async (bytes: Uint8Array): Promise<Record<string, string>> => {
      const zip = await JSZip.loadAsync(bytes);
      return { styles: await zip.file('word/styles.xml')!.async('string'), theme: await zip.file('word/theme/theme1.xml')!.async('string') };
    };
    const a = samplePaper();
    const b: Paper = { ...samplePaper(), layout: { ...kentLayout, fontSize: 14, font: 'Verdana' } };
    try {
      forgetRememberedParts();
      formats.mockClear();
      const a1 = await renderDocx(a); // made afresh, and remembered
      const fresh = formats.mock.calls.length;
      const b1 = await renderDocx(b);
      formats.mockClear();
      const a2 = await renderDocx(a);
      // Styles and theme were not formatted again.
      expect(formats.mock.calls.length).toBe(fresh - 2);
      const b2 = await renderDocx(b);
      expect(Buffer.from(a2).equals(Buffer.from(a1))).toBe(true);
      expect(Buffer.from(b2).equals(Buffer.from(b1))).toBe(true);
      const [pa, pb] = [await parts(a1), await parts(b1)];
      expect(pa.styles).toContain('w:ascii="Arial"');
      expect(pb.styles).toContain('w:ascii="Verdana"');
      expect(pb.styles).toContain('<w:sz w:val="28"/>');
      expect(pb.styles).not.toContain('w:ascii="Arial"');
      expect(pb.theme).toBe(pa.theme);
    } finally {
      formats.mockRestore();
    }
  });
});
