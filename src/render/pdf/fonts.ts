/**
 * Fonts of the PDF: the four Arimo TTFs, embedded as subsets. Nothing is ever drawn in a
 * standard-14 font: the document's default font is Arimo (pdfkit would otherwise load
 * Helvetica), and svg-to-pdfkit gets a font callback that maps every SVG font family to
 * Arimo (it silently falls back to non-embedded Helvetica without one).
 */
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

/** Path of the font pdfkit opens as its default font (instead of Helvetica). */
export const DEFAULT_FONT_FILE = fontFiles.regular;

/** Arimo's vertical metrics, in em (the same as Arial's). */
export const ASCENT = 0.905;
export const DESCENT = 0.212;

/** The part of pdfkit's document the font helpers need. */
interface FontDoc {
  registerFont(name: string, src: string): unknown;
  font(name: string): unknown;
  fontSize(size: number): unknown;
  widthOfString(text: string): number;
}

export function registerFonts(doc: FontDoc): void {
  for (const style of Object.keys(FONT_NAME) as FontStyle[]) {
    doc.registerFont(FONT_NAME[style], fontFiles[style]);
  }
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
