/**
 * Charts drawn by svg-to-pdfkit, remembered as the pdfkit calls they made and drawn again
 * from those calls in later documents.
 *
 * svg-to-pdfkit parses the SVG, works out styles, paths and text positions, and builds a
 * fresh set of its classes on every call: a good part of a PDF's render time (and of the
 * optimising compiler's work in a batch), though an unchanged chart makes the same calls
 * every time. So its first drawing of an SVG (at a size) goes through a proxy of the
 * document that records what it does, and later drawings make the same calls on the
 * document, in the same order: pdfkit then writes the same operators and keeps the same
 * state (graphics state, colours and opacities, fonts, subsets) as svg-to-pdfkit would have
 * made it.
 *
 * What depends on the document is recorded by meaning, not by value:
 * - the figure's place: the first translate (x, y) is the drawing's own;
 * - text: the words svg-to-pdfkit has the font encode (the subset, widths and ToUnicode
 *   entries are the document's: the encoding is done again), the font of each text object
 *   (its resource name is the document's), and each glyph as the font's glyph id (written
 *   as the document's subset id).
 *
 * A drawing is remembered only if svg-to-pdfkit did nothing else: the calls it made are the
 * listed pdfkit drawing methods, and its text the plain words whose layouts the document
 * knows in advance (layout-cache.ts; checked again before each replay). A chart with links,
 * images, patterns, masks or groups, or whose text is not plain, is drawn by svg-to-pdfkit
 * every time, as before. The bytes of a PDF are the same either way.
 */
import SVGtoPDF, { type SVGtoPDFOptions } from 'svg-to-pdfkit';
import type { Doc } from './context.js';
import { laidOutAsRemembered } from './layout-cache.js';

/** pdfkit methods svg-to-pdfkit calls that only draw or set graphics state. */
const DRAWING_METHODS = new Set([
  'bezierCurveTo',
  'circle',
  'clip',
  'closePath',
  'dash',
  'ellipse',
  'fill',
  'fillAndStroke',
  'fillColor',
  'fillOpacity',
  'font',
  'lineCap',
  'lineJoin',
  'lineTo',
  'lineWidth',
  'miterLimit',
  'moveTo',
  'quadraticCurveTo',
  'rect',
  'restore',
  'save',
  'scale',
  'stroke',
  'strokeColor',
  'strokeOpacity',
  'transform',
  'translate',
  'undash',
]);

/** Font properties svg-to-pdfkit reads (metrics, the same for a face in every document). */
const FONT_READS = new Set(['ascender', 'descender', 'bbox', 'scale', 'xHeight', 'unicode', 'id', 'name']);

type Op =
  | { op: 'call'; name: string; args: unknown[] }
  | { op: 'content'; text: string }
  | { op: 'encode'; font: string; text: string }
  | { op: 'beginText'; font: string; size: string }
  | { op: 'glyph'; font: string; gid: number };

interface Drawing {
  ops: Op[];
  /** Every (font, text) encoded, for the check before a replay. */
  texts: { font: string; text: string }[];
  warnings: string[];
}

/** What of pdfkit's EmbeddedFont the replay needs. */
interface EmbeddedFont {
  id: string;
  font: unknown;
  ref(): unknown;
  encode(text: string, features?: unknown): unknown;
  subset: { glyphs: number[]; mapping: Record<number, number> };
}

interface DocInternals {
  page: { fonts: Record<string, unknown> };
  _font: EmbeddedFont;
  _fontFamilies: Record<string, EmbeddedFont>;
  _registeredFonts: Record<string, { src: unknown }>;
  _fillColor: unknown;
  addContent(text: string): unknown;
}

class NotReplayable extends Error {}

/** Deep-frozen copy of plain arguments (numbers, strings, arrays, plain objects); throws otherwise. */
function frozenCopy(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.freeze(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frozenCopy(v)])));
  }
  throw new NotReplayable(`an argument of type ${typeof value}`);
}

/** The registered name (pdfkit's cache key) of a font object of `doc`. */
function fontName(doc: DocInternals, font: EmbeddedFont): string {
  for (const [name, f] of Object.entries(doc._fontFamilies)) if (f === font) return name;
  throw new NotReplayable('a font that is not registered');
}

const hex4 = (n: number): string => `0000${n.toString(16)}`.slice(-4);

/** Draws `svg` with svg-to-pdfkit through a recording proxy of `doc`; the recording, or null if it may not be replayed. */
function drawAndRecord(doc: DocInternals, svg: string, x: number, y: number, options: SVGtoPDFOptions): Drawing | null {
  const ops: Op[] = [];
  const texts: Drawing['texts'] = [];
  const warnings: string[] = [];
  let problem: string | undefined;
  const refuse = (why: string): void => {
    problem ??= why;
  };
  const startFill = doc._fillColor;
  let pendingRef = false;
  let pendingText = false;
  let textFont: EmbeddedFont | undefined;

  const fontProxies = new Map<EmbeddedFont, EmbeddedFont>();
  const fontProxy = (font: EmbeddedFont): EmbeddedFont => {
    let p = fontProxies.get(font);
    if (p) return p;
    p = new Proxy(font, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop === 'encode') {
          return (text: string, features?: unknown) => {
            try {
              if (features !== undefined) throw new NotReplayable('text with font features');
              const name = fontName(doc, target);
              ops.push({ op: 'encode', font: name, text: String(text) });
              texts.push({ font: name, text: String(text) });
            } catch (e) {
              refuse((e as Error).message);
            }
            return target.encode(text, features);
          };
        }
        if (prop === 'ref') {
          return () => {
            pendingRef = true; // allowed only as the font resource of a text object ('BT' next)
            return target.ref();
          };
        }
        if (typeof prop !== 'string' || !FONT_READS.has(prop)) refuse(`font.${String(prop)}`);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    fontProxies.set(font, p);
    return p;
  };

  const pageProxies = new WeakMap<object, DocInternals['page']>();
  const pageProxy = (page: DocInternals['page']) => {
    let p = pageProxies.get(page);
    if (!p) pageProxies.set(page, (p = pageProxyOf(page)));
    return p;
  };
  const pageProxyOf = (page: DocInternals['page']) =>
    new Proxy(page, {
      get(target, prop) {
        if (prop !== 'fonts') refuse(`page.${String(prop)}`);
        return Reflect.get(target, prop, target) as unknown;
      },
      set(target, prop, value) {
        refuse(`page.${String(prop)} =`);
        return Reflect.set(target, prop, value, target);
      },
    });

  const content = (text: string): void => {
    if (pendingRef && text !== 'BT') refuse('a font resource outside a text object');
    pendingRef = false;
    if (text === 'BT') {
      pendingText = true;
      return;
    }
    if (pendingText) {
      pendingText = false;
      const tf = /^\/(\S+) (\S+) Tf$/.exec(text);
      const font = doc._fontFamilies && Object.values(doc._fontFamilies).find((f) => f.id === tf?.[1]);
      if (!tf || !font) return refuse('a text object without its font');
      textFont = font;
      ops.push({ op: 'beginText', font: fontName(doc, font), size: tf[2]! });
      return;
    }
    const glyph = /^<([0-9a-f]+)> Tj$/.exec(text);
    if (glyph) {
      const gid = textFont?.subset?.glyphs?.[parseInt(glyph[1]!, 16)];
      if (textFont === undefined || gid === undefined) return refuse('a glyph outside a text object');
      ops.push({ op: 'glyph', font: fontName(doc, textFont), gid });
      return;
    }
    if (/^\/\S+ (gs|Do|scn|SCN|sh|cs|CS)$/.test(text) || /\bTf$/.test(text)) return refuse(`the operator "${text}"`);
    if (text === 'ET') textFont = undefined;
    ops.push({ op: 'content', text });
  };

  /** The recording versions of the document's methods, made once per drawing. */
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  const proxy: DocInternals = new Proxy(doc, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === '_font') return value ? fontProxy(value as EmbeddedFont) : value;
      if (prop === 'page') return pageProxy(value as DocInternals['page']);
      if (prop === '_fillColor') return value;
      if (typeof prop === 'string' && (prop === 'addContent' || DRAWING_METHODS.has(prop)) && typeof value === 'function') {
        let method = methods.get(prop);
        if (!method) {
          const fn = value as (...a: unknown[]) => unknown;
          method =
            prop === 'addContent'
              ? (text: unknown) => {
                  if (typeof text === 'string') {
                    try {
                      content(text);
                    } catch (e) {
                      refuse((e as Error).message);
                    }
                  } else refuse('binary content');
                  fn.call(target, text);
                  return receiver;
                }
              : (...args: unknown[]) => {
                  if (pendingRef) refuse('a font resource outside a text object');
                  try {
                    ops.push({ op: 'call', name: prop, args: args.map(frozenCopy) });
                  } catch (e) {
                    refuse((e as Error).message);
                  }
                  const result = fn.apply(target, args);
                  return result === target ? receiver : result;
                };
          methods.set(prop, method);
        }
        return method;
      }
      refuse(`doc.${String(prop)}`);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    set(target, prop, value) {
      // svg-to-pdfkit's last act: the fill colour it found, put back.
      if (prop !== '_fillColor' || value !== startFill) refuse(`doc.${String(prop)} =`);
      return Reflect.set(target, prop, value, target);
    },
  });

  const warn = options.warningCallback;
  SVGtoPDF(proxy, svg, x, y, {
    ...options,
    warningCallback: (message: string) => {
      warnings.push(message);
      warn?.(message);
    },
  });

  if (problem || pendingRef || pendingText) return null;
  // The drawing starts by placing the figure: save, translate(x, y), scale.
  const [first, second] = ops;
  if (first?.op !== 'call' || first.name !== 'save' || second?.op !== 'call' || second.name !== 'translate' || second.args[0] !== x || second.args[1] !== y) return null;
  if (!texts.every((t) => laidOutAsRemembered(doc._registeredFonts[t.font]?.src, t.text))) return null;
  return { ops, texts, warnings };
}

/** Makes `drawing`'s calls on `doc`, the figure placed at (x, y). */
function replay(doc: DocInternals, drawing: Drawing, x: number, y: number): void {
  const d = doc as unknown as Record<string, (...args: unknown[]) => unknown>;
  const font = (name: string): EmbeddedFont => {
    const f = doc._fontFamilies[name];
    if (!f) throw new Error(`PDF: a remembered chart uses the font "${name}" before selecting it`);
    return f;
  };
  const startFill = doc._fillColor;
  drawing.ops.forEach((o, i) => {
    switch (o.op) {
      case 'call':
        if (i === 1) d.translate!.call(doc, x, y);
        else d[o.name]!.apply(doc, o.args);
        break;
      case 'content':
        doc.addContent(o.text);
        break;
      case 'encode':
        font(o.font).encode(o.text);
        break;
      case 'beginText': {
        const f = font(o.font);
        if (!doc.page.fonts[f.id]) doc.page.fonts[f.id] = f.ref();
        doc.addContent('BT');
        doc.addContent(`/${f.id} ${o.size} Tf`);
        break;
      }
      case 'glyph': {
        const gid = font(o.font).subset.mapping[o.gid];
        if (gid === undefined) throw new Error(`PDF: a remembered chart's glyph ${o.gid} was not encoded`);
        doc.addContent(`<${hex4(gid)}> Tj`);
        break;
      }
    }
  });
  doc._fillColor = startFill;
}

/** Drawings by SVG and drawn size (the place is the replay's own). */
const remembered = new Map<string, Drawing | null>();
const MAX_REMEMBERED = 128;

/** Forget every drawing remembered so far (the benchmark uses it to draw every chart for real). */
export function forgetDrawings(): void {
  remembered.clear();
}

/**
 * svg-to-pdfkit's SVGtoPDF(doc, svg, x, y, options), replayed from an earlier drawing of the
 * same SVG at the same size when there is one that may be.
 */
export function drawSvg(doc: Doc, svg: string, x: number, y: number, options: SVGtoPDFOptions): void {
  const internals = doc as unknown as DocInternals;
  const key = JSON.stringify([options.width, options.height, options.preserveAspectRatio ?? null, options.assumePt ?? false, options.precision ?? null, svg]);
  const drawing = remembered.get(key);
  if (drawing && drawing.texts.every((t) => laidOutAsRemembered(internals._registeredFonts[t.font]?.src, t.text))) {
    for (const w of drawing.warnings) options.warningCallback?.(w);
    replay(internals, drawing, x, y);
    return;
  }
  if (drawing === null) {
    SVGtoPDF(doc, svg, x, y, options);
    return;
  }
  const recorded = drawAndRecord(internals, svg, x, y, options);
  if (!drawing) {
    if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value as string);
    remembered.set(key, recorded);
  }
}
