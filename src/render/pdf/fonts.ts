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
 * rendered before.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The bit of fontkit we use (fontkit ships no types). */
interface Fontkit {
  create(buffer: Buffer): unknown;
}
const fontkit = createRequire(import.meta.url)('fontkit') as Fontkit;
import { fontFiles, fontStyle, type FontStyle } from '../../fonts/files.js';

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
  font(name: string): unknown;
  fontSize(size: number): unknown;
  widthOfString(text: string): number;
}

const fontBytes = new Map<FontStyle, Uint8Array>();

/** The bytes of a face's TTF, read on first use and kept for the life of the process. */
function bytesOf(style: FontStyle): Uint8Array {
  let bytes = fontBytes.get(style);
  if (!bytes) {
    bytes = readFileSync(fontFiles[style]);
    fontBytes.set(style, bytes);
  }
  return bytes;
}

type ParsedFont = { _glyphs: Record<number, unknown> };
const parsed = new Map<FontStyle, ParsedFont>();

/** The face parsed once per process, with its per-glyph state reset for a new document. */
function parsedFont(style: FontStyle): ParsedFont {
  let font = parsed.get(style);
  if (!font) {
    font = fontkit.create(Buffer.from(bytesOf(style))) as unknown as ParsedFont;
    parsed.set(style, font);
  }
  font._glyphs = {};
  return font;
}

/**
 * Registers the four faces under FONT_NAME and selects the regular face. Registered names
 * matter: pdfkit caches a font under the name it was selected by, so selecting by name
 * opens each face once per document (a font given as a file path to the constructor is
 * opened again at every later selection of its registered name).
 */
export function registerFonts(doc: FontDoc): void {
  for (const style of Object.keys(FONT_NAME) as FontStyle[]) {
    doc.registerFont(FONT_NAME[style], parsedFont(style));
  }
  doc.font(FONT_NAME.regular);
}

/** Width of `text` in points, set in `style` at `size` points. */
export type Measure = (style: FontStyle, size: number, text: string) => number;

/** A cached measurer over the document's own font objects (the ones used for drawing). */
export function measurer(doc: FontDoc): Measure {
  const cache = new Map<string, number>();
  return (style, size, text) => {
    if (text === '') return 0;
    const key = `${style}\u0000${size}\u0000${text}`;
    let width = cache.get(key);
    if (width === undefined) {
      doc.font(FONT_NAME[style]);
      doc.fontSize(size);
      width = doc.widthOfString(text);
      cache.set(key, width);
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
