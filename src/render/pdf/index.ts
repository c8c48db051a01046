/**
 * The PDF writer: a Paper (the document model, its only input) to a print-ready, tagged
 * PDF/UA-1 committee paper. A4, Arimo embedded, numbered paragraphs with hanging numbers,
 * tables that repeat their header rows, charts as vectors, "Page X of Y" footers.
 *
 * Deterministic: the same Paper gives the same bytes in any process, time zone or day
 * (every date comes from `meta.date`, and pdfkit derives the file ID from the info).
 */
import PDFDocument from 'pdfkit';
import type { Block, Heading, Paper } from '../../document/model.js';
import { drawString, MM, RULE_COLOR, type Doc, type Geometry, type RenderContext } from './context.js';
import { layoutFigure } from './figure.js';
import { DEFAULT_FONT_FILE, measurer, registerFonts } from './fonts.js';
import { LinkIds, paginate, type LaidBlock, type Slice } from './layout.js';
import { columnWidths, layoutTable, tableSpec, type CellSpec } from './table.js';
import { Tagger } from './tagging.js';
import { layoutHeading, layoutList, layoutParagraph, widestNumber } from './text.js';

export { accessibilityProblems, checkAccessible } from './checks.js';
import { checkAccessible, paperDate } from './checks.js';

/** Vertical space (points) around blocks; the gap between two blocks is the larger of the two. */
const SPACING: Record<Block['type'] | 'front' | 'rule', { before: number; after: number }> = {
  heading: { before: 16, after: 6 },
  paragraph: { before: 0, after: 8 },
  list: { before: 2, after: 8 },
  table: { before: 10, after: 10 },
  figure: { before: 12, after: 12 },
  pageBreak: { before: 0, after: 0 },
  front: { before: 0, after: 4 },
  rule: { before: 8, after: 14 },
};

/** Renders the paper to PDF bytes. Throws (before drawing anything) when the paper is not accessible. */
export async function renderPdf(paper: Paper): Promise<Uint8Array> {
  checkAccessible(paper);
  const date = paperDate(paper.meta.date);
  const m = paper.layout.marginsMm;
  const info: Record<string, string | Date> = {
    Title: paper.meta.title.trim(),
    Author: paper.meta.author,
    ...(paper.meta.subject ? { Subject: paper.meta.subject } : {}),
    ...(paper.meta.keywords && paper.meta.keywords.length > 0 ? { Keywords: paper.meta.keywords.join(', ') } : {}),
    Creator: 'committee-papers',
    Producer: 'committee-papers (PDFKit)',
    CreationDate: date,
    ModDate: date,
  };
  const options = {
    size: 'A4',
    margins: { top: m.top * MM, right: m.right * MM, bottom: m.bottom * MM, left: m.left * MM },
    pdfVersion: '1.7',
    tagged: true,
    lang: paper.meta.lang.trim(),
    displayTitle: true,
    subset: 'PDF/UA',
    bufferPages: true,
    font: DEFAULT_FONT_FILE,
    info,
  };
  const doc = new PDFDocument(options as unknown as PDFKit.PDFDocumentOptions);
  escapeXmpInfo(doc);

  const chunks: Uint8Array[] = [];
  doc.on('data', (chunk: Uint8Array) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', (err: unknown) => reject(err));
  });

  registerFonts(doc);
  const tagger = new Tagger(doc);
  const measure = measurer(doc);
  const pageWidth = doc.page.width;
  const pageHeight = doc.page.height;
  const base = {
    pageWidth,
    pageHeight,
    left: m.left * MM,
    right: pageWidth - m.right * MM,
    top: m.top * MM,
    bottom: pageHeight - m.bottom * MM,
  };
  const partial: RenderContext = { doc, tagger, measure, ids: new LinkIds(), layout: paper.layout, geo: { ...base, numberColumn: 0 } };
  // A number wider than the house column widens the column (never overlaps the text).
  const numberColumn = Math.max(paper.layout.numberColumnMm * MM, widestNumber(partial, paper.blocks) + 8);
  const geo: Geometry = { ...base, numberColumn };
  const ctx: RenderContext = { ...partial, geo };

  paginate(layoutPaper(ctx, paper), {
    top: geo.top,
    bottom: geo.bottom,
    newPage: () => {
      tagger.pageBreak();
      doc.addPage();
    },
  });
  drawFooters(ctx, paper.layout.footer);

  doc.end();
  await ended;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** All blocks of the paper laid out in reading order. */
function layoutPaper(ctx: RenderContext, paper: Paper): LaidBlock[] {
  const { tagger, geo } = ctx;
  const root = tagger.root;
  const out: LaidBlock[] = [];
  let prevAfter = 0;
  let breakPending = false;
  const gap = (kind: keyof typeof SPACING): number => {
    const g = out.length === 0 ? 0 : Math.max(prevAfter, SPACING[kind].before);
    prevAfter = SPACING[kind].after;
    return g;
  };
  const push = (block: LaidBlock): void => {
    if (breakPending && block.slices.length > 0) {
      block.slices[0]!.pageBreakBefore = true;
      breakPending = false;
    }
    out.push(block);
  };

  if (paper.heading && paper.heading.length > 0) {
    const heading: Heading = { type: 'heading', level: 1, children: paper.heading };
    push(layoutHeading(ctx, heading, gap('heading'), root));
    prevAfter = 10;
  }
  if (paper.front.length > 0) {
    push(layoutFront(ctx, paper, gap('front')));
    push(rule(ctx, gap('rule')));
  }

  const firstHeading = paper.blocks.findIndex((b) => b.type === 'heading');
  paper.blocks.forEach((block, i) => {
    // A rule between the opening blocks (Summary, Recommendations) and the numbered body.
    // (Not at the top of a page after a page break; kept with the heading that follows.)
    if (i === firstHeading && i > 0 && !breakPending) push(rule(ctx, gap('rule'), true));
    const indentX = geo.left + geo.numberColumn;
    switch (block.type) {
      case 'heading':
        push(layoutHeading(ctx, block, gap('heading'), root));
        break;
      case 'paragraph':
        push(layoutParagraph(ctx, block, gap('paragraph'), root));
        break;
      case 'list':
        push(layoutList(ctx, block, gap('list'), root));
        break;
      case 'table': {
        const x = block.indented ? indentX : geo.left;
        push(layoutTable(ctx, tableSpec(ctx, block, x, geo.right - x, gap('table')), root));
        break;
      }
      case 'figure': {
        const x = block.indented ? indentX : geo.left;
        push(layoutFigure(ctx, block, x, geo.right - x, gap('figure'), root));
        if (block.table) push(layoutTable(ctx, tableSpec(ctx, block.table, x, geo.right - x, gap('table')), root));
        break;
      }
      case 'pageBreak':
        breakPending = true;
        prevAfter = 0;
        break;
    }
  });
  return out;
}

/** The front block (From / To / Subject ...): a borderless table, labels as row headers. */
function layoutFront(ctx: RenderContext, paper: Paper, spaceBefore: number): LaidBlock {
  const { geo, measure, layout } = ctx;
  const size = layout.fontSize;
  const width = geo.right - geo.left;
  const widest = Math.max(0, ...paper.front.map((r) => measure('bold', size, r.label)));
  const labelWidth = Math.min(width * 0.4, Math.ceil(widest + 16));
  const body: CellSpec[][] = paper.front.map((row) => [
    { paras: [[{ type: 'text', value: row.label }]], bold: true, header: 'Row' },
    { paras: row.value.length > 0 ? row.value : [[]] },
  ]);
  return layoutTable(
    ctx,
    {
      head: [],
      body,
      columns: columnWidths(2, width, [labelWidth, width - labelWidth]),
      x: geo.left,
      size,
      borderless: true,
      padX: 0,
      padY: 3,
      spaceBefore,
    },
    ctx.tagger.root,
  );
}

/** A full-width horizontal rule: an artifact. */
function rule(ctx: RenderContext, spaceBefore: number, keepWithNext = false): LaidBlock {
  const { doc, geo, tagger } = ctx;
  const slice: Slice = {
    height: 1,
    spaceBefore,
    keepWithNext,
    draw: (y) => {
      tagger.artifact('Layout', () => {
        doc.save().lineWidth(0.75).strokeColor(RULE_COLOR).moveTo(geo.left, y + 0.5).lineTo(geo.right, y + 0.5).stroke().restore();
      });
    },
  };
  return { slices: [slice] };
}

/** "Page X of Y" on every page, centred in the bottom margin: a Pagination artifact. */
function drawFooters(ctx: RenderContext, footer: string): void {
  const { doc, geo, tagger, measure, layout } = ctx;
  const size = Math.max(8, layout.fontSize - 2);
  const range = doc.bufferedPageRange();
  const pages = range.count;
  for (let i = 0; i < pages; i++) {
    doc.switchToPage(range.start + i);
    const text = footer.replaceAll('{page}', String(i + 1)).replaceAll('{pages}', String(pages));
    const width = measure('regular', size, text);
    const baseline = geo.bottom + (geo.pageHeight - geo.bottom) / 2 + size * 0.35;
    tagger.artifact('Pagination', () => drawString(ctx, text, 'regular', size, (geo.pageWidth - width) / 2, baseline));
  }
}

/**
 * pdfkit copies Title, Author, Subject and Keywords into the XMP packet without escaping
 * them, so a title such as "Health & Wellbeing" would make the XMP invalid XML. The info
 * dictionary is written before the metadata, so the values are escaped only while pdfkit
 * builds the XMP.
 */
function escapeXmpInfo(doc: Doc): void {
  const target = doc as unknown as { endMetadata(): void; info: Record<string, unknown> };
  const original = target.endMetadata;
  if (typeof original !== 'function') throw new Error('PDF: this pdfkit has no endMetadata(); check the pdfkit version (0.20 expected)');
  target.endMetadata = function (this: typeof target) {
    const info = this.info;
    const escaped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(info)) escaped[key] = typeof value === 'string' ? escapeXml(value) : value;
    this.info = escaped;
    try {
      original.call(this);
    } finally {
      this.info = info;
    }
  };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
