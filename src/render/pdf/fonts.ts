/**
 * Fonts of the PDF: the four Arimo TTFs, embedded as subsets. Nothing is ever drawn in a
 * standard-14 font: the document is created without a default font (pdfkit would otherwise
 * load Helvetica) and Arimo is selected as soon as the faces are registered, and
 * svg-to-pdfkit gets a font callback that maps every SVG font family to Arimo (it silently
 * falls back to non-embedded Helvetica without one).
 *
 * The TTF files are read and parsed once per process (parsing the tables is a good part
 * of a paper's render time). A fontkit font also remembers, per glyph, the characters it
 * was first laid out from, and that goes into the ToUnicode map; so each document starts
 * with the glyph cache emptied, and a file's bytes never depend on what the process
 * rendered before. The subset font files are remembered by their glyphs, in order.
 */
import zlib from 'node:zlib';
import { openFace } from '../../fonts/faces.js';
import { fontStyle, type FontStyle } from '../../fonts/files.js';
import { rememberLayouts } from './layout-cache.js';

export type { FontStyle };
export { fontStyle };

/** Names under which the four faces are registered in the pdfkit document. */
export const FONT_NAME: Record<FontStyle, string> = {
  regular: 'Arimo',
  bold: 'Arimo-Bold',
  italic: 'Arimo-Italic',
  boldItalic: 'Arimo-BoldItalic',
};

/** Arimo's vertical metrics, in em (the same as Arial's). */
export const ASCENT = 0.905;
export const DESCENT = 0.212;

/** The part of pdfkit's document the font helpers need. */
interface FontDoc {
  registerFont(name: string, src: unknown): unknown;
  font(...args: unknown[]): unknown;
  fontSize(size: number): unknown;
  widthOfString(text: string): number;
}

/** The part of a fontkit subset pdfkit uses: the glyphs in the order of first use, and the font file. */
interface Subset {
  glyphs: number[];
  encode(): Uint8Array;
}
type ParsedFont = { _glyphs: Record<number, unknown>; createSubset?: () => Subset };
const parsed = new Map<FontStyle, ParsedFont>();

/**
 * Subset font files by face and glyphs (in order of first use, which numbers them in the
 * subset): a rebuild after a figure changed mostly uses the same glyphs in the same order,
 * and fontkit's subsetting (it rebuilds glyf, loca, hmtx...) is a tenth of a paper's PDF.
 */
const subsetFiles = new Map<string, Uint8Array>();
const MAX_SUBSET_FILES = 64;

/** `font` with its subsets' font files remembered in subsetFiles (the same glyphs give the same bytes). */
function rememberSubsets(style: FontStyle, font: ParsedFont): void {
  const create = font.createSubset;
  if (typeof create !== 'function') return;
  font.createSubset = function (this: ParsedFont) {
    const subset = create.call(this);
    const encode = subset.encode;
    if (!Array.isArray(subset.glyphs) || typeof encode !== 'function') return subset;
    subset.encode = function (this: Subset) {
      const key = `${style}:${this.glyphs.join(',')}`;
      let file = subsetFiles.get(key);
      if (!file) {
        file = encode.call(this);
        if (subsetFiles.size >= MAX_SUBSET_FILES) subsetFiles.delete(subsetFiles.keys().next().value as string);
        subsetFiles.set(key, file);
        madeFiles.add(file);
      }
      return file;
    };
    return subset;
  };
}

/** Subset files made by rememberSubsets, and those deflated (as pdfkit deflates a stream). */
const madeFiles = new WeakSet<Uint8Array>();
const deflatedFiles = new WeakMap<Uint8Array, Uint8Array>();

/** The part of a pdfkit stream object (PDFReference) a font file goes through. */
interface FontFileRef {
  compress?: boolean;
  data?: Record<string, unknown>;
  write(chunk: Uint8Array): void;
  end(chunk?: Uint8Array): void;
  finalize(): void;
}

/**
 * Makes a document's font (pdfkit's EmbeddedFont) write a remembered subset file deflated
 * once per process rather than once per document: the same bytes, the same dictionary
 * (Length, then Filter). pdfkit's embed() makes the font file's stream its first object.
 */
function deflateFontFileOnce(embedded: object): void {
  const font = embedded as { embed?: () => unknown; document?: { ref?: (data?: unknown) => FontFileRef } };
  const embed = font.embed;
  const doc = font.document;
  const makeRef = doc?.ref;
  if (typeof embed !== 'function' || !doc || typeof makeRef !== 'function') return;
  const ownRef = Object.hasOwn(doc, 'ref');
  font.embed = function (this: typeof font) {
    let first = true;
    doc.ref = function (this: unknown, data?: unknown) {
      const ref = makeRef.call(this, data);
      if (first) {
        first = false;
        const end = ref.end;
        ref.end = function (this: FontFileRef, chunk?: Uint8Array) {
          if (!chunk || !madeFiles.has(chunk) || this.compress !== true || !this.data) return end.call(this, chunk);
          let deflated = deflatedFiles.get(chunk);
          if (!deflated) deflatedFiles.set(chunk, (deflated = zlib.deflateSync(chunk)));
          this.compress = false;
          this.write(deflated);
          this.data.Filter = 'FlateDecode';
          this.finalize();
        };
      }
      return ref;
    };
    try {
      return embed.call(this);
    } finally {
      if (ownRef) doc.ref = makeRef;
      else delete (doc as { ref?: unknown }).ref;
    }
  };
}

/** The face parsed once per process, with its per-glyph state reset for a new document. */
function parsedFont(style: FontStyle): ParsedFont {
  let font = parsed.get(style);
  if (!font) {
    font = openFace(style) as ParsedFont;
    rememberSubsets(style, font);
    parsed.set(style, font);
  }
  font._glyphs = {};
  return font;
}

/**
 * Registers the four faces under FONT_NAME and selects the regular face. Registered names
 * matter: pdfkit caches a font under the name it was selected by, so selecting by name
 * opens each face once per document (a font given as a file path to the constructor is
 * opened again at every later selection of its registered name). The words the faces lay
 * out are remembered across documents (layout-cache.ts), with their effect on the per-glyph
 * state replayed in each.
 */
export function registerFonts(doc: FontDoc): void {
  rememberLayouts(doc, deflateFontFileOnce);
  for (const style of Object.keys(FONT_NAME) as FontStyle[]) {
    doc.registerFont(FONT_NAME[style], parsedFont(style));
  }
  doc.font(FONT_NAME.regular);
}

/**
 * Decode the regular and bold faces' tables ahead of the first document (fontkit decodes a
 * table on first use; cmap, hmtx, GSUB and GPOS take tens of milliseconds a face). Laid out
 * on font objects of their own: the tables are shared (faces.ts), the glyph state is not.
 */
export function warmUpFonts(): void {
  if (warm) return;
  warm = true;
  for (const style of ['regular', 'bold'] as const) (openFace(style) as { layout(text: string): unknown }).layout('Ready 0123456789,.%£');
}

let warm = false;

/** Width of `text` in points, set in `style` at `size` points. */
export type Measure = (style: FontStyle, size: number, text: string) => number;

/** A cached measurer over the document's own font objects (the ones used for drawing). */
export function measurer(doc: FontDoc): Measure {
  // Widths by style, size and text: no key made by joining them for each word measured.
  const cache = new Map<FontStyle, Map<number, Map<string, number>>>();
  return (style, size, text) => {
    if (text === '') return 0;
    let bySize = cache.get(style);
    if (!bySize) cache.set(style, (bySize = new Map()));
    let widths = bySize.get(size);
    if (!widths) bySize.set(size, (widths = new Map()));
    let width = widths.get(text);
    if (width === undefined) {
      doc.font(FONT_NAME[style]);
      doc.fontSize(size);
      width = doc.widthOfString(text);
      widths.set(text, width);
    }
    return width;
  };
}

/**
 * svg-to-pdfkit's font callback: every family (Arimo, Arial, Helvetica, sans-serif, serif,
 * monospace, a list of those...) is drawn in the embedded Arimo, with bold and italic
 * respected through the real faces (no faux bold or italic).
 */
export function svgFontCallback(_family: string, bold: boolean, italic: boolean): string {
  return FONT_NAME[fontStyle(bold, italic)];
}
