/**
 * Charts drawn straight from their SVG into the PDF, when the SVG is plain: the SVG Vega
 * writes is groups, rectangles, lines, paths and text, with translate / rotate / scale
 * transforms, solid colours, opacity, dashes and rectangular clip paths (a mark with
 * `clip: true`), and nothing else.
 *
 * Why not svg-to-pdfkit for these: it builds an object model of every element, works out
 * styles and path geometry in JavaScript, and places each glyph with its own text matrix.
 * A new chart cost some 10 ms there (a batch paper's four, a good part of its PDF), and its
 * text came apart in extraction unless wrapped in ActualText. Here a chart is read once
 * into a flat list of shapes and strings (kept for the next build), and each string is
 * written whole, with the kerning the body text has, so it extracts as written.
 *
 * An SVG with anything else (gradients, clip paths of other shapes, images, links, CSS, tspans,
 * per-glyph positions, a colour pdfkit does not know...) is not drawn here: plainSvg gives
 * null and the figure goes to svg-to-pdfkit (svg-replay.ts), which draws any SVG.
 */
import { drawText, withActualText, type Doc } from './context.js';

type Matrix = readonly [number, number, number, number, number, number];
/** A solid colour: [r, g, b] (0-255) or a CSS colour name (checked against pdfkit's list). */
type Color = readonly [number, number, number] | string;

interface Stroke {
  color: Color;
  width: number;
  opacity: number;
  dash: readonly number[] | null;
  dashOffset: number;
  cap: 'butt' | 'round' | 'square' | null;
  join: 'miter' | 'round' | 'bevel' | null;
  miterLimit: number | null;
}

type Geometry = { path: string } | { rect: readonly [number, number, number, number] } | { line: readonly [number, number, number, number] };

/**
 * Where an element may draw: the union of its clip path's rectangles, each as its four
 * corners in the SVG's own coordinates (x0 y0 ... x3 y3), within its parent's clip.
 * Elements inside one clipped group share the object, so the drawer clips once for a run
 * of them.
 */
export interface Clip {
  quads: readonly (readonly number[])[];
  parent: Clip | null;
}

type Item =
  | { kind: 'shape'; matrix: Matrix; clip: Clip | null; geometry: Geometry; fill: { color: Color; opacity: number } | null; stroke: Stroke | null }
  | {
      kind: 'text';
      matrix: Matrix;
      clip: Clip | null;
      x: number;
      y: number;
      text: string;
      family: string;
      bold: boolean;
      italic: boolean;
      size: number;
      anchor: 'start' | 'middle' | 'end';
      fill: { color: Color; opacity: number };
    };

export interface PlainSvg {
  /** The SVG's own coordinate box (its viewBox, or its width and height). */
  width: number;
  height: number;
  items: readonly Item[];
  /** Colour names used, checked against pdfkit's before drawing. */
  names: readonly string[];
}

/** What the SVG elements inherit (SVG's inherited properties that a plain SVG may set). */
interface Inherited {
  fill: Color | null;
  fillOpacity: number;
  stroke: Color | null;
  strokeOpacity: number;
  strokeWidth: number;
  dash: readonly number[] | null;
  dashOffset: number;
  cap: Stroke['cap'];
  join: Stroke['join'];
  miterLimit: number | null;
  family: string;
  size: number;
  bold: boolean;
  italic: boolean;
  anchor: 'start' | 'middle' | 'end';
}

const INITIAL: Inherited = {
  fill: [0, 0, 0],
  fillOpacity: 1,
  stroke: null,
  strokeOpacity: 1,
  strokeWidth: 1,
  dash: null,
  dashOffset: 0,
  cap: null,
  join: null,
  miterLimit: null,
  family: 'sans-serif',
  size: 16,
  bold: false,
  italic: false,
  anchor: 'start',
};

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** Attributes that change nothing drawn (structure, accessibility, interaction). */
const IGNORED = /^(class|role|aria-[\w-]+|pointer-events|xmlns(:\w+)?|version|id|focusable|tabindex|cursor)$/;

/** What each element may carry besides the ignored and the inherited presentation attributes. */
const OWN: Record<string, ReadonlySet<string>> = {
  svg: new Set(['width', 'height', 'viewBox']),
  g: new Set(['transform', 'opacity', 'display', 'clip-path']),
  rect: new Set(['transform', 'opacity', 'display', 'clip-path', 'x', 'y', 'width', 'height']),
  line: new Set(['transform', 'opacity', 'display', 'clip-path', 'x1', 'y1', 'x2', 'y2']),
  path: new Set(['transform', 'opacity', 'display', 'clip-path', 'd']),
  text: new Set(['transform', 'opacity', 'display', 'clip-path', 'x', 'y']),
  defs: new Set(),
  clipPath: new Set(['clipPathUnits']),
};

/** What a clip path may hold: rectangles, placed by x, y, width and height alone. */
const CLIP_RECT = new Set(['x', 'y', 'width', 'height']);

const INHERITED_ATTRS = new Set([
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-opacity',
  'stroke-width',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
]);

class NotPlain extends Error {}

function notPlain(why: string): never {
  throw new NotPlain(why);
}

function num(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) notPlain(`the number "${value}"`);
  return n;
}

/** A length in user units: a number, optionally in px. */
function length(value: string): number {
  return num(value.trim().replace(/px$/, ''));
}

function numbers(value: string): number[] {
  return value
    .trim()
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map(num);
}

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/** An SVG transform list (translate, rotate, scale, matrix) as one matrix. */
function transform(value: string): Matrix {
  let m = IDENTITY;
  const rest = value.replace(/\s*(translate|rotate|scale|matrix)\s*\(([^)]*)\)\s*,?/g, (_all, fn: string, args: string) => {
    const a = numbers(args);
    let t: Matrix;
    if (fn === 'translate' && (a.length === 1 || a.length === 2)) t = [1, 0, 0, 1, a[0]!, a[1] ?? 0];
    else if (fn === 'scale' && (a.length === 1 || a.length === 2)) t = [a[0]!, 0, 0, a[1] ?? a[0]!, 0, 0];
    else if (fn === 'matrix' && a.length === 6) t = a as unknown as Matrix;
    else if (fn === 'rotate' && (a.length === 1 || a.length === 3)) {
      const r = (a[0]! * Math.PI) / 180;
      const [cos, sin] = [Math.cos(r), Math.sin(r)];
      const [cx, cy] = [a[1] ?? 0, a[2] ?? 0];
      t = multiply(multiply([1, 0, 0, 1, cx, cy], [cos, sin, -sin, cos, 0, 0]), [1, 0, 0, 1, -cx, -cy]);
    } else return notPlain(`the transform ${fn}(${args})`);
    m = multiply(m, t);
    return '';
  });
  if (rest.trim() !== '') notPlain(`the transform "${value}"`);
  return m;
}

function color(value: string, names: Set<string>): Color | null {
  const v = value.trim();
  if (v === 'none' || v === 'transparent') return null;
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(v);
  if (m) {
    const hex = m[1]!.length === 3 ? m[1]!.replace(/./g, '$&$&') : m[1]!;
    const n = parseInt(hex, 16);
    return [n >> 16, (n >> 8) & 0xff, n & 0xff];
  }
  m = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(v);
  if (m) {
    const rgb = [Number(m[1]), Number(m[2]), Number(m[3])] as const;
    if (rgb.some((c) => c > 255)) notPlain(`the colour "${v}"`);
    return rgb;
  }
  if (/^[a-z]+$/i.test(v)) {
    names.add(v.toLowerCase());
    return v.toLowerCase();
  }
  return notPlain(`the colour "${v}"`);
}

function opacity(value: string): number {
  return Math.max(0, Math.min(1, num(value)));
}

/** `value` if it is one of `allowed`, the keywords of attribute `name`. */
function keyword<K extends string>(name: string, value: string, allowed: readonly K[]): K {
  if (!(allowed as readonly string[]).includes(value)) notPlain(`${name}="${value}"`);
  return value as K;
}

/** The inherited properties of an element: its parent's, with its own attributes applied. */
function inherit(parent: Inherited, attrs: Map<string, string>, names: Set<string>): Inherited {
  let own: Inherited | undefined;
  const set = <K extends keyof Inherited>(key: K, value: Inherited[K]) => {
    own ??= { ...parent };
    own[key] = value;
  };
  for (const [name, value] of attrs) {
    switch (name) {
      case 'fill':
        set('fill', color(value, names));
        break;
      case 'fill-opacity':
        set('fillOpacity', opacity(value));
        break;
      case 'stroke':
        set('stroke', color(value, names));
        break;
      case 'stroke-opacity':
        set('strokeOpacity', opacity(value));
        break;
      case 'stroke-width':
        set('strokeWidth', length(value));
        break;
      case 'stroke-dasharray': {
        if (value.trim() === 'none') {
          set('dash', null);
          break;
        }
        const dash = numbers(value);
        // pdfkit takes positive lengths only.
        if (dash.length === 0 || dash.some((d) => !(d > 0))) notPlain(`the dashes "${value}"`);
        set('dash', dash);
        break;
      }
      case 'stroke-dashoffset':
        set('dashOffset', length(value));
        break;
      case 'stroke-linecap':
        set('cap', keyword(name, value, ['butt', 'round', 'square'] as const));
        break;
      case 'stroke-linejoin':
        set('join', keyword(name, value, ['miter', 'round', 'bevel'] as const));
        break;
      case 'stroke-miterlimit':
        set('miterLimit', num(value));
        break;
      case 'font-family':
        set('family', value);
        break;
      case 'font-size':
        set('size', length(value));
        break;
      case 'font-weight':
        if (value === 'bold' || value === 'bolder') set('bold', true);
        else if (value === 'normal' || value === 'lighter') set('bold', false);
        else set('bold', num(value) >= 600);
        break;
      case 'font-style':
        set('italic', keyword(name, value, ['normal', 'italic', 'oblique'] as const) !== 'normal');
        break;
      case 'text-anchor':
        set('anchor', keyword(name, value, ['start', 'middle', 'end'] as const));
        break;
    }
  }
  return own ?? parent;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      if (!(code > 0 && code <= 0x10ffff)) notPlain(`the character reference ${all}`);
      return String.fromCodePoint(code);
    }
    return ENTITIES[name] ?? notPlain(`the entity ${all}`);
  });
}

/** SVG's default white space handling (xml:space="default"). */
function svgText(raw: string): string {
  return unescapeXml(raw.replace(/[\r\n]/g, '').replace(/\t/g, ' ').trim().replace(/ {2,}/g, ' '));
}

/** Tags, and the text between them. */
const TOKEN = /<(\/?)([a-zA-Z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>|<\?xml[^>]*\?>|<!--[\s\S]*?-->|([^<]+)|</g;
const ATTR = /([\w:.-]+)\s*=\s*"([^"]*)"/g;

interface Open {
  tag: string;
  inherited: Inherited;
  matrix: Matrix;
  clip: Clip | null;
  hidden: boolean;
  text?: { raw: string; x: number; y: number; opacity: number };
  /** A <clipPath> being read: its id and rectangles (x, y, width, height). */
  clipPath?: { id: string; rects: (readonly [number, number, number, number])[] };
}

/** The corners of rectangle (x, y, w, h) under `m`, in order round it. */
function corners(m: Matrix, [x, y, w, h]: readonly [number, number, number, number]): number[] {
  const out: number[] = [];
  for (const [px, py] of [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ] as const) {
    out.push(m[0] * px + m[2] * py + m[4], m[1] * px + m[3] * py + m[5]);
  }
  return out;
}

function parse(svg: string): PlainSvg {
  const items: Item[] = [];
  const names = new Set<string>();
  const stack: Open[] = [];
  /** Clip paths by id. Vega defines them at the end, after their use. */
  const clipPaths = new Map<string, readonly (readonly [number, number, number, number])[]>();
  /** Each use of a clip path, its rectangles to be placed when the SVG has been read. */
  const uses: { clip: { quads: (readonly number[])[] }; id: string; matrix: Matrix }[] = [];
  const define = ({ id, rects }: NonNullable<Open['clipPath']>) => {
    if (clipPaths.has(id)) notPlain(`two clip paths with the id "${id}"`);
    clipPaths.set(id, rects);
  };
  let size: { width: number; height: number } | undefined;
  let ended = false;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(svg); m; m = TOKEN.exec(svg)) {
    const [all, closing, tag, attrText, selfClosing, text] = m;
    if (text !== undefined) {
      const top = stack.at(-1);
      if (top?.text) top.text.raw += text;
      else if (text.trim() !== '') notPlain('text outside a text element');
      continue;
    }
    if (!tag) {
      if (all.startsWith('<?xml') || all.startsWith('<!--')) continue;
      notPlain('markup that is not an element');
    }
    if (ended) notPlain('content after the svg element');
    if (closing) {
      const open = stack.pop();
      if (!open || open.tag !== tag) notPlain(`a stray </${tag}>`);
      if (open.clipPath) define(open.clipPath);
      if (open.text && !open.hidden) {
        const s = svgText(open.text.raw);
        const inh = open.inherited;
        const visible = s !== '' && inh.fill !== null && open.text.opacity * inh.fillOpacity > 0 && inh.size > 0;
        if (visible) {
          items.push({
            kind: 'text',
            matrix: open.matrix,
            clip: open.clip,
            x: open.text.x,
            y: open.text.y,
            text: s,
            family: inh.family,
            bold: inh.bold,
            italic: inh.italic,
            size: inh.size,
            anchor: inh.anchor,
            fill: { color: inh.fill!, opacity: open.text.opacity * inh.fillOpacity },
          });
        }
      }
      if (stack.length === 0) ended = true;
      continue;
    }
    const own = OWN[tag];
    if (!own) notPlain(`the element <${tag}>`);
    const parent = stack.at(-1);
    if (parent?.text) notPlain(`<${tag}> inside text`);
    if (!parent !== (tag === 'svg')) notPlain(tag === 'svg' ? 'a nested <svg>' : `<${tag}> outside the svg element`);
    // Definitions hold clip paths, and clip paths rectangles: nothing in them is drawn.
    if (parent?.tag === 'defs' && tag !== 'clipPath') notPlain(`<${tag}> in <defs>`);
    if (parent?.clipPath && tag !== 'rect') notPlain(`<${tag}> in a clip path`);
    if (tag === 'clipPath' && parent?.tag !== 'defs') notPlain('a clip path outside <defs>');
    const attrs = new Map<string, string>();
    let id: string | undefined;
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(attrText ?? ''); a; a = ATTR.exec(attrText ?? '')) {
      const [, name, value] = a as unknown as [string, string, string];
      if (name === 'id') id = value;
      if (IGNORED.test(name)) continue;
      if (parent?.clipPath ? !CLIP_RECT.has(name) : !own.has(name) && !INHERITED_ATTRS.has(name)) notPlain(`the attribute ${name} on <${tag}>`);
      if (!/&|</.test(value)) attrs.set(name, value);
      else attrs.set(name, unescapeXml(value));
    }
    const inherited = inherit(parent?.inherited ?? INITIAL, attrs, names);
    const display = attrs.get('display')?.trim();
    if (display !== undefined && display !== 'none' && display !== 'inline' && display !== 'block') notPlain(`display="${display}"`);
    const hidden = (parent?.hidden ?? false) || display === 'none';
    const lengthOf = (name: string, fallback: number) => (attrs.has(name) ? length(attrs.get(name)!) : fallback);
    const elementOpacity = attrs.has('opacity') ? opacity(attrs.get('opacity')!) : 1;
    let matrix = parent?.matrix ?? IDENTITY;
    if (attrs.has('transform')) matrix = multiply(matrix, transform(attrs.get('transform')!));
    let clip = parent?.clip ?? null;
    const clipPath = attrs.get('clip-path')?.trim();
    if (clipPath !== undefined && clipPath !== 'none') {
      const ref = /^url\(\s*#([^)\s]+)\s*\)$/.exec(clipPath)?.[1];
      if (ref === undefined) notPlain(`clip-path="${clipPath}"`);
      const own = { quads: [], parent: clip };
      uses.push({ clip: own, id: ref, matrix });
      clip = own;
    }
    const open: Open = { tag, inherited, matrix, clip, hidden };

    if (parent?.clipPath) {
      const [w, h] = [lengthOf('width', 0), lengthOf('height', 0)];
      if (w < 0 || h < 0) notPlain('a rect of negative size');
      parent.clipPath.rects.push([lengthOf('x', 0), lengthOf('y', 0), w, h]);
      if (!selfClosing) notPlain('a clip rectangle with content');
      continue;
    }

    switch (tag) {
      case 'defs':
        break;
      case 'clipPath': {
        const units = attrs.get('clipPathUnits');
        if (units !== undefined && units !== 'userSpaceOnUse') notPlain(`clipPathUnits="${units}"`);
        if (!id) notPlain('a clip path without an id');
        open.clipPath = { id, rects: [] };
        break;
      }
      case 'svg': {
        const viewBox = attrs.get('viewBox');
        if (viewBox !== undefined) {
          const [x0, y0, w, h] = numbers(viewBox);
          if (x0 !== 0 || y0 !== 0 || !(w! > 0) || !(h! > 0)) notPlain(`viewBox="${viewBox}"`);
          size = { width: w!, height: h! };
        } else {
          if (!attrs.has('width') || !attrs.has('height')) notPlain('an svg element without a size');
          size = { width: lengthOf('width', 0), height: lengthOf('height', 0) };
        }
        if (!(size.width > 0 && size.height > 0)) notPlain('an svg element of no size');
        if (elementOpacity !== 1) notPlain('an svg element with opacity');
        break;
      }
      case 'g':
        // Group opacity composites the group as one image: not a plain drawing.
        if (elementOpacity !== 1 && !hidden) notPlain('a group with opacity');
        break;
      case 'text':
        // Outlined text (a stroke on the glyphs) is for svg-to-pdfkit.
        if (inherited.stroke !== null && !hidden) notPlain('text with a stroke');
        open.text = { raw: '', x: lengthOf('x', 0), y: lengthOf('y', 0), opacity: elementOpacity };
        break;
      default: {
        if (hidden || elementOpacity === 0) break;
        let geometry: Geometry;
        if (tag === 'path') {
          const d = attrs.get('d') ?? '';
          if (!/^[\s\d.,eE+\-MmZzLlHhVvCcSsQqTtAa]*$/.test(d)) notPlain('path data with other characters');
          if (!/[A-Za-z]/.test(d)) break;
          geometry = { path: d };
        } else if (tag === 'rect') {
          const [w, h] = [lengthOf('width', 0), lengthOf('height', 0)];
          if (w < 0 || h < 0) notPlain('a rect of negative size');
          if (w === 0 || h === 0) break;
          geometry = { rect: [lengthOf('x', 0), lengthOf('y', 0), w, h] };
        } else {
          geometry = { line: [lengthOf('x1', 0), lengthOf('y1', 0), lengthOf('x2', 0), lengthOf('y2', 0)] };
        }
        const fillOpacity = elementOpacity * inherited.fillOpacity;
        const strokeOpacity = elementOpacity * inherited.strokeOpacity;
        // A line has no inside: SVG never fills one.
        const fill = inherited.fill !== null && fillOpacity > 0 && tag !== 'line' ? { color: inherited.fill, opacity: fillOpacity } : null;
        const stroke: Stroke | null =
          inherited.stroke !== null && strokeOpacity > 0 && inherited.strokeWidth > 0
            ? {
                color: inherited.stroke,
                width: inherited.strokeWidth,
                opacity: strokeOpacity,
                dash: inherited.dash,
                dashOffset: inherited.dashOffset,
                cap: inherited.cap,
                join: inherited.join,
                miterLimit: inherited.miterLimit,
              }
            : null;
        if (fill || stroke) items.push({ kind: 'shape', matrix, clip, geometry, fill, stroke });
      }
    }
    if (selfClosing) {
      if (open.clipPath) define(open.clipPath);
      if (tag === 'svg') ended = true;
      continue;
    }
    stack.push(open);
  }
  if (!ended || stack.length > 0 || !size) notPlain('an unfinished svg element');
  // A clip path's rectangles are in the user space of the element that uses it (its
  // transform included: clipPathUnits="userSpaceOnUse", the default).
  for (const use of uses) {
    const rects = clipPaths.get(use.id) ?? notPlain(`a clip path "${use.id}" that is not defined`);
    use.clip.quads = rects.filter(([, , w, h]) => w > 0 && h > 0).map((r) => corners(use.matrix, r));
  }
  // A clip path with nothing in it lets nothing through.
  const shown = (clip: Clip | null): boolean => clip === null || (clip.quads.length > 0 && shown(clip.parent));
  return { ...size, items: uses.length ? items.filter((item) => shown(item.clip)) : items, names: [...names] };
}

/** Parsed SVGs by their text (null: not plain), for the charts of the next build. */
const parsed = new Map<string, PlainSvg | null>();
const MAX_PARSED = 128;

/** Forget every SVG read so far (the benchmark uses it to draw every chart from scratch). */
export function forgetPlainSvgs(): void {
  parsed.clear();
}

/** `svg` read as a plain SVG, or null if it is not one (then svg-to-pdfkit draws it). */
export function plainSvg(svg: string): PlainSvg | null {
  let result = parsed.get(svg);
  if (result !== undefined) return result;
  try {
    result = parse(svg);
  } catch (e) {
    if (!(e instanceof NotPlain)) throw e;
    result = null;
  }
  if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
  parsed.set(svg, result);
  return result;
}

/** The part of pdfkit's document drawing needs beyond its public methods. */
interface ColorDoc {
  _normalizeColor?: (color: unknown) => unknown;
}

export interface PlainSvgOptions {
  /** The drawn size in points: the SVG is fitted inside, centred (preserveAspectRatio xMidYMid meet). */
  width: number;
  height: number;
  /** The registered font for an SVG font family, weight and style. */
  font: (family: string, bold: boolean, italic: boolean) => string;
}

/** Whether `drawing` can be drawn on `doc`: every colour name is one pdfkit knows. */
export function drawable(doc: Doc, drawing: PlainSvg): boolean {
  const normalize = (doc as unknown as ColorDoc)._normalizeColor;
  if (drawing.names.length === 0) return true;
  return typeof normalize === 'function' && drawing.names.every((name) => normalize.call(doc, name) !== null);
}

/** pdfkit's colour argument for a Color. */
const pdfColor = (c: Color): string | [number, number, number] => (typeof c === 'string' ? c : [c[0], c[1], c[2]]);

const isIdentity = (m: Matrix) => m[0] === 1 && m[1] === 0 && m[2] === 0 && m[3] === 1 && m[4] === 0 && m[5] === 0;

/** Draws a plain SVG (see plainSvg and drawable) at (x, y), fitted to the options' size. */
export function drawPlainSvg(doc: Doc, drawing: PlainSvg, x: number, y: number, options: PlainSvgOptions): void {
  const scale = Math.min(options.width / drawing.width, options.height / drawing.height);
  const dx = x + (options.width - drawing.width * scale) / 2;
  const dy = y + (options.height - drawing.height * scale) / 2;
  // pdfkit remembers the fill colour outside the graphics state; put it back afterwards.
  const fillColor = (doc as unknown as { _fillColor: unknown })._fillColor;
  doc.save();
  doc.transform(scale, 0, 0, scale, dx, dy);
  // The SVG's viewport clips what it draws, as in a browser.
  doc.rect(0, 0, drawing.width, drawing.height).clip();
  // The clip paths in force: set for a run of items that share them, in a q...Q of their own.
  let clipped: Clip | null = null;
  for (const item of drawing.items) {
    if (item.clip !== clipped) {
      if (clipped) doc.restore();
      clipped = item.clip;
      if (clipped) {
        doc.save();
        applyClip(doc, clipped);
      }
    }
    doc.save();
    if (!isIdentity(item.matrix)) doc.transform(...item.matrix);
    if (item.kind === 'text') {
      doc.font(options.font(item.family, item.bold, item.italic)).fontSize(item.size);
      const width = item.anchor === 'start' ? 0 : doc.widthOfString(item.text);
      const left = item.x - (item.anchor === 'middle' ? width / 2 : item.anchor === 'end' ? width : 0);
      doc.fillColor(pdfColor(item.fill.color), item.fill.opacity < 1 ? item.fill.opacity : undefined);
      // Text set at a slant (rotated axis labels) comes apart in extractors that group
      // glyphs into lines (poppler: "Se", "p", "20", "15"): its string goes with it.
      if (item.matrix[1] !== 0 || item.matrix[2] !== 0) withActualText(doc, () => item.text, () => drawText(doc, item.text, left, item.y));
      else drawText(doc, item.text, left, item.y);
    } else {
      const { fill, stroke, geometry } = item;
      if (fill) doc.fillColor(pdfColor(fill.color), fill.opacity < 1 ? fill.opacity : undefined);
      if (stroke) {
        doc.strokeColor(pdfColor(stroke.color), stroke.opacity < 1 ? stroke.opacity : undefined);
        doc.lineWidth(stroke.width);
        // pdfkit's types say a number; it takes an array of lengths as well.
        if (stroke.dash) doc.dash([...stroke.dash] as unknown as number, { phase: stroke.dashOffset });
        if (stroke.cap) doc.lineCap(stroke.cap);
        if (stroke.join) doc.lineJoin(stroke.join);
        if (stroke.miterLimit !== null) doc.miterLimit(stroke.miterLimit);
      }
      if ('path' in geometry) doc.path(geometry.path);
      else if ('rect' in geometry) doc.rect(...geometry.rect);
      else doc.moveTo(geometry.line[0], geometry.line[1]).lineTo(geometry.line[2], geometry.line[3]);
      if (fill && stroke) doc.fillAndStroke();
      else if (fill) doc.fill();
      else doc.stroke();
    }
    doc.restore();
  }
  if (clipped) doc.restore();
  doc.restore();
  (doc as unknown as { _fillColor: unknown })._fillColor = fillColor;
}

/** Clip to `clip` and the clips around it, outermost first; a clip's rectangles as one path (their union). */
function applyClip(doc: Doc, clip: Clip): void {
  if (clip.parent) applyClip(doc, clip.parent);
  for (const q of clip.quads) {
    doc.moveTo(q[0]!, q[1]!);
    for (let i = 2; i < 8; i += 2) doc.lineTo(q[i]!, q[i + 1]!);
    doc.closePath();
  }
  doc.clip();
}
