/**
 * The document model: one small, closed tree between the templates and the renderers
 * (in the spirit of pandoc's AST). Renderers read only this; they never see YAML,
 * templates or chart specs.
 *
 * Numbering is derived from structure by the builder (see number.ts), never typed:
 *   heading level 1        -> number "3"      (rendered "3.")
 *   heading level 2        -> number "3.1"
 *   paragraph under an H1  -> number "3.2"    (shares the counter with H2s of that H1)
 *   paragraph under an H2  -> number "3.1.4"
 * Blocks before the first heading (Summary, Recommendation(s)) and blocks marked
 * unnumbered have no number. The depth of a number (count of its parts) is the
 * numbering level a renderer uses: 1 = H1, 2 = H2 or paragraph under H1, 3 = paragraph under H2.
 */

/** Where a node came from, so errors can point at the source. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export type Inline = Text | Strong | Emphasis | Link | LineBreak | PageRef;

export interface Text {
  type: 'text';
  value: string;
}
export interface Strong {
  type: 'strong';
  children: Inline[];
}
export interface Emphasis {
  type: 'emphasis';
  children: Inline[];
}
export interface Link {
  type: 'link';
  url: string;
  children: Inline[];
}
export interface LineBreak {
  type: 'break';
}

/**
 * The page on which a part of a pack starts or ends, e.g. in an agenda's "(Pages 11 - 24)".
 * `value` is the number as laid out by the PDF renderer; a DOCX writes a PAGEREF field
 * (to the bookmark `<part>-start` / `<part>-end`) with `value` as its shown result, so Word
 * keeps it right if the pagination differs.
 */
export interface PageRef {
  type: 'pageRef';
  part: string;
  edge: 'start' | 'end';
  value: string;
}

export type Block = Heading | Paragraph | List | Table | Figure | PageBreak;

export interface Heading {
  type: 'heading';
  level: 1 | 2 | 3;
  /** "3" or "3.1"; absent for unnumbered headings. */
  number?: string;
  children: Inline[];
  pos?: SourcePosition;
}

export interface Paragraph {
  type: 'paragraph';
  /** "3.1.4"; absent when unnumbered. */
  number?: string;
  children: Inline[];
  pos?: SourcePosition;
}

export interface List {
  type: 'list';
  /** bullet: "•"; letter: "a)", "b)"; decimal: "1.", "2.", "(i)" style is not offered. */
  style: 'bullet' | 'letter' | 'decimal';
  /** Indented to the text column of numbered paragraphs when it follows one. */
  indented: boolean;
  items: ListItem[];
  pos?: SourcePosition;
}

export interface ListItem {
  /** The marker as printed: "•", "a)", "1." — derived by the builder. */
  label: string;
  children: Inline[];
}

export interface TableCell {
  children: Inline[];
  align?: 'left' | 'right' | 'center';
}

export interface TableRow {
  cells: TableCell[];
}

export interface Table {
  type: 'table';
  /** Header rows: repeated on every page the table runs onto. Cells are column headers. */
  head: TableRow[];
  body: TableRow[];
  /** Relative column widths (sum is irrelevant); absent means equal. */
  widths?: number[];
  /** Caption shown above the table and used as its accessible summary. */
  caption?: string;
  /** Borderless layout table (e.g. contact details): no header row semantics when head is empty. */
  borderless?: boolean;
  /** Indented to the text column of numbered paragraphs. */
  indented?: boolean;
  pos?: SourcePosition;
}

/** A rendered chart. The chart stage fills svg/png before renderers run. */
export interface Figure {
  type: 'figure';
  /** Chart id, e.g. "referrals": used for file names and error messages. */
  id: string;
  /** Headline title stating the main message. */
  title: string;
  /** What was measured, where and when. */
  subtitle?: string;
  /** Source line, e.g. "Source: SPFT monthly performance reports". */
  source?: string;
  /** Alternative text; never empty (the builder refuses a figure without it). */
  alt: string;
  /** Vector image. */
  svg: string;
  /**
   * Raster fallback (PNG bytes), for DOCX. While the model is built it may still be being
   * drawn (off the JavaScript thread): then a promise of the bytes, which the DOCX writer
   * waits for and the PDF writer never needs.
   */
  png: Uint8Array | Promise<Uint8Array>;
  /** Natural size of the SVG, in CSS pixels (1/96 in). */
  width: number;
  height: number;
  /** Optional data table for readers who cannot see the chart. */
  table?: Table;
  /** Indented to the text column of numbered paragraphs. */
  indented?: boolean;
  pos?: SourcePosition;
}

export interface PageBreak {
  type: 'pageBreak';
}

/** The front block: label/value rows (From, To, Subject, Decision No, ...). */
export interface FrontRow {
  label: string;
  /** One or more lines of value. */
  value: Inline[][];
}

/** Settings of the house layout that the renderers need. All come from the layout's YAML. */
export interface HouseLayout {
  /** Font family name written into DOCX ("Arial"). The PDF embeds the metric-compatible Arimo. */
  font: string;
  /** Body text size in points. */
  fontSize: number;
  /** Heading sizes in points, by level. */
  headingSizes: [number, number, number];
  /** Page margins in millimetres. */
  marginsMm: { top: number; right: number; bottom: number; left: number };
  /** Footer text with {page} and {pages}, e.g. "Page {page} of {pages}". */
  footer: string;
  /** Width of the number column for numbered paragraphs, in millimetres. */
  numberColumnMm: number;
}

export interface DocumentMeta {
  /** Document title (shown in the window title of the PDF, core properties of the DOCX). */
  title: string;
  subject?: string;
  author: string;
  /** BCP 47 language tag, e.g. "en-GB". */
  lang: string;
  /** ISO date (YYYY-MM-DD) the paper is dated: used for every date inside the files. */
  date: string;
  keywords?: string[];
}

export interface Paper {
  type: 'paper';
  meta: DocumentMeta;
  layout: HouseLayout;
  /** Optional heading above the front block (e.g. a HOSC "Item 6: ..."). */
  heading?: Inline[];
  front: FrontRow[];
  blocks: Block[];
}

/**
 * A pack: several papers bound into one document (front sheet and agenda first), each
 * part starting on a new page, page numbers running on across parts.
 */
export interface Pack {
  type: 'pack';
  meta: DocumentMeta;
  parts: PackPart[];
}

export interface PackPart {
  /** Anchor name, unique in the pack (e.g. "item-6"): bookmarks `<id>-start` and `<id>-end`. */
  id: string;
  /** Bookmark (outline) title, e.g. "6. CAMHS contract performance". */
  title: string;
  paper: Paper;
}
