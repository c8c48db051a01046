/**
 * The structure tree of the tagged PDF (PDF/UA-1), over pdfkit's marking API.
 *
 * Every drawing call of the renderer goes through `content` (marked content owned by a
 * structure element) or `artifact` (page furniture: footer, rules, borders, fills,
 * repeated table headers). Marked content never stays open across a page break: each
 * slice opens and closes its own sequences.
 *
 * pdfkit writes a structure element as soon as it is ended and attached, so elements are
 * created in reading order and ended when their block is done.
 */
import type PDFDocument from 'pdfkit';

type Doc = typeof PDFDocument;
export type StructElem = PDFKit.PDFStructureElement;

export interface ElementOptions {
  alt?: string;
  lang?: string;
  /** Table header scope (written as the /A << /O /Table /Scope ... >> attribute). */
  scope?: 'Row' | 'Column' | 'Both';
  /** Bounding box, in pdfkit's top-down coordinates [x1, y1, x2, y2] (Figure). */
  bbox?: [number, number, number, number];
  placement?: 'Block' | 'Inline';
}

type StructFn = (type: string, options?: Record<string, unknown>) => StructElem;

export class Tagger {
  readonly root: StructElem;
  /** The last heading level written, to keep levels from skipping (H1 then H3). */
  private headingLevel = 0;
  /** Link scopes with an open Link element, closed at every page break. */
  readonly openLinks = new Set<LinkScope>();

  constructor(private readonly doc: Doc) {
    this.root = this.create('Document');
    doc.addStructure(this.root);
  }

  private create(type: string, options: ElementOptions = {}): StructElem {
    return (this.doc.struct as unknown as StructFn)(type, { ...options });
  }

  /** Creates a structure element and appends it to `parent` (in reading order). */
  element(parent: StructElem, type: string, options: ElementOptions = {}): StructElem {
    const elem = this.create(type, options);
    parent.add(elem);
    return elem;
  }

  /** Draws `draw` as marked content of `elem` (tag = the element's type). */
  content(elem: StructElem, tag: string, draw: () => void): void {
    const mc = this.doc.markStructureContent(tag);
    draw();
    this.doc.endMarkedContent();
    elem.add(mc);
  }

  /** Draws page furniture outside the structure tree. */
  artifact(type: 'Pagination' | 'Layout', draw: () => void): void {
    this.doc.markContent('Artifact', { type });
    draw();
    this.doc.endMarkedContent();
  }

  /** Adds a link annotation as an OBJR child of the Link element `elem`. */
  linkAnnotation(elem: StructElem, x: number, y: number, w: number, h: number, url: string, description: string): void {
    const options = { structParent: elem, Contents: new String(description) };
    (this.doc.link as unknown as (x: number, y: number, w: number, h: number, url: string, o: object) => void)(x, y, w, h, url, options);
  }

  /**
   * Heading tag for a model level: levels never skip (an H3 straight after an H1 is
   * tagged H2), the first heading of the document is an H1 at the deepest.
   */
  headingTag(level: 1 | 2 | 3): string {
    const tagLevel = Math.min(level, this.headingLevel + 1);
    this.headingLevel = tagLevel;
    return `H${tagLevel}`;
  }

  /** Heading levels start again at H1 in each part of a pack (each part is its own Sect). */
  startPart(): void {
    this.headingLevel = 0;
  }

  /**
   * Call before starting a new page: ends the open Link elements, because pdfkit records
   * the page of a link annotation (the OBJR's /Pg) when the element is written.
   */
  pageBreak(): void {
    for (const scope of [...this.openLinks]) scope.close();
  }
}

/**
 * Link elements of one paragraph-like block. A link's fragments on one page share one Link
 * element (its text and its annotations); a link that runs onto the next page gets a second
 * Link element there, because pdfkit records an annotation's page when the element is
 * written (so the element is ended before the page changes).
 */
export class LinkScope {
  private open: { id: number; page: unknown; elem: StructElem } | null = null;

  constructor(
    private readonly tagger: Tagger,
    private readonly parent: StructElem,
  ) {}

  /** The Link element for the link `id` on `page`, created (in reading order) when needed. */
  element(id: number, page: unknown): StructElem {
    if (this.open && this.open.id === id && this.open.page === page) return this.open.elem;
    this.close();
    const elem = this.tagger.element(this.parent, 'Link');
    this.open = { id, page, elem };
    this.tagger.openLinks.add(this);
    return elem;
  }

  /** Ends the open Link element (before any non-link content, at a page break, at the end of the block). */
  close(): void {
    if (this.open) {
      this.open.elem.end();
      this.open = null;
    }
    this.tagger.openLinks.delete(this);
  }
}
