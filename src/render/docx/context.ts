/**
 * State of one render: page measures, the legal-numbering tracker, list instances, a
 * pending page break, and what the post-processing needs to know (table captions).
 * A new context per document, so nothing carries over between renders.
 */
import { Paragraph, type IParagraphOptions } from 'docx';
import type { HouseLayout } from '../../document/model.js';
import { LegalTracker } from './numbering.js';
import { pageMetrics, SPACE_AFTER_PARAGRAPH, type PageMetrics } from './units.js';

export class RenderContext {
  readonly metrics: PageMetrics;
  readonly legal = new LegalTracker();
  /** Caption of each table, in document order ('' for none): written as `w:tblCaption` afterwards. */
  readonly tableCaptions: string[] = [];
  private readonly listInstances = new Map<string, number>();
  private pageBreakPending = false;
  /** Whether the last thing written was a table (Word adds no space after a table). */
  private afterTable = false;

  constructor(readonly layout: HouseLayout) {
    this.metrics = pageMetrics(layout);
  }

  /** A new list instance of `reference`, so that each list counts from its start again. */
  nextListInstance(reference: string): number {
    const n = this.listInstances.get(reference) ?? 0;
    this.listInstances.set(reference, n + 1);
    return n;
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
