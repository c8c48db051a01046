/**
 * State of one render: page measures, the legal-numbering tracker, list instances, a
 * pending page break, and what the post-processing needs to know (table captions).
 * A new context per document (per part of a pack), so nothing carries over between renders.
 */
import { Paragraph, TextRun, type IParagraphOptions } from 'docx';
import type { HouseLayout, PageRef } from '../../document/model.js';
import { pageRefRuns } from './fields.js';
import type { RunFormat } from './inlines.js';
import { LegalTracker } from './numbering.js';
import { ChartImages } from './chart-images.js';
import { pageMetrics, ptToHalfPt, SPACE_AFTER_PARAGRAPH, type PageMetrics } from './units.js';

export interface RenderContextOptions {
  /**
   * Prefix of the numbering references of this context's lists, so that each part of a pack
   * has lists of its own (which Word numbers from 1 again). '' for a single paper.
   */
  numberingPrefix?: string;
  /** Table captions of the whole document, in order; a pack's parts share one array. */
  tableCaptions?: string[];
  /**
   * Bookmark names of the pack's parts, by part id and edge. Without it (a single paper)
   * a page reference is written as its value: there is no part to point at.
   */
  bookmarks?: ReadonlyMap<string, { start: string; end: string }>;
  /**
   * The layout the document's styles come from (a pack's first part). Where this context's
   * layout differs in heading sizes, headings get their size as direct formatting.
   */
  styleLayout?: HouseLayout;
  /** The charts' PNGs of the whole document; a pack's parts share one. */
  images?: ChartImages;
}

export class RenderContext {
  readonly metrics: PageMetrics;
  readonly legal = new LegalTracker();
  /** Caption of each table, in document order ('' for none): written as `w:tblCaption` afterwards. */
  readonly tableCaptions: string[];
  readonly numberingPrefix: string;
  readonly styleLayout: HouseLayout;
  readonly images: ChartImages;
  private readonly bookmarks: ReadonlyMap<string, { start: string; end: string }> | undefined;
  private readonly listInstances = new Map<string, number>();
  private pageBreakPending = false;
  /** Whether the last thing written was a table (Word adds no space after a table). */
  private afterTable = false;

  constructor(
    readonly layout: HouseLayout,
    options: RenderContextOptions = {},
  ) {
    this.metrics = pageMetrics(layout);
    this.tableCaptions = options.tableCaptions ?? [];
    this.numberingPrefix = options.numberingPrefix ?? '';
    this.bookmarks = options.bookmarks;
    this.styleLayout = options.styleLayout ?? layout;
    this.images = options.images ?? new ChartImages();
  }

  /** A new list instance of `reference`, so that each list counts from its start again. */
  nextListInstance(reference: string): number {
    const n = this.listInstances.get(reference) ?? 0;
    this.listInstances.set(reference, n + 1);
    return n;
  }

  /** The runs of a page reference: a PAGEREF field in a pack, else the value as text. */
  pageRef(ref: PageRef, format: RunFormat): TextRun[] {
    if (!this.bookmarks) return ref.value === '' ? [] : [new TextRun({ text: ref.value, ...format })];
    const names = this.bookmarks.get(ref.part);
    if (!names) {
      throw new Error(`DOCX: a page reference points at part "${ref.part}", which the pack does not have (parts: ${[...this.bookmarks.keys()].join(', ')})`);
    }
    return pageRefRuns(names[ref.edge], ref.value, format);
  }

  /**
   * Heading run size (half-points) as direct formatting, when this layout's heading size
   * differs from the one in the document's styles; else undefined.
   */
  headingSize(level: 1 | 2 | 3): number | undefined {
    const own = this.layout.headingSizes[level - 1];
    return own === this.styleLayout.headingSizes[level - 1] ? undefined : ptToHalfPt(own);
  }

  /** Marks that the next block starts on a new page. */
  breakPage(): void {
    this.pageBreakPending = true;
  }

  /** Whether a page break waits for the next block; clears it. */
  takePageBreak(): boolean {
    const pending = this.pageBreakPending;
    this.pageBreakPending = false;
    return pending;
  }

  /** Records that a table was just written. */
  tableWritten(): void {
    this.afterTable = true;
  }

  /** Whether a table was the last thing written (a table right after it needs a paragraph between). */
  get followsTable(): boolean {
    return this.afterTable;
  }

  /**
   * A body paragraph (not in a table cell): takes a pending page break as `pageBreakBefore`,
   * and after a table, space before it.
   */
  paragraph(options: IParagraphOptions): Paragraph {
    let o = options;
    if (this.takePageBreak()) o = { ...o, pageBreakBefore: true };
    if (this.afterTable && !o.heading && !o.style) {
      // Styled paragraphs (headings, captions) have space before of their own.
      const before = Math.max(o.spacing?.before ?? 0, SPACE_AFTER_PARAGRAPH);
      o = { ...o, spacing: { ...o.spacing, before } };
    }
    this.afterTable = false;
    return new Paragraph(o);
  }
}
