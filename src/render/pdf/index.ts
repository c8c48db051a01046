/**
 * The PDF writer: a Paper, or a Pack of papers (the document model, its only input), to a
 * print-ready, tagged PDF/UA-1 file. A4, Arimo embedded, numbered paragraphs with hanging
 * numbers, tables that repeat their header rows, charts as vectors, "Page X of Y" footers.
 *
 * A pack is one file: each part starts on a new page with its own paper's layout, page
 * numbers run on across parts, each part is a Sect of the structure tree, and the outline
 * (bookmarks) has an entry per part with its numbered headings under it.
 *
 * Deterministic: the same input gives the same bytes in any process, time zone or day
 * (every date comes from `meta.date`, and pdfkit derives the file ID from the info).
 */
import zlib from 'node:zlib';
import PDFDocument from 'pdfkit';
import type { Block, DocumentMeta, Heading, HouseLayout, Pack, Paper } from '../../document/model.js';
import { drawString, MM, RULE_COLOR, type Doc, type Geometry, type RenderContext } from './context.js';
import { layoutFigure } from './figure.js';
import { measurer, registerFonts, warmUpFonts, type Measure } from './fonts.js';
import { inlineText, LinkIds, paginate, type LaidBlock, type Slice } from './layout.js';
import { columnWidths, layoutTable, tableSpec, type CellSpec } from './table.js';
import { Tagger, type StructElem } from './tagging.js';
import { headingLabel, layoutHeading, layoutList, layoutParagraph, widestNumber } from './text.js';

export { AccessibilityError, accessibilityProblems, checkAccessible } from './checks.js';
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

/** Pages of the pack (1-based, inclusive) on which each part starts and ends, by part id. */
export type PackPages = Record<string, { start: number; end: number }>;

export interface PackPdf {
  bytes: Uint8Array;
  pages: PackPages;
}

/** Get ready to render (fonts parsed ahead), while the paper is still being built. */
export function warmUp(): void {
  warmUpFonts();
}

/** Renders the paper to PDF bytes. Throws (before drawing anything) when the paper is not accessible. */
export async function renderPdf(paper: Paper): Promise<Uint8Array> {
  checkAccessible(paper);
  const { bytes } = await renderDocument(paper.meta, [{ id: '', title: paper.meta.title, paper }], false);
  return bytes;
}

/**
 * Renders a pack to one PDF, and reports the pages each part takes (to fill in the
 * agenda's page references and render again). Throws (before drawing anything) when the
 * pack or any of its parts is not accessible, or when two parts share an id.
 */
export async function renderPackPdf(pack: Pack): Promise<PackPdf> {
  checkAccessible(pack);
  const seen = new Set<string>();
  for (const part of pack.parts) {
    if (typeof part.id !== 'string' || part.id === '') throw new Error(`PDF: part "${part.title}" of the pack has no id`);
    if (seen.has(part.id)) throw new Error(`PDF: two parts of the pack have the id "${part.id}": part ids must be unique`);
    seen.add(part.id);
  }
  const { bytes, ranges } = await renderDocument(pack.meta, pack.parts, true);
  const pages: PackPages = Object.fromEntries(pack.parts.map((part, i) => [part.id, ranges[i]!]));
  return { bytes, pages };
}

interface PartInput {
  id: string;
  title: string;
  paper: Paper;
}

/** pdfkit page options for a house layout. */
function pageOptions(layout: HouseLayout): { size: string; margins: { top: number; right: number; bottom: number; left: number } } {
  const m = layout.marginsMm;
  return { size: 'A4', margins: { top: m.top * MM, right: m.right * MM, bottom: m.bottom * MM, left: m.left * MM } };
}

/** The part of a pdfkit outline item the renderer touches (pdfkit 0.20's PDFOutline). */
interface OutlineItem {
  addItem(title: string): OutlineItem;
  children: OutlineItem[];
  outlineData: Record<string, unknown>;
}

/** What the renderer writes straight into the catalog (no pdfkit API for it). */
interface CatalogAccess {
  _root: { data: Record<string, unknown> };
  ref(data: Record<string, unknown>): { end(): void };
  outline: OutlineItem;
}

/**
 * Adds an outline item under `parent` pointing at the current page, `top` points from the
 * page's top edge. (pdfkit targets the current page only, so items are added while the
 * page they point at is being drawn; its own destination puts the view's left edge at
 * the page's right edge, so the destination is replaced: /XYZ null top null keeps the
 * reader's zoom and horizontal position.)
 */
function addOutlineItem(doc: Doc, parent: OutlineItem, title: string, top: number): OutlineItem {
  const item = parent.addItem(title.replace(/\s+/g, ' ').trim());
  const page = doc.page as unknown as { dictionary: unknown; height: number };
  item.outlineData.Dest = [page.dictionary, 'XYZ', null, Math.round((page.height - Math.max(0, top)) * 100) / 100, null];
  return item;
}

async function renderDocument(meta: DocumentMeta, parts: readonly PartInput[], asPack: boolean): Promise<{ bytes: Uint8Array; ranges: { start: number; end: number }[] }> {
  const date = paperDate(meta.date);
  if (parts.length === 0) throw new Error('PDF: nothing to render');
  const info: Record<string, string | Date> = {
    Title: meta.title.trim(),
    Author: meta.author,
    ...(meta.subject ? { Subject: meta.subject } : {}),
    ...(meta.keywords && meta.keywords.length > 0 ? { Keywords: meta.keywords.join(', ') } : {}),
    Creator: 'committee-papers',
    Producer: 'committee-papers (PDFKit)',
    CreationDate: date,
    ModDate: date,
  };
  const lang = meta.lang.trim();
  const options = {
    ...pageOptions(parts[0]!.paper.layout),
    pdfVersion: '1.7',
    tagged: true,
    lang,
    displayTitle: true,
    subset: 'PDF/UA',
    bufferPages: true,
    // No default font: pdfkit would load Helvetica. registerFonts selects Arimo.
    font: null,
    info,
  };
  const doc = new PDFDocument(options as unknown as PDFKit.PDFDocumentOptions);
  escapeXmpInfo(doc);
  batchPageContent(doc);
  writeStringsNatively(doc);

  const chunks: Uint8Array[] = [];
  doc.on('data', (chunk: Uint8Array) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', (err: unknown) => reject(err));
  });

  registerFonts(doc);
  const tagger = new Tagger(doc);
  const measure = measurer(doc);
  const ids = new LinkIds();
  const catalog = doc as unknown as CatalogAccess;
  /** The context of the part each page belongs to (its footer is drawn with it). */
  const pageContexts: RenderContext[] = [];
  const ranges: { start: number; end: number }[] = [];
  const partItems: OutlineItem[] = [];

  parts.forEach((part, index) => {
    const paper = part.paper;
    const newPage = (): void => {
      tagger.pageBreak();
      doc.addPage(pageOptions(paper.layout) as PDFKit.PDFDocumentOptions);
    };
    if (index > 0) newPage();
    const ctx = paperContext(doc, tagger, measure, ids, paper);
    const start = doc.bufferedPageRange().count;

    let parent = tagger.root;
    let onSection: ((heading: Heading, y: number) => void) | undefined;
    if (asPack) {
      tagger.startPart();
      const partLang = paper.meta.lang.trim();
      parent = tagger.element(tagger.root, 'Sect', { title: part.title.trim(), ...(partLang !== lang ? { lang: partLang } : {}) } as object);
      const item = addOutlineItem(doc, catalog.outline, part.title, 0);
      partItems.push(item);
      onSection = (heading, y) => addOutlineItem(doc, item, `${headingLabel(heading.number!)} ${inlineText(heading.children)}`, y);
    }

    paginate(layoutPaper(ctx, paper, parent, onSection), { top: ctx.geo.top, bottom: ctx.geo.bottom, newPage });
    if (asPack) parent.end();
    const end = doc.bufferedPageRange().count;
    for (let p = start; p <= end; p++) pageContexts[p - 1] = ctx;
    ranges.push({ start, end });
  });
  drawFooters(doc, pageContexts);

  if (asPack) {
    const root = catalog._root.data;
    // Closed entries: a negative count of the headings under each part.
    for (const item of partItems) if (item.children.length > 0) item.outlineData.Count = -item.children.length;
    root.PageMode = 'UseOutlines';
    // Decimal page labels from 1, so a reader's page box shows the printed page numbers.
    const labels = catalog.ref({ Nums: [0, { S: 'D' }] });
    labels.end();
    root.PageLabels = labels;
  }

  doc.end();
  await ended;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return { bytes: out, ranges };
}

/** The layout context of one paper: its house layout and page geometry. */
function paperContext(doc: Doc, tagger: Tagger, measure: Measure, ids: LinkIds, paper: Paper): RenderContext {
  const m = paper.layout.marginsMm;
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
  const partial: RenderContext = { doc, tagger, measure, ids, layout: paper.layout, geo: { ...base, numberColumn: 0 } };
  // A number wider than the house column widens the column (never overlaps the text).
  const numberColumn = Math.max(paper.layout.numberColumnMm * MM, widestNumber(partial, paper.blocks) + 8);
  const geo: Geometry = { ...base, numberColumn };
  return { ...partial, geo };
}

/**
 * All blocks of the paper laid out in reading order, as children of `root`. `onSection` is
 * called when a numbered level-one heading is drawn, with its top on the current page.
 */
function layoutPaper(ctx: RenderContext, paper: Paper, root: StructElem, onSection?: (heading: Heading, y: number) => void): LaidBlock[] {
  const { geo } = ctx;
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
    push(layoutFront(ctx, paper, gap('front'), root));
    push(rule(ctx, gap('rule')));
  }

  const firstHeading = paper.blocks.findIndex((b) => b.type === 'heading');
  paper.blocks.forEach((block, i) => {
    // A rule between the opening blocks (Summary, Recommendations) and the numbered body.
    // (Not at the top of a page after a page break; kept with the heading that follows.)
    if (i === firstHeading && i > 0 && !breakPending) push(rule(ctx, gap('rule'), true));
    const indentX = geo.left + geo.numberColumn;
    switch (block.type) {
      case 'heading': {
        const laid = layoutHeading(ctx, block, gap('heading'), root);
        const first = laid.slices[0];
        if (onSection && block.level === 1 && block.number && first) {
          const draw = first.draw;
          first.draw = (y: number) => {
            onSection(block, y);
            draw(y);
          };
        }
        push(laid);
        break;
      }
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
function layoutFront(ctx: RenderContext, paper: Paper, spaceBefore: number, parent: StructElem): LaidBlock {
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
    parent,
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

/**
 * The footer ("Page X of Y") on every page, centred in the bottom margin: a Pagination
 * artifact. Each page uses the footer text, size and margins of the paper it belongs to;
 * X and Y count the pages of the whole file.
 */
function drawFooters(doc: Doc, pageContexts: readonly RenderContext[]): void {
  const range = doc.bufferedPageRange();
  const pages = range.count;
  for (let i = 0; i < pages; i++) {
    const ctx = pageContexts[i]!;
    const { geo, tagger, measure, layout } = ctx;
    const size = Math.max(8, layout.fontSize - 2);
    doc.switchToPage(range.start + i);
    const text = layout.footer.replaceAll('{page}', String(i + 1)).replaceAll('{pages}', String(pages));
    const width = measure('regular', size, text);
    const baseline = geo.bottom + (geo.pageHeight - geo.bottom) / 2 + size * 0.35;
    tagger.artifact('Pagination', () => drawString(ctx, text, 'regular', size, (geo.pageWidth - width) / 2, baseline));
  }
}

/** The part of a pdfkit stream object (PDFReference) that page content goes through. */
interface StreamRef {
  write(chunk: string | Uint8Array): void;
  finalize(): void;
  /** Set by pdfkit: whether finalize() deflates the chunks written. */
  compress?: boolean;
  /** The chunks written, until finalize() joins (and deflates) them. */
  buffer?: Uint8Array[];
  data?: { Filter?: string };
}

/** Operators gathered before they are written to a page's content stream as one chunk. */
const CONTENT_CHUNK = 16 * 1024;

/**
 * Pages' content streams, deflated, by their operators: a rebuild after a figure changed
 * redraws every page, but most come out the same and need not be compressed again.
 */
const deflatedPages = new Map<string, Uint8Array>();
const MAX_DEFLATED_PAGES = 256;

/** `operators` deflated as pdfkit deflates a stream (zlib's defaults), from deflatedPages when known. */
function deflatedPage(operators: string): Uint8Array {
  let bytes = deflatedPages.get(operators);
  if (bytes) deflatedPages.delete(operators); // set again below: most recently used last
  else {
    bytes = zlib.deflateSync(Buffer.from(operators, 'latin1'));
    if (deflatedPages.size >= MAX_DEFLATED_PAGES) deflatedPages.delete(deflatedPages.keys().next().value as string);
  }
  deflatedPages.set(operators, bytes);
  return bytes;
}

/**
 * pdfkit turns every content operator it writes into a Uint8Array of its own (the
 * operator's bytes and a newline), kept until the page's stream is compressed at the end
 * of the document: thousands of small objects per page that outlive every young-generation
 * collection, a good part of the renderer's garbage-collection time. Each page's content
 * stream here gathers the operators as strings and hands them on in chunks, with the same
 * bytes (Buffer's latin1 keeps the low byte of each code unit, as pdfkit's conversion does).
 */
function batchPageContent(doc: Doc): void {
  const batch = (ref: StreamRef): void => {
    const write = ref.write;
    const finalize = ref.finalize;
    let pending: string[] = [];
    let length = 0;
    /**
     * The page's operators as text, held here until finalize() (where the page is deflated
     * as a whole, or taken from deflatedPages), from what pdfkit wrote before this batching
     * began (a new page's first transform; `seeded` of them, already in pdfkit's buffer).
     * Null once anything else is written: from then on, text goes to pdfkit as it comes.
     */
    let operators: string[] | null = Array.isArray(ref.buffer) ? ref.buffer.map((chunk) => Buffer.from(chunk).toString('latin1')) : null;
    const seeded = operators?.length ?? 0;
    const flush = (): void => {
      if (pending.length === 0) return;
      const text = pending.join('\n') + '\n';
      pending = [];
      length = 0;
      if (operators) operators.push(text);
      else write.call(ref, Buffer.from(text, 'latin1'));
    };
    /** Hands the held operators to pdfkit, and stops holding them. */
    const release = (): void => {
      for (const text of operators?.slice(seeded) ?? []) write.call(ref, Buffer.from(text, 'latin1'));
      operators = null;
    };
    ref.write = (chunk) => {
      if (typeof chunk !== 'string') {
        flush();
        release();
        write.call(ref, chunk);
        return;
      }
      pending.push(chunk);
      length += chunk.length + 1;
      if (length >= CONTENT_CHUNK) flush();
    };
    ref.finalize = () => {
      flush();
      const text = operators?.join('') ?? '';
      if (text !== '' && ref.compress === true && ref.data) {
        // The same bytes pdfkit's finalize() would write, deflated here (or known already).
        ref.buffer = [deflatedPage(text)];
        ref.data.Filter = 'FlateDecode';
        ref.compress = false;
      } else release();
      finalize.call(ref);
    };
  };
  const pages = doc as unknown as { page?: { content?: StreamRef }; on(event: 'pageAdded', listener: () => void): void };
  const current = (): void => {
    const content = pages.page?.content;
    if (!content || typeof content.write !== 'function' || typeof content.finalize !== 'function') {
      throw new Error('PDF: this pdfkit has no page.content.write() / finalize(); check the pdfkit version (0.20 expected)');
    }
    batch(content);
  };
  current(); // the first page, added by the constructor
  pages.on('pageAdded', current);
}

/**
 * pdfkit's _write turns each string it writes (each object's number, dictionary, `endobj`)
 * into bytes with a loop in JavaScript, which the stream then wraps in a Buffer. Buffer's
 * latin1 gives the same bytes (the low byte of each code unit) in one call, as a Buffer.
 */
function writeStringsNatively(doc: Doc): void {
  const target = doc as unknown as { _write?: unknown; _offset?: unknown; push(chunk: Uint8Array): boolean };
  if (typeof target._write !== 'function' || typeof target._offset !== 'number') {
    throw new Error('PDF: this pdfkit has no _write() / _offset; check the pdfkit version (0.20 expected)');
  }
  target._write = function (this: { _offset: number; push(chunk: Uint8Array): boolean }, data: string | Uint8Array): void {
    const bytes = data instanceof Uint8Array ? data : Buffer.from(`${data}\n`, 'latin1');
    this.push(bytes);
    this._offset += bytes.length;
  };
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
