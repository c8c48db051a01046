/**
 * pdfkit's text layout (fontkit shaping with GSUB and GPOS) remembered across documents.
 *
 * pdfkit lays out every word of a document with fontkit (once per word and document, in the
 * font's layoutCache), and that shaping is a good part of a PDF's render time, though the
 * same words come back in every document. Its result may be kept only because this file
 * replays its side effects:
 *
 * A fontkit font creates a glyph object the first time a glyph id is asked for, and the
 * object keeps the code points it was first asked for with (`glyph.codePoints`). pdfkit
 * writes those into the ToUnicode map, and fontkit's layout reads them back (it hides the
 * glyphs of "default ignorable" characters, such as the soft hyphen, which in Arimo shares
 * its glyph with the hyphen). fonts.ts empties the glyph objects for each document, so a
 * file's bytes never depend on what the process rendered before.
 *
 * So a word's layout is remembered with the first `getGlyph(id, codePoints)` call it made
 * for each glyph id, in order, and in every later document those calls are made again, in
 * the same order, before the remembered glyph ids and positions are used: the glyph
 * objects, and so the ToUnicode map, come out exactly as a real layout would leave them.
 *
 * A layout is remembered only when it cannot depend on the glyph objects already made:
 * - every character is one the default shaper handles (Latin, Greek, Cyrillic,
 *   punctuation, symbols: no combining marks, no script whose shaper reads code points),
 *   is in the font, and is not default ignorable;
 * - shaping substituted nothing (the glyphs are those of the characters, one for one).
 * A glyph that a default ignorable character maps to as well (Arimo's hyphen) is hidden
 * by fontkit if its glyph object was made from that character: a remembered layout with
 * such a glyph is used only while the glyph's object does not exist yet or was made from
 * another character (as when it was recorded, since nothing was hidden then).
 * Anything else is laid out by fontkit, once per document, as before.
 *
 * The remembered positions (already scaled by pdfkit) are shared by every document, and
 * frozen: pdfkit only reads a run's positions once it has scaled them (it copies one to add
 * word spacing), and so does svg-to-pdfkit.
 */

/** The parts of a fontkit font this cache uses (fontkit ships no types). */
interface FontkitFont {
  _glyphs: Record<number, unknown>;
  _cmapProcessor?: { lookup(codePoint: number): number };
  characterSet: number[];
  getGlyph(id: number, codePoints?: number[]): unknown;
}

interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth: number;
}

/** A run as pdfkit's EmbeddedFont.layoutRun returns it (positions scaled to 1000 units per em). */
interface PdfkitRun {
  glyphs: { id: number }[];
  positions: Position[];
  advanceWidth: number;
}

/** The parts of pdfkit's EmbeddedFont (one per face and document) this cache uses. */
interface EmbeddedFont {
  font: unknown;
  layoutCache?: Record<string, PdfkitRun>;
  layoutCached(text: string): PdfkitRun;
  layout?(text: string, features?: unknown, onlyWidth?: boolean): PdfkitRun;
}

interface Recorded {
  /** The first getGlyph(id, codePoints) call of the layout for each id, in order. */
  calls: [number, number[]][];
  /** Its glyphs that default ignorable characters map to as well. */
  touched: number[];
  ids: number[];
  positions: readonly Readonly<Position>[];
  advanceWidth: number;
}

/**
 * Default ignorable code points (Unicode's DerivedCoreProperties): every one fontkit's
 * LayoutEngine.isDefaultIgnorable hides, and the four it leaves (U+115F, U+1160, U+3164,
 * U+FFA0), which only makes fewer words remembered.
 */
export function isDefaultIgnorable(ch: number): boolean {
  return (
    ch === 0x00ad ||
    ch === 0x034f ||
    ch === 0x061c ||
    (ch >= 0x115f && ch <= 0x1160) ||
    (ch >= 0x17b4 && ch <= 0x17b5) ||
    (ch >= 0x180b && ch <= 0x180e) ||
    (ch >= 0x200b && ch <= 0x200f) ||
    (ch >= 0x202a && ch <= 0x202e) ||
    (ch >= 0x2060 && ch <= 0x206f) ||
    ch === 0x3164 ||
    (ch >= 0xfe00 && ch <= 0xfe0f) ||
    ch === 0xfeff ||
    ch === 0xffa0 ||
    (ch >= 0xfff0 && ch <= 0xfff8) ||
    (ch >= 0x1bca0 && ch <= 0x1bca3) ||
    (ch >= 0x1d173 && ch <= 0x1d17a) ||
    (ch >= 0xe0000 && ch <= 0xe0fff)
  );
}

/** Characters fontkit shapes with its default shaper, combining marks excepted. */
function plainScript(ch: number): boolean {
  return (
    (ch >= 0x20 && ch < 0x300) || // Basic Latin, Latin-1, Latin Extended-A and B, IPA, modifiers
    (ch >= 0x370 && ch < 0x530) || // Greek, Cyrillic
    (ch >= 0x1e00 && ch < 0x2000) || // Latin Extended Additional, Greek Extended
    (ch >= 0x2000 && ch < 0x2300) // punctuation, super/subscripts, currency, letterlike, numbers, arrows, maths
  );
}

const MAX_REMEMBERED = 50_000;

/** What is remembered of one fontkit font (a face parsed once per process). */
interface FaceMemory {
  font: FontkitFont;
  lookup(codePoint: number): number;
  /** Glyphs a default ignorable character maps to (in Arimo: the hyphen, via the soft hyphen). */
  touchedByIgnorables: Set<number>;
  /** By word: its layout, or null when it may not be remembered. */
  words: Map<string, Recorded | null>;
  /** Advance widths by glyph id, as its glyph objects give them (fontkit reads hmtx anew for each). */
  advances: number[];
}

const faces = new WeakMap<object, FaceMemory | null>();

function faceMemory(font: unknown): FaceMemory | null {
  if (typeof font !== 'object' || font === null) return null;
  let memory = faces.get(font);
  if (memory !== undefined) return memory;
  const f = font as FontkitFont;
  const cmap = f._cmapProcessor;
  if (!cmap || typeof cmap.lookup !== 'function' || typeof f.getGlyph !== 'function' || !Array.isArray(f.characterSet) || typeof f._glyphs !== 'object') {
    memory = null; // not the fontkit this was written for: no remembering
  } else {
    const touchedByIgnorables = new Set<number>();
    for (const cp of f.characterSet) if (isDefaultIgnorable(cp)) touchedByIgnorables.add(cmap.lookup(cp));
    memory = { font: f, lookup: (cp) => cmap.lookup(cp), touchedByIgnorables, words: new Map(), advances: [] };
  }
  faces.set(font, memory);
  return memory;
}

/** The glyph id of each character, or null when the word's layout may not be remembered. */
function plainGlyphs(memory: FaceMemory, text: string): number[] | null {
  const ids: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (!plainScript(cp) || isDefaultIgnorable(cp)) return null;
    const id = memory.lookup(cp);
    if (!id) return null;
    ids.push(id);
  }
  return ids;
}

function remember(memory: FaceMemory, text: string, recorded: Recorded | null): void {
  if (memory.words.size >= MAX_REMEMBERED) memory.words.clear();
  memory.words.set(text, recorded);
}

/** Lays `text` out for real (pdfkit, fontkit), and remembers the layout if it may be. */
function layOutAndRecord(embedded: EmbeddedFont, original: (text: string) => PdfkitRun, memory: FaceMemory, text: string): PdfkitRun {
  const expected = plainGlyphs(memory, text);
  if (!expected) {
    remember(memory, text, null);
    return original.call(embedded, text);
  }
  const font = memory.font;
  const calls: [number, number[]][] = [];
  const getGlyph = font.getGlyph;
  font.getGlyph = function (this: FontkitFont, id: number, codePoints: number[] = []) {
    calls.push([id, codePoints.slice()]);
    return getGlyph.call(this, id, codePoints);
  };
  let run: PdfkitRun;
  try {
    run = original.call(embedded, text);
  } finally {
    font.getGlyph = getGlyph;
  }
  const ids = run.glyphs.map((g) => g.id);
  if (ids.length !== expected.length || ids.some((id, i) => id !== expected[i])) {
    remember(memory, text, null);
    return run;
  }
  // Only the first call for an id can make its glyph object; the later ones change nothing.
  const first = new Map<number, number[]>();
  for (const [id, codePoints] of calls) if (!first.has(id)) first.set(id, codePoints);
  for (const p of run.positions) Object.freeze(p);
  Object.freeze(run.positions);
  const touched = [...new Set(ids.filter((id) => memory.touchedByIgnorables.has(id)))];
  remember(memory, text, { calls: [...first], touched, ids, positions: run.positions, advanceWidth: run.advanceWidth });
  return run;
}

/**
 * Whether fontkit would hide one of the layout's glyphs in this document: one whose glyph
 * object was made from a default ignorable character.
 */
function hides(memory: FaceMemory, r: Recorded): boolean {
  for (const id of r.touched) {
    const glyph = memory.font._glyphs[id] as { codePoints?: number[] } | undefined;
    const first = glyph?.codePoints?.[0];
    if (first !== undefined && isDefaultIgnorable(first)) return true;
  }
  return false;
}

/** The remembered layout, in this document: its glyph calls made again, its glyph objects. */
function replay(memory: FaceMemory, r: Recorded): PdfkitRun {
  const font = memory.font;
  const made = font._glyphs;
  for (const [id, codePoints] of r.calls) if (!made[id]) font.getGlyph(id, codePoints.slice());
  const glyphs = r.ids.map((id) => made[id]) as { id: number }[];
  return { glyphs, positions: r.positions as Position[], advanceWidth: r.advanceWidth };
}

/** The words pdfkit lays `text` out as: split after each space or tab (EmbeddedFont.layout). */
function words(text: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ' ' || text[i] === '\t') {
      out.push(text.slice(last, i + 1));
      last = i + 1;
    }
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * Whether laying `text` out in `font` (a fontkit face), in the current document, would use
 * remembered layouts only, with nothing hidden and every glyph standing for one character
 * (its glyph object, if made yet, made from one code point). The result of such a layout
 * is known in advance: svg-replay.ts relies on it.
 */
export function laidOutAsRemembered(font: unknown, text: string): boolean {
  const memory = faceMemory(font);
  if (!memory) return false;
  for (const word of words(text)) {
    const r = memory.words.get(word);
    if (!r || (r.touched.length > 0 && hides(memory, r))) return false;
    for (const id of r.ids) {
      const glyph = memory.font._glyphs[id] as { codePoints?: number[] } | undefined;
      if (glyph && glyph.codePoints?.length !== 1) return false;
    }
  }
  return true;
}

/**
 * pdfkit's EmbeddedFont.layout without features: the text laid out word by word (split after
 * each space or tab, as pdfkit does) through layoutCached. The same glyphs, positions and
 * width as pdfkit's, gathered with push where pdfkit concatenates a new array per word (and
 * makes a new array per character to test it), so long strings cost linear time.
 */
function layoutByWords(this: EmbeddedFont, text: string, features?: unknown, onlyWidth?: boolean): PdfkitRun {
  if (features) return (this as EmbeddedFont & { layoutRun(text: string, features: unknown): PdfkitRun }).layoutRun(text, features);
  const glyphs: { id: number }[] | null = onlyWidth ? null : [];
  const positions: Position[] | null = onlyWidth ? null : [];
  let advanceWidth = 0;
  const add = (word: string): void => {
    const run = this.layoutCached(word);
    if (glyphs && positions) {
      for (const g of run.glyphs) glyphs.push(g);
      for (const p of run.positions) positions.push(p);
    }
    advanceWidth += run.advanceWidth;
  };
  for (const word of words(text)) add(word);
  return { glyphs: glyphs as { id: number }[], positions: positions as Position[], advanceWidth };
}

/** Makes a pdfkit EmbeddedFont use (and feed) the remembered layouts. */
function rememberIn(embedded: EmbeddedFont): void {
  const memory = faceMemory(embedded.font);
  const original = embedded.layoutCached;
  if (!memory || typeof original !== 'function') return;
  if (typeof embedded.layout === 'function') embedded.layout = layoutByWords;
  // This document's runs by word, every one as pdfkit's layoutCache would keep it, in a Map:
  // each word is a new string, and an object's keys are looked up in V8's string table first.
  const runs = new Map<string, PdfkitRun>();
  embedded.layoutCached = function (this: EmbeddedFont, text: string): PdfkitRun {
    if (!this.layoutCache) return original.call(this, text);
    let run = runs.get(text);
    if (run) return run;
    const recorded = memory.words.get(text);
    if (recorded === null || (recorded && recorded.touched.length > 0 && hides(memory, recorded))) run = original.call(this, text);
    else run = recorded === undefined ? layOutAndRecord(this, original, memory, text) : replay(memory, recorded);
    runs.set(text, run);
    return run;
  };
  encodeWithHexCache(embedded, memory);
}

/** The part of pdfkit's EmbeddedFont its encode uses. */
interface Encoding {
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  layout(text: string, features?: unknown): PdfkitRun;
  encode?(text: string, features?: unknown): [string[], Position[]];
}

/**
 * pdfkit's EmbeddedFont.encode (text to the subset's glyph ids as 4-digit hex, for TJ), with
 * each id's hex made once per document instead of once per glyph drawn, and each glyph's
 * advance width (for the font's widths) read once per process.
 */
function encodeWithHexCache(embedded: EmbeddedFont, memory: FaceMemory): void {
  const font = embedded as unknown as Encoding;
  const scale = (embedded as unknown as { scale?: unknown }).scale;
  if (typeof font.encode !== 'function' || typeof font.subset?.includeGlyph !== 'function' || !Array.isArray(font.widths) || !Array.isArray(font.unicode) || typeof scale !== 'number') return;
  const hex: string[] = [];
  /** The glyph put in the subset (as pdfkit's encode does): its id there, as 4-digit hex. */
  const include = (g: { id: number }): string => {
    const glyph = g as { id: number; advanceWidth: number; codePoints: number[] };
    const gid = font.subset.includeGlyph(glyph.id);
    if (font.widths[gid] == null) font.widths[gid] = (memory.advances[glyph.id] ??= glyph.advanceWidth) * scale;
    if (font.unicode[gid] == null) font.unicode[gid] = glyph.codePoints;
    return (hex[gid] ??= `0000${gid.toString(16)}`.slice(-4));
  };
  font.encode = function (this: Encoding & EmbeddedFont, text: string, features?: unknown): [string[], Position[]] {
    const res: string[] = [];
    if (features || this.layout !== layoutByWords) {
      const run = this.layout(text, features);
      for (const g of run.glyphs) res.push(include(g));
      return [res, run.positions];
    }
    // layoutByWords inline: each word's glyphs encoded as they come, without gathering them first.
    const positions: Position[] = [];
    for (const word of words(text)) {
      const run = this.layoutCached(word);
      for (const g of run.glyphs) res.push(include(g));
      for (const p of run.positions) positions.push(p);
    }
    return [res, positions];
  };
  if (font.layout !== layoutByWords) return;
  // Each word's part of a TJ operand, by word: made (and its glyphs put in the subset) the
  // first time the word is drawn in this document; null for a word with a glyph offset.
  const parts = new Map<string, string | null>();
  const partOf = (word: string): string | null => {
    let part = parts.get(word);
    if (part !== undefined) return part;
    const run = embedded.layoutCached(word);
    part = '';
    for (const p of run.positions) if (p.xOffset || p.yOffset) part = null;
    if (part !== null) {
      for (let i = 0; i < run.glyphs.length; i++) {
        part += include(run.glyphs[i]!);
        const p = run.positions[i]!;
        const kern = p.xAdvance - p.advanceWidth;
        // pdfkit ends a string after a kerned glyph with its adjustment: "<...> -40 <...".
        if (kern !== 0) part += `> ${pdfNumber(-kern)} <`;
      }
    }
    parts.set(word, part);
    return part;
  };
  textOperands.set(embedded, (text: string): string | null => {
    let operand = '';
    for (const word of words(text)) {
      const part = partOf(word);
      if (part === null) return null;
      operand += part;
    }
    if (operand === '') return '';
    // As pdfkit's _fragment closes the array: the last string with its glyph's adjustment (0 if none).
    return operand.endsWith(' <') ? `[<${operand.slice(0, -2)}]` : `[<${operand}> 0]`;
  });
}

/**
 * By a document's EmbeddedFont: the operand of the TJ operator pdfkit's _fragment writes for
 * a text (`[<hex> -kern <hex> 0]`), '' when the text has no glyphs, null when a glyph is
 * offset (pdfkit then writes a Tm per offset glyph: left to pdfkit). Each word's part is made
 * once per document, its glyphs put in the subset in the order pdfkit's encode would.
 */
const textOperands = new WeakMap<object, (text: string) => string | null>();

export function textOperand(font: object, text: string): string | null {
  const operand = textOperands.get(font);
  return operand ? operand(text) : null;
}

/** pdfkit's number formatting in operators (PDFObject.number, then as a string). */
export function pdfNumber(n: number): string {
  if (!(n > -1e21 && n < 1e21)) throw new Error(`unsupported number: ${n}`);
  return String(Math.round(n * 1e6) / 1e6);
}

/** The part of pdfkit's document this needs. */
interface FontSelecting {
  font(...args: unknown[]): unknown;
  _font?: unknown;
}

/**
 * Makes every font `doc` selects (pdfkit creates a face's EmbeddedFont the first time it is
 * selected in a document) use the layouts remembered in this process; `adopted` is called
 * with each such font as well.
 */
export function rememberLayouts(doc: FontSelecting, adopted?: (font: object) => void): void {
  const select = doc.font;
  if (typeof select !== 'function') return;
  const seen = new WeakSet<object>();
  const adopt = (font: unknown): void => {
    if (typeof font !== 'object' || font === null || seen.has(font)) return;
    seen.add(font);
    rememberIn(font as EmbeddedFont);
    adopted?.(font);
  };
  adopt(doc._font);
  doc.font = function (this: FontSelecting, ...args: unknown[]) {
    const result = select.apply(this, args);
    adopt(this._font);
    return result;
  };
}
