/**
 * A chart's SVG with its text turned into glyph outlines, for the PNG fallback: resvg then
 * draws shapes only and needs no fonts.
 *
 * Why: resvg shaped every label itself, from font files it read and parsed again for each
 * chart: 3-8 ms of a chart's 10-20 ms of drawing on libuv's pool, against some 1 ms here,
 * where each glyph's outline is made once and the layout is the one Vega measured its labels
 * with (text-metrics.ts: fontkit, Arimo, kerning included).
 *
 * Only the text Vega writes is turned: a `<text>` element with one line of characters, placed
 * by `transform`, `x` and `y`, with its font, size, anchor and fill as attributes of its own.
 * An SVG with any other text (tspans, per-glyph positions, baselines, strokes, spacing, font
 * properties set on a group...) is left as it is, and resvg draws it with the fonts.
 */
import { fontStyle, type FontStyle } from '../fonts/files.js';
import { chartFont, isBold, isItalic } from './text-metrics.js';

/** The bit of fontkit used here (fontkit ships no types). */
interface GlyphRun {
  glyphs: { id: number; path: { toSVG(): string } }[];
  positions: { xAdvance: number; xOffset: number; yOffset: number }[];
  advanceWidth: number;
}
interface FontkitFont {
  unitsPerEm: number;
  _glyphs: Record<number, unknown>;
  layout(text: string): GlyphRun;
}

/** Each glyph's outline as SVG path data in font units (y up), by face and glyph id. */
const outlines = new Map<string, string>();

const face = (style: FontStyle) => chartFont<FontkitFont>(style);
const outlineKey = (style: FontStyle, id: number) => `${style} ${id}`;

/** Attributes a `<text>` may have here; any other leaves the SVG as it is. */
const TEXT_ATTRS = new Set(['transform', 'x', 'y', 'fill', 'fill-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor']);
/** Attributes that say nothing about drawing (Vega writes them for screen readers). */
const NOT_DRAWN = /^(role|aria-[\w-]+|class|pointer-events|cursor)$/;
/** Text properties SVG lets a group pass on to its text: set anywhere but on a `<text>`, they leave the SVG as it is. */
const INHERITED_TEXT = /\s(font(-[\w-]+)?|text-anchor|letter-spacing|word-spacing|kerning|dominant-baseline|alignment-baseline|baseline-shift|direction|writing-mode|unicode-bidi|xml:space|text-rendering|style)\s*=/;

const TEXT = /<text\b([^>]*)>([^<]*)<\/text>/g;
const ATTR = /([\w:.-]+)\s*=\s*"([^"]*)"/g;
const OTHER_TAG = /<(?!text\b|\/)([\w:.-]+)([^>]*)>/g;
/** Right-to-left scripts: resvg orders them itself (bidi), which this does not. */
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (all, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? all;
  });
}

/** SVG's default white space handling (xml:space="default"). */
function collapseSpace(s: string): string {
  return s.replace(/[\n\r]/g, '').replace(/\t/g, ' ').trim().replace(/ {2,}/g, ' ');
}

/** A number attribute: a single number, with px allowed; NaN otherwise. */
function single(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(px)?\s*$/.exec(value);
  return m ? Number(m[1]) : NaN;
}

/** A string's glyphs laid out: each glyph's id and where its outline goes (font units). */
interface Run {
  ids: number[];
  x: number[];
  y: number[];
}

/** Runs by style, anchor and string: chart labels repeat from chart to chart and paper to paper. */
const runs = new Map<string, Run>();
const RUNS_LIMIT = 5_000;

function runOf(style: FontStyle, anchor: 'start' | 'middle' | 'end', text: string): Run {
  const key = `${style}\u0000${anchor}\u0000${text}`;
  let run = runs.get(key);
  if (run !== undefined) return run;
  run = { ids: [], x: [], y: [] };
  if (text !== '') {
    const font = face(style);
    // As text-metrics.ts does: the run's glyphs made afresh, so that its layout never depends
    // on what was laid out before (fontkit hides a soft hyphen only in a fresh glyph object).
    font._glyphs = {};
    const laid = font.layout(text);
    let pen = anchor === 'end' ? -laid.advanceWidth : anchor === 'middle' ? -laid.advanceWidth / 2 : 0;
    for (const [i, glyph] of laid.glyphs.entries()) {
      const position = laid.positions[i]!;
      const known = outlineKey(style, glyph.id);
      if (!outlines.has(known)) outlines.set(known, glyph.path.toSVG());
      run.ids.push(glyph.id);
      run.x.push(pen + position.xOffset);
      run.y.push(position.yOffset);
      pen += position.xAdvance;
    }
  }
  if (runs.size >= RUNS_LIMIT) runs.clear();
  runs.set(key, run);
  return run;
}

/** The glyph outlines of `run`, each at its place. */
function glyphPaths(style: FontStyle, run: Run): string {
  let out = '';
  for (let i = 0; i < run.ids.length; i++) {
    const d = outlines.get(outlineKey(style, run.ids[i]!));
    if (d) out += `<path transform="translate(${run.x[i]},${run.y[i]})" d="${d}"/>`;
  }
  return out;
}

/** The outlines of one `<text>`, as a group in its place; null if it is not text this knows. */
function outlined(attrText: string, content: string): string | null {
  const attrs = new Map<string, string>();
  for (const [, name, value] of attrText.matchAll(ATTR)) {
    if (NOT_DRAWN.test(name!)) continue;
    if (!TEXT_ATTRS.has(name!)) return null;
    attrs.set(name!, value!);
  }
  // Not drawn at all (Vega hides labels that would overlap so): nothing to outline.
  if (single(attrs.get('opacity'), 1) === 0) return '';
  const text = collapseSpace(unescapeXml(content));
  if (RIGHT_TO_LEFT.test(text)) return null;
  const x = single(attrs.get('x'), 0);
  const y = single(attrs.get('y'), 0);
  const size = single(attrs.get('font-size'), 16);
  if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(size)) return null;
  const anchor = attrs.get('text-anchor') ?? 'start';
  if (anchor !== 'start' && anchor !== 'middle' && anchor !== 'end') return null;

  const style = fontStyle(isBold(attrs.get('font-weight')), isItalic(attrs.get('font-style')));
  const font = face(style);
  const glyphs = glyphPaths(style, runOf(style, anchor, text));
  const scale = size / font.unitsPerEm;
  const place = `${attrs.get('transform') ?? ''} translate(${x},${y}) scale(${scale},${-scale})`.trim();
  const paint = ['fill', 'fill-opacity', 'opacity']
    .filter((name) => attrs.has(name))
    .map((name) => ` ${name}="${attrs.get(name)}"`)
    .join('');
  return `<g transform="${place}"${paint}>${glyphs}</g>`;
}

/** `svg` with every `<text>` drawn as outlines, or null if it has text this does not turn (module comment). */
export function textAsPaths(svg: string): string | null {
  if (!svg.includes('<text')) return svg;
  for (const [, , attrs] of svg.matchAll(OTHER_TAG)) if (INHERITED_TEXT.test(attrs!)) return null;
  let unknown = false;
  const out = svg.replace(TEXT, (_all, attrs: string, content: string) => {
    const group = unknown ? null : outlined(attrs, content);
    if (group === null) unknown = true;
    return group ?? '';
  });
  // A <text> left (one with elements inside: tspans) is text this does not know.
  return unknown || out.includes('<text') ? null : out;
}
