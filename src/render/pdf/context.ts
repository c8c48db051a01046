/**
 * What every layout module of the PDF renderer shares: the document, the tagger, font
 * metrics and the page geometry (all in points, pdfkit's top-down coordinates).
 */
import type PDFDocument from 'pdfkit';
import type { HouseLayout } from '../../document/model.js';
import { FONT_NAME, type FontStyle, type Measure } from './fonts.js';
import { baselineOffset, type LinkIds, type Line } from './layout.js';
import { pdfNumber, textOperand } from './layout-cache.js';
import { LinkScope, type StructElem, type Tagger } from './tagging.js';

export type Doc = typeof PDFDocument;

export const MM = 72 / 25.4;

export const TEXT_COLOR = '#000000';
/** Link blue (GOV.UK's), 5:1 contrast on white. */
export const LINK_COLOR = '#1D70B8';
export const RULE_COLOR = '#000000';
export const BORDER_COLOR = '#595959';
export const HEAD_FILL = '#E7E6E6';
export const MUTED_COLOR = '#3B3B3B';

export interface Geometry {
  pageWidth: number;
  pageHeight: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** Width of the paragraph number column (the text column starts at left + numberColumn). */
  numberColumn: number;
}

export interface RenderContext {
  doc: Doc;
  tagger: Tagger;
  measure: Measure;
  ids: LinkIds;
  layout: HouseLayout;
  geo: Geometry;
}

/** pdfkit's own drawing of one line of text, below text() (private, so checked before use). */
type Fragment = (this: Doc, text: string, x: number, y: number, options: object) => void;

/**
 * What text(s, x, y, { lineBreak: false }) passes to pdfkit's _fragment. textWidth and
 * wordCount are given because _fragment only uses the width for links, underlines and
 * alignment, none of which we ask of it; text() would measure the string twice for them.
 */
const FRAGMENT_OPTIONS = Object.freeze({ lineBreak: false, baseline: 'alphabetic', columns: 0, columnGap: 18, rotation: 0, textWidth: 0, wordCount: 0 });

/** Draws one string with its baseline at `baseline`. */
export function drawString(ctx: RenderContext, text: string, style: FontStyle, size: number, x: number, baseline: number, color = TEXT_COLOR): void {
  if (text === '') return;
  ctx.doc.font(FONT_NAME[style]).fontSize(size);
  drawText(ctx.doc, text, x, baseline, color);
}

/** The operators pdfkit's fillColor writes, by colour ('#RRGGBB' only). */
const fillColors = new Map<string, readonly string[]>();
const NO_FILL: readonly string[] = Object.freeze([]);

/** What fillColor(color) writes for a '#RRGGBB' colour (RGB as fractions of 255); null for any other colour. */
function fillOperators(color: string): readonly string[] | null {
  let ops = fillColors.get(color);
  if (ops === undefined) {
    if (!/^#[0-9A-Fa-f]{6}$/.test(color)) return null;
    const hex = parseInt(color.slice(1), 16);
    ops = Object.freeze(['/DeviceRGB cs', `${[hex >> 16, (hex >> 8) & 0xff, hex & 0xff].map((part) => part / 255).join(' ')} scn`]);
    fillColors.set(color, ops);
  }
  return ops;
}

/** The parts of pdfkit's document _fragment uses, as far as drawText writes them itself. */
interface FragmentState {
  _font?: { id?: unknown; ref?(): unknown };
  _fontSize?: unknown;
  page?: { height?: unknown; fonts?: Record<string, unknown> };
  addContent(data: string): unknown;
}

/**
 * Draws one string in the document's current font and size, its baseline at `baseline`: in
 * `color` (as fillColor(color) would set it first), or in the current colour.
 */
export function drawText(doc: Doc, text: string, x: number, baseline: number, color?: string): void {
  const fragment = (doc as unknown as { _fragment?: Fragment })._fragment;
  if (typeof fragment === 'function' && !text.includes('\n')) {
    // The same operators as text() writes, without its option handling and measuring.
    doc.x = x;
    doc.y = baseline;
    const fill = color === undefined ? NO_FILL : fillOperators(color);
    if (fill !== null && writeFragment(doc as unknown as FragmentState, text, x, baseline, fill)) {
      // As fillColor(color) leaves the document.
      if (color !== undefined) (doc as unknown as { _fillColor: unknown })._fillColor = [color, undefined];
      return;
    }
    if (color !== undefined) doc.fillColor(color);
    fragment.call(doc, text, x, baseline, FRAGMENT_OPTIONS);
  } else {
    if (color !== undefined) doc.fillColor(color);
    doc.text(text, x, baseline, { lineBreak: false, baseline: 'alphabetic' } as PDFKit.Mixins.TextOptions);
  }
}

/**
 * Writes what pdfkit's _fragment writes for `text` with FRAGMENT_OPTIONS (baseline at y, no
 * spacing, scaling, link or decoration): `q`, the flip back to PDF's upward y (`cm`), the
 * text object, `Q`; byte for byte, with the TJ operand made from each word's part, kept per
 * document (layout-cache.ts), instead of glyph by glyph per string drawn. False (nothing
 * written) where the text needs pdfkit's own writing: a glyph offset, or an unknown pdfkit.
 * `fill`: fillColor's operators, written first.
 */
function writeFragment(doc: FragmentState, text: string, x: number, y: number, fill: readonly string[]): boolean {
  const font = doc._font;
  const size = doc._fontSize;
  const page = doc.page;
  if (!font || typeof font.id !== 'string' || typeof font.ref !== 'function' || typeof size !== 'number') return false;
  if (!page || typeof page.height !== 'number' || !page.fonts) return false;
  const operand = textOperand(font, text);
  if (operand === null) return false;
  const height = page.height;
  // pdfkit's save(), transform() and restore() around the text leave its matrix as it was.
  if (page.fonts[font.id] == null) page.fonts[font.id] = font.ref();
  const ops = [
    ...fill,
    'q',
    `1 0 0 -1 0 ${pdfNumber(height)} cm`,
    'BT',
    `1 0 0 1 ${pdfNumber(x)} ${pdfNumber(height - y)} Tm`,
    `/${font.id} ${pdfNumber(size)} Tf`,
    ...(operand === '' ? [] : [`${operand} TJ`]),
    'ET',
    'Q',
  ];
  // One write where nothing watches the operators one by one (withActualText does).
  if (Object.hasOwn(doc, 'addContent')) for (const op of ops) doc.addContent(op);
  else doc.addContent(ops.join('\n'));
  return true;
}

/** Where the text of a line goes in the structure tree. */
export interface LineTarget {
  elem: StructElem;
  /** Marked-content tag of plain text (the element's type). */
  tag: string;
  links: LinkScope;
}

export function lineTarget(ctx: RenderContext, elem: StructElem, tag: string): LineTarget {
  return { elem, tag, links: new LinkScope(ctx.tagger, elem) };
}

/**
 * Draws a line of styled fragments with its box top at `top`, tagging plain text as content
 * of the target element and link text as Link elements (with their annotations). With no
 * target the line is drawn as an artifact's body (the caller has opened the artifact).
 */
export function drawLine(
  ctx: RenderContext,
  line: Line,
  x: number,
  top: number,
  size: number,
  target: LineTarget | null,
  color = TEXT_COLOR,
): void {
  const { tagger, doc } = ctx;
  const baseline = top + baselineOffset(size);
  const frags = line.fragments;
  let i = 0;
  while (i < frags.length) {
    const frag = frags[i]!;
    if (frag.link) {
      const draw = (): void => {
        drawString(ctx, frag.text, frag.style, size, x + frag.x, baseline, LINK_COLOR);
        // Underline, inside the link's marked content.
        const uy = baseline + size * 0.11;
        doc.save().lineWidth(Math.max(0.5, size * 0.05)).strokeColor(LINK_COLOR)
          .moveTo(x + frag.x, uy).lineTo(x + frag.x + frag.width, uy).stroke().restore();
      };
      if (target) {
        const elem = target.links.element(frag.link.id, doc.page);
        tagger.content(elem, 'Link', draw);
        const h = size * 1.15;
        tagger.linkAnnotation(elem, x + frag.x, baseline - size * 0.9, frag.width, h, frag.link.url, frag.link.url);
      } else {
        draw();
      }
      i++;
      continue;
    }
    // A run of plain fragments: one marked-content sequence.
    let j = i;
    while (j < frags.length && !frags[j]!.link) j++;
    const run = frags.slice(i, j);
    const draw = (): void => {
      for (const f of run) drawString(ctx, f.text, f.style, size, x + f.x, baseline, color);
    };
    if (target) {
      target.links.close();
      tagger.content(target.elem, target.tag, draw);
    } else {
      draw();
    }
    i = j;
  }
}

/** Horizontal offset of a line inside a box of `width`, for an alignment. */
export function alignOffset(line: Line, width: number, align: 'left' | 'right' | 'center' | undefined): number {
  if (align === 'right') return Math.max(0, width - line.width);
  if (align === 'center') return Math.max(0, (width - line.width) / 2);
  return 0;
}

/** A PDF text string in UTF-16BE hex: safe for any character. */
export function pdfTextString(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

/**
 * Draws with each text object (BT ... ET) it writes wrapped in a Span marked-content
 * sequence whose /ActualText is `textOf` the object's operators (none when ''), so text
 * extractors read the string whole whatever its glyph placement. The Span sits inside
 * pdfkit's own q ... Q around the text: poppler reads an ActualText's position at its end.
 * The Span has no MCID: it stays inside the marked content it is drawn in.
 */
export function withActualText(doc: Doc, textOf: (ops: readonly string[]) => string, draw: () => void): void {
  const target = doc as unknown as { addContent(data: string): unknown };
  const original = target.addContent;
  let buffer: string[] | null = null;
  target.addContent = function (this: unknown, data: string) {
    if (buffer === null && data !== 'BT') return original.call(this, data);
    if (buffer === null) {
      buffer = [data];
      return this;
    }
    buffer.push(data);
    if (data !== 'ET') return this;
    const ops = buffer;
    buffer = null;
    const text = textOf(ops);
    if (text) original.call(this, `/Span << /ActualText ${pdfTextString(text)} >> BDC`);
    for (const op of ops) original.call(this, op);
    if (text) original.call(this, 'EMC');
    return this;
  };
  try {
    draw();
  } finally {
    target.addContent = original;
    if (buffer !== null) for (const op of buffer as string[]) original.call(target, op);
  }
}
