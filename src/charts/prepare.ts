/**
 * Checks a caller's Vega-Lite spec and turns it into the spec we compile:
 *
 * - nothing may be loaded: any `url` (data, image marks, anywhere) or `href` is refused,
 *   and image marks are refused;
 * - the data is the caller's values only: a top-level `data: {name}` or absent data (and a
 *   nested `data: {name}`) become inline `{values}`; any other data source is refused;
 * - every field an encoding names must be in the values or made by a transform;
 * - the house theme goes under the spec's own config, the top-level title is dropped
 *   (titles are written in the document), strokeDash encodings get the house dash patterns,
 *   dates are read in UTC (the drawing does not depend on the machine's time zone),
 *   and a single view is fitted to the target width.
 *
 * Everything here is synchronous and needs neither vega nor vega-lite.
 */
import { houseConfig, mergeConfig, STROKE_DASHES } from './theme.js';

export type JsonObject = Record<string, unknown>;

export const DEFAULT_WIDTH = 600;

/** Vega-Lite mark types we accept (image is refused: it can only draw loaded files). */
export const MARK_TYPES = [
  'arc',
  'area',
  'bar',
  'boxplot',
  'circle',
  'errorband',
  'errorbar',
  'geoshape',
  'line',
  'point',
  'rect',
  'rule',
  'square',
  'text',
  'tick',
  'trail',
] as const;

/** Thrown by the checks; `renderChart` turns it into a ChartError naming file and chart. */
export class SpecProblem extends Error {}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pathJoin(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Keys holding sub-views (arrays) and the single sub-view of facet/repeat. */
const VIEW_ARRAY_KEYS = ['layer', 'hconcat', 'vconcat', 'concat'] as const;

/** Visit every view (unit, layer, concat, facet, repeat), parents first. */
function forEachView(
  view: JsonObject,
  path: string,
  fn: (view: JsonObject, path: string, parents: JsonObject[]) => void,
  parents: JsonObject[] = [],
): void {
  fn(view, path, parents);
  const chain = [...parents, view];
  for (const key of VIEW_ARRAY_KEYS) {
    const children = view[key];
    if (Array.isArray(children)) {
      children.forEach((child, i) => {
        if (isObject(child)) forEachView(child, pathJoin(pathJoin(path, key), i), fn, chain);
      });
    }
  }
  if (isObject(view.spec)) forEachView(view.spec, pathJoin(path, 'spec'), fn, chain);
}

/** Refuse anything that would make Vega load a file or URL, or write a link. */
function refuseLoads(node: unknown, path: string): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => refuseLoads(item, pathJoin(path, i)));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const at = pathJoin(path, key);
    if (key === 'usermeta' || key === 'description') continue;
    if (key === 'url') {
      throw new SpecProblem(
        `"url" is not allowed (at ${at}): a chart draws only the figures bound to it and may not load files or URLs`,
      );
    }
    if (key === 'href') {
      throw new SpecProblem(`"href" is not allowed (at ${at}): charts may not carry links`);
    }
    refuseLoads(value, at);
  }
}

function markType(view: JsonObject): unknown {
  const mark = view.mark;
  return isObject(mark) ? mark.type : mark;
}

function checkMark(view: JsonObject, path: string): void {
  if (!('mark' in view)) return;
  const type = markType(view);
  if (type === 'image') {
    throw new SpecProblem(`image marks are not allowed (at ${pathJoin(path, 'mark')}): charts may not load files`);
  }
  if (typeof type !== 'string' || !(MARK_TYPES as readonly string[]).includes(type)) {
    throw new SpecProblem(
      `not a valid Vega-Lite spec: unknown mark type ${JSON.stringify(type)} at ${pathJoin(path, 'mark')} ` +
        `(expected one of ${MARK_TYPES.join(', ')})`,
    );
  }
}

/** Replace `data: {name}` (or absent data at the top) with the caller's values. */
function bindData(view: JsonObject, path: string, top: boolean, values: JsonObject[]): void {
  const data = view.data;
  if (data === undefined || data === null) {
    if (top) view.data = { values };
    return;
  }
  const at = pathJoin(path, 'data');
  if (!isObject(data)) throw new SpecProblem(`data at ${at} must be {"name": "..."} or absent`);
  if (typeof data.name === 'string' && !('values' in data) && !('sequence' in data)) {
    const inline: JsonObject = { values };
    if (isObject(data.format)) inline.format = data.format;
    view.data = inline;
    return;
  }
  const what = 'values' in data ? 'inline values' : Object.keys(data).join(', ') || 'empty data';
  throw new SpecProblem(
    `data at ${at} has ${what}: a chart's data must be {"name": "values"} or absent; the figures bound to the chart are its only data`,
  );
}

function asStrings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Fields a transform adds to the data. */
function transformOutputs(t: JsonObject, values: JsonObject[]): string[] {
  const out: string[] = [];
  // Every `as`, at the top or inside arrays of operations (aggregate, window, joinaggregate).
  const collectAs = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collectAs);
    else if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'as') out.push(...asStrings(v));
        else if (typeof v === 'object') collectAs(v);
      }
    }
  };
  collectAs(t);
  if ('fold' in t && !('as' in t)) out.push('key', 'value');
  if ('density' in t && !('as' in t)) out.push('value', 'density');
  if ('quantile' in t && !('as' in t)) out.push('prob', 'value');
  if ('bin' in t && typeof t.as === 'string') out.push(`${t.as}_end`);
  if ('flatten' in t && !('as' in t)) out.push(...asStrings(t.flatten));
  if ('loess' in t && !('as' in t)) out.push(...asStrings(t.loess), ...asStrings(t.on));
  if ('regression' in t && !('as' in t)) out.push(...asStrings(t.regression), ...asStrings(t.on));
  if ('lookup' in t && isObject(t.from) && !('as' in t)) out.push(...asStrings(t.from.fields));
  if (typeof t.pivot === 'string') {
    const pivot = t.pivot;
    for (const row of values) if (row[pivot] != null) out.push(String(row[pivot]));
  }
  return out;
}

interface FieldUse {
  field: string;
  path: string;
}

/** Fields named in one channel definition (arrays, conditions, sort by field included). */
function channelFields(def: unknown, path: string, out: FieldUse[]): void {
  if (Array.isArray(def)) {
    def.forEach((d, i) => channelFields(d, pathJoin(path, i), out));
    return;
  }
  if (!isObject(def)) return;
  if (typeof def.field === 'string') out.push({ field: def.field, path });
  if (def.condition !== undefined) channelFields(def.condition, pathJoin(path, 'condition'), out);
  if (isObject(def.sort) && typeof def.sort.field === 'string') {
    out.push({ field: def.sort.field, path: pathJoin(path, 'sort') });
  }
}

/** Does a Vega-Lite field string name a key of the data? ("a.b" is a nested access, "a\\.b" a key with a dot.) */
function fieldIn(field: string, available: Set<string>): boolean {
  const unescaped = field.replace(/\\(.)/g, '$1');
  if (available.has(unescaped)) return true;
  const head = /^((?:\\.|[^.[\\])*)/.exec(field)?.[1] ?? field;
  return available.has(head.replace(/\\(.)/g, '$1'));
}

/** Keys of the values, in order of first appearance. */
export function dataFields(values: readonly JsonObject[]): string[] {
  const seen = new Set<string>();
  for (const row of values) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}

function checkFields(view: JsonObject, path: string, parents: JsonObject[], values: JsonObject[], fields: string[]): void {
  const available = new Set(fields);
  for (const v of [...parents, view]) {
    if (Array.isArray(v.transform)) {
      for (const t of v.transform) if (isObject(t)) transformOutputs(t, values).forEach((f) => available.add(f));
    }
  }
  const uses: FieldUse[] = [];
  if (isObject(view.encoding)) {
    for (const [channel, def] of Object.entries(view.encoding)) {
      channelFields(def, pathJoin(pathJoin(path, 'encoding'), channel), uses);
    }
  }
  if (isObject(view.facet)) {
    if (typeof view.facet.field === 'string') channelFields(view.facet, pathJoin(path, 'facet'), uses);
    else for (const [k, def] of Object.entries(view.facet)) channelFields(def, pathJoin(pathJoin(path, 'facet'), k), uses);
  }
  for (const use of uses) {
    if (!fieldIn(use.field, available)) {
      throw new SpecProblem(
        `field ${JSON.stringify(use.field)} (${use.path}) is not in the chart's data (fields: ${fields.join(', ')})`,
      );
    }
  }
}

/** A time unit read in UTC ("yearmonth" -> "utcyearmonth"). */
function utcTimeUnit(tu: unknown): unknown {
  if (typeof tu === 'string') return tu.startsWith('utc') || tu.startsWith('binned') ? tu : `utc${tu}`;
  if (isObject(tu) && tu.utc === undefined && !(typeof tu.unit === 'string' && tu.unit.startsWith('utc'))) {
    return { ...tu, utc: true };
  }
  return tu;
}

/** Make one channel definition read dates in UTC (time units, and the scale of a temporal field). */
function utcChannel(def: unknown): unknown {
  if (Array.isArray(def)) return def.map(utcChannel);
  if (!isObject(def)) return def;
  const out: JsonObject = { ...def };
  if (out.timeUnit !== undefined) out.timeUnit = utcTimeUnit(out.timeUnit);
  if (out.type === 'temporal' && out.timeUnit === undefined && out.scale !== null) {
    const scale = isObject(out.scale) ? out.scale : {};
    if (scale.type === undefined) out.scale = { ...scale, type: 'utc' };
  }
  if (out.condition !== undefined) out.condition = utcChannel(out.condition);
  return out;
}

/**
 * Read every date in UTC, so a chart does not depend on the machine's time zone ("2016-05"
 * is parsed as UTC midnight; local time units would put it in April west of Greenwich, and
 * shift it by an hour in British Summer Time).
 */
function utcDates(view: JsonObject): void {
  if (isObject(view.encoding)) {
    for (const [channel, def] of Object.entries(view.encoding)) view.encoding[channel] = utcChannel(def);
  }
  if (Array.isArray(view.transform)) {
    view.transform = view.transform.map((t) =>
      isObject(t) && t.timeUnit !== undefined && typeof t.field === 'string' ? { ...t, timeUnit: utcTimeUnit(t.timeUnit) } : t,
    );
  }
}

/** Give a strokeDash encoding without a range of its own the house dash patterns. */
function houseDashes(view: JsonObject): void {
  const enc = view.encoding;
  if (!isObject(enc) || !isObject(enc.strokeDash) || enc.strokeDash.field === undefined) return;
  const scale = enc.strokeDash.scale;
  if (scale === null) return;
  if (isObject(scale) && (scale.range !== undefined || scale.scheme !== undefined)) return;
  enc.strokeDash = { ...enc.strokeDash, scale: { ...(isObject(scale) ? scale : {}), range: STROKE_DASHES } };
}

function isSingleView(spec: JsonObject): boolean {
  if (!('mark' in spec) && !Array.isArray(spec.layer)) return false;
  const enc = isObject(spec.encoding) ? spec.encoding : {};
  return !('row' in enc || 'column' in enc || 'facet' in enc);
}

export interface PreparedSpec {
  /** The spec to compile: values inline, house config merged, width set. */
  spec: JsonObject;
  /** Target width in CSS px. */
  width: number;
  /** The rows every inline data of the spec holds (one array, shared). */
  rows: JsonObject[];
}

/**
 * Check the caller's spec and values and build the spec to compile. Throws SpecProblem.
 * The caller's objects are not modified (values are copied: Vega writes into its tuples).
 */
export function prepareSpec(spec: unknown, values: unknown, width?: number): PreparedSpec {
  if (!isObject(spec)) throw new SpecProblem('the spec must be a JSON object (a Vega-Lite spec)');
  if (!Array.isArray(values)) throw new SpecProblem('the chart values must be an array of objects');
  if (values.length === 0) throw new SpecProblem('the chart has no values to draw');
  values.forEach((row, i) => {
    if (!isObject(row)) throw new SpecProblem(`value ${i + 1} is not an object (each value is one row of the chart's data)`);
  });
  if (width !== undefined && !(Number.isFinite(width) && width > 0)) {
    throw new SpecProblem(`width must be a positive number of CSS px, not ${String(width)}`);
  }

  refuseLoads(spec, '');
  if ('datasets' in spec) throw new SpecProblem('"datasets" is not allowed: the figures bound to the chart are its only data');

  const rows = (values as JsonObject[]).map((row) => ({ ...row }));
  const fields = dataFields(rows);
  const out = structuredClone(spec) as JsonObject;

  forEachView(out, '', (view, path, parents) => {
    checkMark(view, path);
    bindData(view, path, parents.length === 0, rows);
    checkFields(view, path, parents, rows, fields);
    houseDashes(view);
    utcDates(view);
  });

  // Titles and captions are written in the document, never inside the image.
  delete out.title;
  out.config = mergeConfig(houseConfig, out.config);

  const target = width ?? (typeof out.width === 'number' ? out.width : DEFAULT_WIDTH);
  if (isSingleView(out) && !isObject(out.width)) {
    out.width = target;
    out.autosize ??= { type: 'fit-x', contains: 'padding' };
  }
  return { spec: out, width: target, rows };
}
