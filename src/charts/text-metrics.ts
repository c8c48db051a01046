/**
 * Real text widths for Vega's layout. Without node-canvas Vega guesses a width of
 * 0.8 x length x size, which pads axes and legends wrongly. We measure with the Arimo TTFs
 * (the font every renderer draws with) through fontkit, kerning included.
 */
import { openFace } from '../fonts/faces.js';
import { fontStyle, type FontStyle } from '../fonts/files.js';

/** The bit of fontkit we use (fontkit ships no types). */
interface FontkitFont {
  unitsPerEm: number;
  _glyphs: Record<number, unknown>;
  layout(text: string): { advanceWidth: number };
}

/** A text mark item as Vega passes it to `textMetrics.width`. */
export interface TextItem {
  font?: string;
  fontSize?: number | string;
  fontWeight?: number | string;
  fontStyle?: string;
  [key: string]: unknown;
}

const fonts = new Map<FontStyle, unknown>();

/**
 * The fontkit font of `style` that the charts lay their text out with (here, and for the
 * PNG's outlines in text-paths.ts). Each layout starts from fresh glyph objects (below), so
 * that what one laid out never changes what the other does.
 */
export function chartFont<F = FontkitFont>(style: FontStyle): F {
  let f = fonts.get(style);
  if (!f) {
    f = openFace(style);
    fonts.set(style, f);
  }
  return f as F;
}

/** Width in em of each (style, string) pair measured so far. */
const emCache = new Map<string, number>();
const EM_CACHE_LIMIT = 20_000;

export function isBold(weight: unknown): boolean {
  if (weight == null) return false;
  if (typeof weight === 'number') return weight >= 600;
  const w = String(weight).trim().toLowerCase();
  if (w === 'bold' || w === 'bolder') return true;
  const n = Number(w);
  return Number.isFinite(n) && n >= 600;
}

export function isItalic(style: unknown): boolean {
  const s = String(style ?? '').toLowerCase();
  return s === 'italic' || s === 'oblique';
}

/** Advance width of `text` in em (1 = the font size), kerning included. */
export function emWidth(text: string, style: FontStyle = 'regular'): number {
  const key = `${style}\u0000${text}`;
  let w = emCache.get(key);
  if (w === undefined) {
    const f = chartFont(style);
    // fontkit hides a default ignorable character (the soft hyphen) only if the glyph object
    // it maps to was first made for it (Arimo's soft hyphen shares the hyphen's glyph), and
    // keeps those objects: each string is measured from none, so its width never depends on
    // what was measured before.
    f._glyphs = {};
    w = text === '' ? 0 : f.layout(text).advanceWidth / f.unitsPerEm;
    if (emCache.size >= EM_CACHE_LIMIT) emCache.clear();
    emCache.set(key, w);
  }
  return w;
}

function itemFontSize(item: TextItem): number {
  return item.fontSize != null ? +item.fontSize || 0 : 11;
}

/**
 * Drop-in for `vega.textMetrics.width(item, text)`: the width in px of one line of text.
 * Measures the untruncated text: Vega's own truncation (labelLimit) calls this for the
 * candidate prefixes, so it must not truncate itself.
 */
export function measureTextWidth(item: TextItem, text: unknown): number {
  const size = itemFontSize(item);
  if (size <= 0 || text == null) return 0;
  const style = fontStyle(isBold(item.fontWeight), isItalic(item.fontStyle));
  if (Array.isArray(text)) {
    return text.reduce<number>((w, line) => Math.max(w, measureTextWidth(item, line)), 0);
  }
  const s = String(text).trim();
  return s ? emWidth(s, style) * size : 0;
}

/** Open the fonts ahead of the first measurement (part of the engine warm-up). */
export function preloadFonts(): void {
  chartFont('regular');
  chartFont('bold');
}
