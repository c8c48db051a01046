/**
 * The PDF writer, read back with independent readers: pdfjs-dist (text, structure tree,
 * metadata, annotations), poppler (pdftotext, pdffonts, pdfinfo) and qpdf (raw objects).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Figure, Paper } from '../src/document/model.js';
import { checkAccessible, renderPdf } from '../src/render/pdf/index.js';
import { breakLines, inlineRuns, LinkIds } from '../src/render/pdf/layout.js';
import { samplePaper, sampleSvg } from './fixtures/sample-paper.js';
import { expectArimoOnly, pageCount, pageText, pdfFolder, qpdfObjects, run } from './support/pdf-files.js';
import { open, pageItems, type Item } from './support/pdfjs.js';

import {
  ampersandTitlePaper,
  chartFontsPaper,
  fontsSvg,
  headingAndBreakPaper,
  headingAtBottomPaper,
  linkOverPageBreakPaper,
  KEPT_HEADING,
  KEPT_LINES,
  LONG_TABLE_ROWS,
  LONG_URL,
  LONG_WORD,
  longTableHead,
  longTableLines,
  longTablePaper,
  longWordsPaper,
  TALL_ROW_LINES,
  tallRowLine,
  tallRowPaper,
} from './fixtures/pdf-papers.js';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = (20 * 72) / 25.4;

const save = pdfFolder('render-pdf');

interface StructNode {
  role: string;
  alt?: string;
  children: StructNode[];
  /** Ids of the marked content directly inside the element. */
  content: string[];
}

/** The structure tree as pdfjs reads it, page by page (elements split over pages appear on each). */
async function structTrees(doc: PDFDocumentProxy): Promise<StructNode[]> {
  const convert = (node: any): StructNode => ({
    role: node.role,
    ...(node.alt ? { alt: node.alt } : {}),
    children: (node.children ?? []).filter((c: any) => c.role).map(convert),
    content: (node.children ?? []).filter((c: any) => c.type === 'content').map((c: any) => c.id),
  });
  const out: StructNode[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const tree = await (await doc.getPage(i)).getStructTree();
    if (tree) out.push(convert(tree));
  }
  return out;
}

function walk(nodes: StructNode[], visit: (n: StructNode, parent: StructNode | null) => void, parent: StructNode | null = null): void {
  for (const n of nodes) {
    visit(n, parent);
    walk(n.children, visit, n);
  }
}

describe('renderPdf: the sample paper', () => {
  let bytes: Uint8Array;
  let file: string;
  let doc: PDFDocumentProxy;

  beforeAll(async () => {
    bytes = await renderPdf(samplePaper());
    file = save(bytes);
    doc = await open(bytes);
  });

  it('is an A4, tagged PDF with a title (pdfinfo)', () => {
    const info = run('pdfinfo', [file]);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    expect(info).toMatch(/^Title:\s+Child and Adolescent Mental Health Service Contract Performance$/m);
    expect(info).toMatch(/^CreationDate:\s+Tue Dec\s+6 00:00:00 2016 UTC$/m);
  });

  it('embeds every font, all Arimo, none of the standard 14 (pdffonts)', () => {
    expectArimoOnly(file);
  });

  it('draws chart text in the embedded Arimo whatever family the SVG asks for (pdffonts)', async () => {
    const chart = save(await renderPdf(chartFontsPaper()));
    const rows = run('pdffonts', [chart]).trim().split('\n').slice(2);
    const names = rows.map((r) => r.trim().split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '')).sort();
    // Regular and bold for the caption; italic and bold italic come only from the chart.
    expect(names).toEqual(['Arimo-Bold', 'Arimo-BoldItalic', 'Arimo-Italic', 'Arimo-Regular']);
    for (const row of rows) expect(row.trim().split(/\s+/).at(-5), row).toBe('yes');
    const text = run('pdftotext', [chart, '-']);
    // Rotated axis labels too: each SVG text is extracted whole, not in pieces.
    for (const label of ['Plain sans-serif label', 'Bold Helvetica label', 'Italic serif label', 'Bold italic monospace label', 'Sep 2015', 'Nov (£) 2015']) {
      expect(text).toContain(label);
    }
  });

  it('prints each paragraph number at the start of its paragraph (pdftotext -layout)', () => {
    const text = run('pdftotext', ['-layout', file, '-']);
    expect(text).toMatch(/^\s*1\.\s+Introduction$/m);
    expect(text).toMatch(/^\s*1\.1\s+The current service is provided by Sussex Partnership Foundation Trust \(SPFT\)\.$/m);
    expect(text).toMatch(/^\s*2\.1\s+Mainstream service$/m);
    expect(text).toMatch(/^\s*2\.1\.1\s+Currently \(September 2016\) there are 624 children/m);
    expect(text).toMatch(/^\s*2\.1\.2\s+The whole system comprises:$/m);
    expect(text).toMatch(/^\s*3\.1\s+At its meeting the Committee endorsed the decision:$/m);
    expect(text).toMatch(/^\s*•\s+HeadStart$/m);
    expect(text).toMatch(/^\s*b\)\s+To delegate authority to the Corporate Director$/m);
    expect(text).toMatch(/^\s*Subject:\s+Child and Adolescent Mental Health Service Contract/m);
    expect(text).toMatch(/Summary: This report provides an update/);
    expect(text).toContain('An italic word, a value with *stars* _under_ #hash <angle> & [bracket].');
    expect(text).toMatch(/^\s*Page 1 of 2$/m);
    expect(text).toMatch(/^\s*Page 2 of 2$/m);
  });

  it('reads the number and then the text of a paragraph, in content order (pdfjs)', async () => {
    let all = '';
    for (let i = 1; i <= doc.numPages; i++) all += (await pageItems(doc, i)).map((it) => it.str).join('');
    expect(all).toContain('2.1.1 Currently (September 2016) there are 624 children');
    expect(all).toContain('1. Introduction');
    expect(all).toContain('• HeadStart');
  });

  it('tags every text item or marks it as an artifact; the footer is an artifact', async () => {
    let footers = 0;
    let chartLabels = 0;
    for (let i = 1; i <= doc.numPages; i++) {
      for (const item of await pageItems(doc, i)) {
        if (item.str.trim() === '') continue;
        expect(item.marking, `"${item.str}" on page ${i}`).not.toBe('none');
        if (/^Page \d of \d$/.test(item.str)) {
          footers++;
          expect(item.marking).toBe('artifact');
        } else {
          expect(item.marking, `"${item.str}" on page ${i}`).toBe('mcid');
        }
        if (item.str === 'August') chartLabels++;
      }
    }
    expect(footers).toBe(doc.numPages);
    // The chart's text is real text, tagged inside the Figure.
    expect(chartLabels).toBe(1);
  });

  it('has the structure tree Document > H1/H2, P, L > LI > Lbl + LBody, Table > TH, Figure with alt, Link, Caption', async () => {
    const trees = await structTrees(doc);
    expect(trees.every((t) => t.role === 'Root' && t.children.length === 1 && t.children[0]!.role === 'Document')).toBe(true);
    const headings: string[] = [];
    const roles = new Set<string>();
    const alts: string[] = [];
    walk(trees, (n, parent) => {
      roles.add(n.role);
      if (/^H\d$/.test(n.role)) headings.push(n.role);
      if (n.role === 'Figure') alts.push(n.alt ?? '');
      if (n.role === 'LI') expect(n.children.map((c) => c.role)).toEqual(['Lbl', 'LBody']);
      if (n.role === 'LI') expect(parent?.role).toBe('L');
      if (n.role === 'TH' || n.role === 'TD') expect(parent?.role).toBe('TR');
      if (n.role === 'Link') expect(['P', 'LBody', 'TD', 'TH', 'H1', 'H2', 'H3']).toContain(parent?.role);
    });
    expect(headings).toEqual(['H1', 'H1', 'H2', 'H1', 'H1']);
    for (const role of ['P', 'L', 'LI', 'Lbl', 'LBody', 'Table', 'THead', 'TBody', 'TR', 'TH', 'TD', 'Figure', 'Caption', 'Link']) {
      expect(roles.has(role), role).toBe(true);
    }
    expect(alts).toEqual(['Bar chart of monthly referrals: lowest 671 in August, highest 1,032 in May.']);
  });

  it('has heading levels that never skip', async () => {
    const paper = samplePaper();
    // An H3 straight after an H1 in the model is tagged H2.
    paper.blocks.splice(3, 0, { type: 'heading', level: 3, children: [{ type: 'text', value: 'Deep heading' }] });
    const headings: string[] = [];
    walk(await structTrees(await open(await renderPdf(paper))), (n) => {
      if (/^H\d$/.test(n.role)) headings.push(n.role);
    });
    expect(headings.slice(0, 2)).toEqual(['H1', 'H2']);
    let level = 0;
    for (const h of headings) {
      const l = Number(h.slice(1));
      expect(l).toBeLessThanOrEqual(level + 1);
      level = l;
    }
  });

  it('has MarkInfo Marked, Lang en-GB, DisplayDocTitle, title and PDF/UA identification', async () => {
    expect(await doc.getMarkInfo()).toMatchObject({ Marked: true });
    const { info, metadata } = await doc.getMetadata();
    expect(info).toMatchObject({ Language: 'en-GB', Title: 'Child and Adolescent Mental Health Service Contract Performance', Author: 'Kent County Council' });
    expect(metadata?.get('dc:title')).toBe('Child and Adolescent Mental Health Service Contract Performance');
    expect(metadata?.get('pdfuaid:part')).toBe('1');
    expect(metadata?.get('xmp:createdate')).toBe('2016-12-06T00:00:00Z');
    const prefs = await doc.getViewerPreferences();
    expect(prefs).toMatchObject({ DisplayDocTitle: true });

    const objects = qpdfObjects(file);
    const catalog = Object.values(objects).find((o) => o.value?.['/Type'] === '/Catalog').value;
    expect(catalog['/Lang']).toBe('u:en-GB');
    expect(objects[`obj:${catalog['/ViewerPreferences']}`].value['/DisplayDocTitle']).toBe(true);
    expect(objects[`obj:${catalog['/MarkInfo']}`].value['/Marked']).toBe(true);
  });

  it('writes /Scope on header cells: Column in data tables, Row in the front block (qpdf)', () => {
    const ths = Object.values(qpdfObjects(file)).filter((o) => o.value?.['/S'] === '/TH').map((o) => o.value['/A']?.['/Scope']);
    expect(ths.filter((s) => s === '/Column')).toHaveLength(2);
    expect(ths.filter((s) => s === '/Row')).toHaveLength(5);
    expect(ths.every((s) => s === '/Row' || s === '/Column')).toBe(true);
  });

  it('makes the link clickable and ties its annotations to the Link element (qpdf, pdfjs)', async () => {
    const objects = qpdfObjects(file);
    const url = 'https://democracy.kent.gov.uk/documents/s63942/C1%20-%20Procurement%20of%20Children%20and%20Young%20Peoples%20Mental%20Health%20Service.pdf';
    const annots = Object.entries(objects).filter(([, o]) => o.value?.['/Subtype'] === '/Link');
    expect(annots.length).toBeGreaterThanOrEqual(2); // one per line of the wrapped URL
    const links = Object.values(objects).filter((o) => o.value?.['/S'] === '/Link');
    const objrs = links.flatMap((l) => (l.value['/K'] as any[]).filter((k) => typeof k === 'object' && k['/Type'] === '/OBJR').map((k) => k['/Obj']));
    for (const [key, annot] of annots) {
      expect(objrs).toContain(key.slice(4));
      expect(typeof annot.value['/StructParent']).toBe('number');
      expect(annot.value['/Contents']).toBe(`u:${url}`);
      expect(objects[`obj:${annot.value['/A']}`].value['/URI']).toBe(`u:${url}`);
    }
    // The Link element holds the link's text itself (not just the annotation).
    const links2: StructNode[] = [];
    walk((await structTrees(doc)).slice(1, 2), (n) => {
      if (n.role === 'Link') links2.push(n);
    });
    expect(links2).toHaveLength(1);
    const items = await pageItems(doc, 2);
    const linkText = items.filter((i) => i.mc && links2[0]!.content.includes(i.mc)).map((i) => i.str).join('');
    expect(linkText).toBe(url);
    const pageAnnots = await (await doc.getPage(2)).getAnnotations();
    expect(pageAnnots.filter((a: any) => a.subtype === 'Link').map((a: any) => a.url)).toEqual([url, url]);
  });

  it('draws the chart as a tagged vector figure, shrunk (aspect kept) to stay on page 1 with its caption', async () => {
    const figures = Object.values(qpdfObjects(file)).filter((o) => o.value?.['/S'] === '/Figure');
    expect(figures).toHaveLength(1);
    const [x1, y1, x2, y2] = figures[0].value['/A']['/BBox'] as number[];
    const full = A4.width - 2 * MARGIN - (15 * 72) / 25.4; // indented: the text column's width
    expect((x2! - x1!) / (y2! - y1!)).toBeCloseTo(400 / 200, 3);
    expect(x2! - x1!).toBeLessThan(full);
    expect(x2! - x1!).toBeGreaterThanOrEqual(full * 0.7 - 0.01);
    const page1: string[] = [];
    walk((await structTrees(doc)).slice(0, 1), (n) => page1.push(n.role));
    expect(page1).toContain('Figure');
    const text = pageText(file, 1);
    expect(text).toContain('Referrals were lowest in August');
    expect(text).toContain('Source: provider monthly reports');
    // Vectors, not an image: no image XObject among the file's streams.
    const streams = Object.values(qpdfObjects(file)).filter((o) => o.stream?.dict);
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.some((o) => o.stream.dict['/Subtype'] === '/Image')).toBe(false);
  });

  it('draws nothing beyond the right margin', async () => {
    for (let i = 1; i <= doc.numPages; i++) {
      for (const item of await pageItems(doc, i)) {
        expect(item.x + item.width, item.str).toBeLessThanOrEqual(A4.width - MARGIN + 0.5);
        expect(item.x, item.str).toBeGreaterThanOrEqual(MARGIN - 0.5);
      }
    }
  });
});

describe('renderPdf: page layout', () => {
  it('repeats the table header on every page and never splits a row', async () => {
    const file = save(await renderPdf(longTablePaper()));
    const pages = pageCount(file);
    expect(pages).toBeGreaterThanOrEqual(3);
    const texts = Array.from({ length: pages }, (_, i) => pageText(file, i + 1));
    const pageOf = (needle: RegExp): number[] => {
      const found: number[] = [];
      texts.forEach((text, i) => {
        if (needle.test(text)) found.push(i + 1);
      });
      return found;
    };
    for (let n = 1; n <= LONG_TABLE_ROWS; n++) {
      const [a, b] = longTableLines(n);
      const first = pageOf(new RegExp(`${a}$`, 'm'));
      const second = pageOf(new RegExp(`${b}$`, 'm'));
      expect(first, a).toHaveLength(1);
      expect(second, `row ${n}'s two lines on one page`).toEqual(first);
    }
    const headerLine = new RegExp(`^\\s*${longTableHead[0]}\\s+${longTableHead[1]}\\s*$`);
    for (let p = 2; p <= pages; p++) {
      const lines = texts[p - 1]!.split('\n').filter((l) => l.trim() !== '');
      expect(lines[0], `first line of page ${p}`).toMatch(headerLine);
      expect(lines[1], `first row of page ${p}`).toMatch(/^\s*Row \d+\s+First line of row \d+$/);
    }
    // The repeated header is page furniture: tagged once (2 TH), drawn as an artifact after.
    const ths = Object.values(qpdfObjects(file)).filter((o) => o.value?.['/S'] === '/TH');
    expect(ths).toHaveLength(3); // 2 column headers + the front block's label
    const doc = await open(await renderPdf(longTablePaper()));
    const repeated = (await pageItems(doc, 2)).filter((i) => i.str === longTableHead[0]);
    expect(repeated.map((i) => i.marking)).toEqual(['artifact']);
  });

  it('cuts a table row taller than a page between its lines, under the repeated header, and tags it as one row', async () => {
    const bytes = await renderPdf(tallRowPaper());
    const doc = await open(bytes);
    const where = new Map<string, { page: number; y: number }[]>();
    for (let p = 1; p <= doc.numPages; p++) {
      for (const item of await pageItems(doc, p)) {
        if (!item.str.trim()) continue;
        // Nothing below the text area: only the footer sits in the bottom margin.
        if (!/^Page \d+ of \d+$/.test(item.str.trim())) expect(item.y, `${item.str} on page ${p}`).toBeGreaterThan(MARGIN);
        where.set(item.str, [...(where.get(item.str) ?? []), { page: p, y: item.y }]);
      }
    }
    const at = (s: string) => {
      expect(where.get(s), s).toHaveLength(1);
      return where.get(s)![0]!;
    };
    // Every line once, in reading order (down a page, then on to the next).
    const order = [at('Short risk one'), ...Array.from({ length: TALL_ROW_LINES }, (_, i) => at(tallRowLine(i + 1))), at('Short risk three'), at('Closing paragraph after the table.')];
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1]!, order[i]!];
      expect(b.page > a.page || (b.page === a.page && b.y < a.y), `item ${i} after item ${i - 1}`).toBe(true);
    }
    // The row starts where the table does, not on a page of its own, and runs onto two more.
    expect(at(tallRowLine(1)).page).toBe(at('Short risk one').page);
    expect(at(tallRowLine(TALL_ROW_LINES)).page).toBeGreaterThanOrEqual(at(tallRowLine(1)).page + 1);
    // Each page the row runs onto starts with the header, drawn again as an artifact.
    const file = save(bytes);
    for (let p = at(tallRowLine(1)).page + 1; p <= at(tallRowLine(TALL_ROW_LINES)).page; p++) {
      expect(pageText(file, p).split('\n').find((l) => l.trim() !== ''), `page ${p}`).toMatch(/^\s*Risk\s+Mitigation\s*$/);
    }
    // In the structure tree the cut row is one TR, as the same table with a short row has.
    const count = (objects: Record<string, any>, type: string) => Object.values(objects).filter((o) => o.value?.['/S'] === `/${type}`).length;
    const short = tallRowPaper();
    const table = short.blocks.find((b) => b.type === 'table')!;
    if (table.type === 'table') table.body[1]!.cells[1]!.children = [{ type: 'text', value: 'Three short lines' }];
    const shortObjects = qpdfObjects(save(await renderPdf(short)));
    const tallObjects = qpdfObjects(file);
    for (const type of ['TR', 'TD', 'TH']) expect(count(tallObjects, type), type).toBe(count(shortObjects, type));
  });

  it('keeps a table\'s header with the first lines of a row that runs over pages', async () => {
    for (let fillers = 20; fillers <= 30; fillers++) {
      const doc = await open(await renderPdf(tallRowPaper(fillers, true)));
      const pageWith = async (s: string, marking: string) => {
        for (let p = 1; p <= doc.numPages; p++) if ((await pageItems(doc, p)).some((i) => i.str === s && i.marking === marking)) return p;
        return 0;
      };
      const header = await pageWith('Risk', 'mcid');
      expect(header, `fillers=${fillers}`).toBeGreaterThan(0);
      expect(await pageWith('Risks and their mitigation', 'mcid'), `fillers=${fillers}: the caption with the header`).toBe(header);
      expect(await pageWith(tallRowLine(2), 'mcid'), `fillers=${fillers}: two lines of the row under the header`).toBe(header);
    }
  });

  it('moves a heading that would end a page to the next page, with its paragraph', async () => {
    let moved = 0;
    for (let fillers = 24; fillers <= 34; fillers++) {
      const doc = await open(await renderPdf(headingAtBottomPaper(fillers)));
      const pages: Item[][] = [];
      for (let i = 1; i <= doc.numPages; i++) {
        // Body text only: the footer sits in the bottom margin.
        pages.push((await pageItems(doc, i)).filter((it) => it.str.trim() !== '' && it.y > MARGIN));
      }
      const find = (s: string): number => pages.findIndex((items) => items.some((it) => it.str.includes(s)));
      const hp = find(KEPT_HEADING);
      expect(hp, `fillers=${fillers}`).toBeGreaterThanOrEqual(0);
      expect(find(KEPT_LINES[0]!), `fillers=${fillers}: first line with the heading`).toBe(hp);
      expect(find(KEPT_LINES[1]!), `fillers=${fillers}: second line with the heading`).toBe(hp);
      const lowest = Math.min(...pages[hp]!.map((it) => it.y));
      const headingY = pages[hp]!.find((it) => it.str.includes(KEPT_HEADING))!.y;
      expect(headingY, `fillers=${fillers}: heading is not the last line of its page`).toBeGreaterThan(lowest);
      if (hp > 0 && pages[hp]!.every((it) => it.y <= headingY)) {
        // The heading starts a page: was there room for it on the previous one?
        const free = Math.min(...pages[hp - 1]!.map((it) => it.y)) - MARGIN;
        if (free > 12 * 1.25 + 16 + 3) moved++;
      }
    }
    // At least one filler count put the heading on the last line of a page, and it moved.
    expect(moved).toBeGreaterThanOrEqual(1);
  });

  it('sets the paper heading first (H1), honours page breaks and draws a figure\'s data table', async () => {
    const bytes = await renderPdf(headingAndBreakPaper(sampleSvg));
    const file = save(bytes);
    expect(pageCount(file)).toBe(2);
    const one = pageText(file, 1);
    const two = pageText(file, 2);
    expect(one.trim().split('\n')[0]).toMatch(/^Item 6: Children’s mental health services$/);
    expect(one).toContain('Before the break.');
    expect(two).toMatch(/^\s*1\.\s+After the break$/m);
    expect(two).toMatch(/^1\.\s+First point$/m); // not indented: the label at the margin
    expect(two).toMatch(/^\s+May\s+1,032$/m);
    expect(two).toMatch(/^Contact:\s+Jane Smith, Commissioner$/m);
    const trees = await structTrees(await open(bytes));
    const top = trees.flatMap((t) => t.children[0]!.children.map((c) => c.role));
    expect(top).toEqual(['H1', 'Table', 'P', 'H1', 'L', 'Div', 'Table', 'Table']);
    const div = trees[1]!.children[0]!.children.find((c) => c.role === 'Div')!;
    expect(div.children.map((c) => c.role)).toEqual(['Caption', 'Figure']); // no source line here
    expect(div.children[1]).toMatchObject({ role: 'Figure', alt: 'Bar chart: August 671, May 1,032.' });
  });

  it('ties each link annotation to a Link element on its own page, also when a link runs over a page break', async () => {
    let split = 0;
    for (let fillers = 26; fillers <= 32; fillers += 2) {
      const objects = qpdfObjects(save(await renderPdf(linkOverPageBreakPaper(fillers))));
      const pageOfAnnot = new Map<string, string>();
      for (const [key, o] of Object.entries(objects)) {
        if (o.value?.['/Type'] !== '/Page') continue;
        for (const annot of o.value['/Annots'] ?? []) pageOfAnnot.set(annot, key.slice(4));
      }
      const objrs = Object.values(objects)
        .filter((o) => o.value?.['/S'] === '/Link')
        .flatMap((o) => (o.value['/K'] as any[]).filter((k) => typeof k === 'object' && k['/Type'] === '/OBJR'));
      expect(objrs.length, `fillers=${fillers}`).toBe(pageOfAnnot.size);
      for (const objr of objrs) expect(objr['/Pg'], `fillers=${fillers}`).toBe(pageOfAnnot.get(objr['/Obj']));
      if (new Set(pageOfAnnot.values()).size > 1) split++;
    }
    expect(split).toBeGreaterThanOrEqual(1);
  });

  it('breaks long URLs and words instead of running off the page', async () => {
    const bytes = await renderPdf(longWordsPaper());
    const doc = await open(bytes);
    let joined = '';
    for (let i = 1; i <= doc.numPages; i++) {
      for (const item of await pageItems(doc, i)) {
        expect(item.x + item.width, item.str).toBeLessThanOrEqual(A4.width - MARGIN + 0.5);
        joined += item.str;
      }
    }
    const compact = joined.replace(/\s+/g, '');
    expect(compact).toContain(LONG_URL);
    expect(compact).toContain(LONG_WORD);
    // The link is still one link: an annotation on each of its lines, all to the URL.
    const annots = (await (await doc.getPage(1)).getAnnotations()).filter((a: any) => a.subtype === 'Link');
    expect(annots.length).toBeGreaterThanOrEqual(2);
    expect(new Set(annots.map((a: any) => a.url))).toEqual(new Set([LONG_URL]));
    const text = run('pdftotext', ['-layout', save(bytes), '-']);
    // Broken at URL punctuation: a line ends just after a '/' or '-'.
    expect(text).toMatch(/https:\/\/www\.kent\.gov\.uk\/[^\s]*[/-]$/m);
  });
});

describe('line breaking', () => {
  const measure = (_style: string, size: number, text: string): number => text.length * size * 0.5;

  it('breaks at spaces, keeps styles per fragment and drops spaces at line ends', () => {
    const ids = new LinkIds();
    const runs = inlineRuns([{ type: 'text', value: 'aaaa bbbb ' }, { type: 'strong', children: [{ type: 'text', value: 'cccc dddd' }] }], ids);
    const lines = breakLines(runs, 60, 10, measure);
    expect(lines.map((l) => l.fragments.map((f) => `${f.style}:${f.text}`))).toEqual([
      ['regular:aaaa bbbb'],
      ['bold:cccc dddd'],
    ]);
  });

  it('breaks a URL wider than the line at a slash, else anywhere', () => {
    const runs = inlineRuns([{ type: 'text', value: 'https://example.org/aaaaaaaaaaaa/bbbbbbbb' }], new LinkIds());
    const lines = breakLines(runs, 150, 10, measure); // 30 characters a line
    expect(lines.map((l) => l.fragments.map((f) => f.text).join(''))).toEqual(['https://example.org/', 'aaaaaaaaaaaa/bbbbbbbb']);
    const word = breakLines(inlineRuns([{ type: 'text', value: 'x'.repeat(70) }], new LinkIds()), 150, 10, measure);
    expect(word.map((l) => l.width)).toEqual([150, 150, 50]);
  });
});

describe('renderPdf: accessibility checks', () => {
  it('refuses a paper without a title', async () => {
    const paper = samplePaper();
    paper.meta.title = '  ';
    await expect(renderPdf(paper)).rejects.toThrow(/PDF: the document has no title \(meta\.title\): set `title` in the data file/);
    expect(() => checkAccessible(paper)).toThrow(/no title/);
  });

  it('refuses a paper without a language', async () => {
    const paper = samplePaper();
    paper.meta.lang = '';
    await expect(renderPdf(paper)).rejects.toThrow(/PDF: the document has no language \(meta\.lang\): set `lang`/);
  });

  it('refuses a figure without alternative text, naming the figure and where it came from', async () => {
    const paper = samplePaper();
    const figure = paper.blocks.find((b): b is Figure => b.type === 'figure')!;
    figure.alt = ' ';
    figure.pos = { file: 'data/camhs.yaml', line: 12, column: 3 };
    await expect(renderPdf(paper)).rejects.toThrow(/PDF: figure "referrals" \(data\/camhs\.yaml:12:3\) has no alternative text \(alt\): write `alt`/);
  });

  it('accepts the sample paper', () => {
    expect(() => checkAccessible(samplePaper())).not.toThrow();
  });
});

describe('renderPdf: metadata and determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
    delete process.env.TZ;
  });

  it('writes well-formed XMP for a title with & and <', async () => {
    const doc = await open(await renderPdf(ampersandTitlePaper()));
    const { info, metadata } = await doc.getMetadata();
    expect(info).toMatchObject({ Title: 'Health & Wellbeing <Board> “Update”' });
    expect(metadata?.get('dc:title')).toBe('Health & Wellbeing <Board> “Update”');
  });

  it('gives identical bytes for the same paper, whatever the clock and time zone', async () => {
    const first = await renderPdf(samplePaper());
    const second = await renderPdf(samplePaper());
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-07-04T13:45:00Z'));
    process.env.TZ = 'Pacific/Chatham';
    const later = await renderPdf(samplePaper());
    expect(Buffer.from(later).equals(Buffer.from(first))).toBe(true);
  });

  it('changes the bytes when the paper date changes (the date is really used)', async () => {
    const paper: Paper = samplePaper();
    paper.meta.date = '2017-01-31';
    const other = await renderPdf(paper);
    const base = await renderPdf(samplePaper());
    expect(Buffer.from(other).equals(Buffer.from(base))).toBe(false);
    expect((await (await open(other)).getMetadata()).metadata?.get('xmp:createdate')).toBe('2017-01-31T00:00:00Z');
  });

});

describe('renderPdf in a long-running process', () => {
  // Hyphen (U+002D) and soft hyphen (U+00AD) share one glyph in Arimo: a font that kept the
  // characters a glyph was first laid out from would give the second paper the first's
  // ToUnicode entry. Each paper is rendered in a fresh process too, for comparison.
  const script = (texts: string[]) => `
    const { renderPdf } = await import(${JSON.stringify(new URL('../dist/render/pdf/index.js', import.meta.url).href)});
    const t = (value) => ({ type: 'text', value });
    const layout = { font: 'Arial', fontSize: 12, headingSizes: [12, 12, 12], marginsMm: { top: 20, right: 20, bottom: 20, left: 20 }, footer: 'Page {page} of {pages}', numberColumnMm: 15 };
    const paper = (text) => ({ type: 'paper', meta: { title: 'T', author: 'A', lang: 'en-GB', date: '2016-12-06' }, layout, front: [], blocks: [{ type: 'paragraph', children: [t(text)] }] });
    let last;
    for (const text of ${JSON.stringify(texts)}) last = await renderPdf(paper(text));
    process.stdout.write(Buffer.from(last).toString('base64'));`;
  const renderIn = (texts: string[]) =>
    Buffer.from(execFileSync(process.execPath, ['--input-type=module', '-e', script(texts)], { encoding: 'utf8' }), 'base64');

  it('gives the same bytes for a paper whatever the process rendered before it', () => {
    const alone = renderIn(['Re-aligned funding.']);
    const after = renderIn(['Re\u00adaligned soft.', 'Re-aligned funding.']);
    expect(after.equals(alone)).toBe(true);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pdf-')), 'after.pdf');
    writeFileSync(file, after);
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain('Re-aligned funding.');
  });

  // Word layouts are remembered across documents (layout-cache.ts): a paper whose words
  // were all laid out before, in whatever order and company, must come out as in a fresh
  // process. ';' and the Greek question mark (U+037E) share a glyph too; so do a word's
  // letters across papers. In the third paper the hyphen's glyph is first laid out from the
  // soft hyphen, so fontkit hides the hyphen of "Re-aligned." there (and only there).
  it('gives the same bytes for a paper whose words the process laid out before', () => {
    const papers = ['Plain words; the x\u037e same words.', 'Re-aligned; words x\u037e plain Re-aligned.', 'The same\u00a0words; Re\u00adaligned plain Re-aligned.'];
    for (const [i, text] of papers.entries()) {
      const alone = renderIn([text]);
      const others = papers.filter((_, k) => k !== i);
      expect(renderIn([...others, text]).equals(alone), `paper ${i} after the others`).toBe(true);
      expect(renderIn([text, ...others.reverse(), text]).equals(alone), `paper ${i} again`).toBe(true);
    }
  });

  // Charts drawn again: a plain SVG from its parsed shapes and strings (plain-svg.ts), any
  // other from svg-to-pdfkit's recorded calls (svg-replay.ts): at another place, after other
  // fonts were selected first (other font resource names, other subset glyph ids), and not
  // from a recording when the chart's text would now be laid out otherwise.
  const chartScript = (papers: { lines: string[]; bold?: string; svgs: string[] }[]) => `
    const { renderPdf } = await import(${JSON.stringify(new URL('../dist/render/pdf/index.js', import.meta.url).href)});
    const t = (value) => ({ type: 'text', value });
    const layout = { font: 'Arial', fontSize: 12, headingSizes: [12, 12, 12], marginsMm: { top: 20, right: 20, bottom: 20, left: 20 }, footer: 'Page {page} of {pages}', numberColumnMm: 15 };
    const figure = (svg, i) => ({ type: 'figure', id: 'c' + i, title: 'Chart ' + i, alt: 'A chart.', svg, png: new Uint8Array(), width: 400, height: 200 });
    const paper = (p) => ({ type: 'paper', meta: { title: 'T', author: 'A', lang: 'en-GB', date: '2016-12-06' }, layout, front: [], blocks: [
      ...(p.bold ? [{ type: 'paragraph', children: [{ type: 'strong', children: [t(p.bold)] }] }] : []),
      ...p.lines.map((line) => ({ type: 'paragraph', children: [t(line)] })),
      ...p.svgs.map(figure),
    ] });
    let last;
    for (const p of ${JSON.stringify(papers)}) last = await renderPdf(paper(p));
    process.stdout.write(Buffer.from(last).toString('base64'));`;
  const renderChartsIn = (papers: { lines: string[]; bold?: string; svgs: string[] }[]) =>
    Buffer.from(execFileSync(process.execPath, ['--input-type=module', '-e', chartScript(papers)], { encoding: 'utf8', maxBuffer: 1 << 26 }), 'base64');

  it.each([
    ['plain SVGs, drawn straight (plain-svg.ts)', (svg: string) => svg],
    ['other SVGs, drawn by svg-to-pdfkit and replayed', (svg: string) => svg.replace(/(<svg\b[^>]*>)/, '$1<metadata/>')],
  ])('gives the same bytes for a paper whose charts the process drew before: %s', (_kind, asKind) => {
    const hyphenSvg = asKind(sampleSvg.replace('>May<', '>2015-16 (May)<'));
    const [sample, fonts] = [asKind(sampleSvg), asKind(fontsSvg)];
    const target = { lines: ['Before the charts.'], svgs: [sample, fonts, hyphenSvg] };
    const alone = renderChartsIn([target]);
    const elsewhere = { bold: 'Bold first', lines: ['One.', 'Two.', 'Three.'], svgs: [hyphenSvg, fonts, sample] };
    expect(renderChartsIn([elsewhere, target]).equals(alone), 'after the charts elsewhere').toBe(true);
    expect(renderChartsIn([target, target]).equals(alone), 'twice').toBe(true);
    // The soft hyphen comes first here: fontkit hides the chart's hyphen, which a recorded
    // drawing did not, so the chart is drawn by svg-to-pdfkit again.
    const soft = { lines: ['Re\u00adaligned first.'], svgs: [hyphenSvg] };
    expect(renderChartsIn([target, soft]).equals(renderChartsIn([soft])), 'after a soft hyphen').toBe(true);
  });
});
