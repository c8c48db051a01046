/**
 * Alternative text for a chart, written from its data: the kind of chart, what it shows,
 * and the main message computed from the values.
 *
 *   single series over time:  "Bar chart of monthly referrals, October 2015 to September 2016:
 *                              average 910 a month, lowest 671 in August, highest 1,032 in May."
 *   several series (colour):  "Line chart of waiting weeks by service, April 2023 to March 2024:
 *                              Service A from 12 to 9; Service B from 20 to 25."
 *   parts of a whole (arc):   "Pie chart of referrals by source, total 300: GP 120 (40%), ..."
 *
 * Names come from the options, else from the spec's titles (encoding or axis/legend title),
 * else from the field names. Nothing here needs vega.
 */
import { isObject, type JsonObject } from './prepare.js';

export interface DescribeOptions {
  /** Human name of the measure, e.g. "monthly referrals". Default: the measure's title, else its field. */
  measure?: string;
  /** Human name of what the colours tell apart, e.g. "team". Default: the colour title, else its field. */
  series?: string;
  /** Human name of the categories of a non-time axis, e.g. "age group". Default: its title, else its field. */
  category?: string;
  /** The period, e.g. "2015-16". Default: first to last date of the values ("October 2015 to September 2016"). */
  period?: string;
  /** Words after the average, e.g. "a month". Default: from the spacing of the dates ("a month", "a year"...). */
  per?: string;
  /** Number formatter. Default: grouped digits in the locale, with as many decimals as the data has (at most 3). */
  formatNumber?: (n: number) => string;
  /** Locale of numbers and month names. Default "en-GB". */
  locale?: string;
}

type Granularity = 'day' | 'month' | 'quarter' | 'year';

interface Unit {
  mark: string;
  markDef: JsonObject;
  encoding: JsonObject;
}

const LABEL_MARKS = new Set(['rule', 'text']);

/** Unit views with the encoding they inherit from their parents. */
function units(view: JsonObject, inherited: JsonObject = {}): Unit[] {
  const encoding = { ...inherited, ...(isObject(view.encoding) ? view.encoding : {}) };
  const out: Unit[] = [];
  if (view.mark !== undefined) {
    const markDef = isObject(view.mark) ? view.mark : { type: view.mark };
    out.push({ mark: String(markDef.type), markDef, encoding });
  }
  for (const key of ['layer', 'hconcat', 'vconcat', 'concat']) {
    const children = view[key];
    if (Array.isArray(children)) for (const c of children) if (isObject(c)) out.push(...units(c, encoding));
  }
  if (isObject(view.spec)) out.push(...units(view.spec, encoding));
  return out;
}

function chartKind(unit: Unit | undefined): string {
  switch (unit?.mark) {
    case 'bar':
      return 'Bar chart';
    case 'line':
    case 'trail':
      return 'Line chart';
    case 'area':
      return 'Area chart';
    case 'arc': {
      const inner = unit.markDef.innerRadius;
      return typeof inner === 'number' && inner > 0 ? 'Donut chart' : 'Pie chart';
    }
    default:
      return 'Chart';
  }
}

function def(encoding: JsonObject, channel: string): JsonObject | undefined {
  const d = encoding[channel];
  return isObject(d) ? d : undefined;
}

function fieldOf(d: JsonObject | undefined): string | undefined {
  return d && typeof d.field === 'string' ? d.field : undefined;
}

/** Read a (possibly nested, "a.b") Vega-Lite field from a row. */
function get(row: JsonObject, field: string): unknown {
  const plain = field.replace(/\\(.)/g, '$1');
  if (plain in row) return row[plain];
  let cur: unknown = row;
  for (const part of field.split(/(?<!\\)\.|\[|\]/).filter(Boolean)) {
    if (!isObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/\\(.)/g, '$1').replace(/^["']|["']$/g, '')];
  }
  return cur;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.replace(/,/g, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/;

/** Dates are read as UTC so the words do not depend on the machine's time zone. */
function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v);
  if (typeof v === 'string') {
    const m = ISO_DATE.exec(v.trim());
    if (!m) return undefined;
    const [, y, mo, d, h, mi, s] = m;
    return new Date(Date.UTC(+y!, +mo! - 1, d ? +d : 1, h ? +h : 0, mi ? +mi : 0, s ? +s : 0));
  }
  return undefined;
}

function looksTemporal(d: JsonObject | undefined, raw: unknown[]): boolean {
  if (!d) return false;
  if (d.type === 'temporal' || d.timeUnit !== undefined) return true;
  if (d.type === 'quantitative') return false;
  return raw.length > 0 && raw.every((v) => v instanceof Date || (typeof v === 'string' && ISO_DATE.test(v.trim())));
}

function granularityOf(d: JsonObject, dates: Date[]): Granularity {
  const tu = d.timeUnit;
  const unit = (isObject(tu) ? String(tu.unit ?? '') : String(tu ?? '')).toLowerCase();
  if (unit) {
    if (/date|day|hours|minutes|seconds|week|dayofyear/.test(unit)) return 'day';
    if (unit.includes('month')) return 'month';
    if (unit.includes('quarter')) return 'quarter';
    if (unit.includes('year')) return 'year';
  }
  const midnight = dates.every((t) => t.getUTCHours() === 0 && t.getUTCMinutes() === 0);
  if (!midnight || dates.some((t) => t.getUTCDate() !== 1)) return 'day';
  const months = new Set(dates.map((t) => t.getUTCMonth()));
  const years = new Set(dates.map((t) => t.getUTCFullYear()));
  if (months.size === 1 && months.has(0) && years.size === dates.length && dates.length > 1) return 'year';
  return 'month';
}

const PER: Record<Granularity, string> = { day: 'a day', month: 'a month', quarter: 'a quarter', year: 'a year' };
const PLURAL: Record<Granularity, string> = { day: 'days', month: 'months', quarter: 'quarters', year: 'years' };

/** Lower-case a title for use inside a sentence, keeping acronyms ("CAMHS", "GP"). */
function inSentence(name: string): string {
  const s = name.trim();
  if (s.length > 1 && s[1] === s[1]!.toLowerCase() && s[0] !== s[0]!.toLowerCase()) {
    return s[0]!.toLowerCase() + s.slice(1);
  }
  return s;
}

function humanField(field: string): string {
  return field
    .replace(/\\(.)/g, '$1')
    .replace(/[_.]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
}

function titleOf(d: JsonObject | undefined, guide: 'axis' | 'legend'): string | undefined {
  if (!d) return undefined;
  const t = d.title ?? (isObject(d[guide]) ? (d[guide] as JsonObject).title : undefined);
  if (typeof t === 'string' && t.trim()) return inSentence(t);
  if (Array.isArray(t) && t.length) return inSentence(t.map(String).join(' '));
  const f = fieldOf(d);
  return f ? humanField(f) : undefined;
}

function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function decimalsOf(values: number[]): number {
  let max = 0;
  for (const v of values) {
    const s = String(v);
    if (/e/i.test(s)) continue;
    const dot = s.indexOf('.');
    if (dot >= 0) max = Math.max(max, s.length - dot - 1);
  }
  return Math.min(max, 3);
}

function aggregate(op: unknown, xs: number[]): number {
  switch (op) {
    case 'mean':
    case 'average':
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'min':
      return Math.min(...xs);
    case 'max':
      return Math.max(...xs);
    case 'count':
    case 'valid':
      return xs.length;
    case 'median': {
      const s = [...xs].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    }
    default:
      return xs.reduce((a, b) => a + b, 0);
  }
}

interface Point {
  key: string;
  /** Date for a time axis, else undefined. */
  date?: Date;
  /** Category label for a non-time axis. */
  label: string;
  value: number;
}

/**
 * Intl formatters are slow to build (each loads its locale's data) and give the same text
 * every time: one per locale and options, for the life of the process.
 */
const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `date\u0000${locale}\u0000${JSON.stringify(options)}`;
  let f = formats.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

function numberFormat(locale: string, maximumFractionDigits: number): Intl.NumberFormat {
  const key = `number\u0000${locale}\u0000${maximumFractionDigits}`;
  let f = formats.get(key) as Intl.NumberFormat | undefined;
  if (!f) formats.set(key, (f = new Intl.NumberFormat(locale, { maximumFractionDigits })));
  return f;
}

class Labeller {
  private readonly monthFmt: Intl.DateTimeFormat;
  private readonly dayFmt: Intl.DateTimeFormat;
  private readonly dayYearFmt: Intl.DateTimeFormat;
  /** Short labels ("May") that occur in more than one year get their year. */
  private readonly ambiguous = new Set<string>();

  constructor(
    locale: string,
    readonly granularity: Granularity | undefined,
    dates: Date[],
  ) {
    this.monthFmt = dateFormat(locale, { month: 'long', timeZone: 'UTC' });
    this.dayFmt = dateFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' });
    this.dayYearFmt = dateFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const years = new Map<string, Set<number>>();
    for (const d of dates) {
      const s = this.short(d);
      if (!years.has(s)) years.set(s, new Set());
      years.get(s)!.add(d.getUTCFullYear());
    }
    for (const [s, ys] of years) if (ys.size > 1) this.ambiguous.add(s);
  }

  private short(d: Date): string {
    switch (this.granularity) {
      case 'year':
        return String(d.getUTCFullYear());
      case 'quarter':
        return `Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
      case 'day':
        return this.dayFmt.format(d);
      default:
        return this.monthFmt.format(d);
    }
  }

  /** With the year: "October 2015". */
  full(p: Point): string {
    if (!p.date) return p.label;
    switch (this.granularity) {
      case 'year':
        return String(p.date.getUTCFullYear());
      case 'day':
        return this.dayYearFmt.format(p.date);
      default:
        return `${this.short(p.date)} ${p.date.getUTCFullYear()}`;
    }
  }

  /** Inside the range: "May", or "May 2016" when May occurs in two years. */
  brief(p: Point): string {
    if (!p.date) return p.label;
    const s = this.short(p.date);
    return this.ambiguous.has(s) ? this.full(p) : s;
  }

  key(d: Date): string {
    const y = d.getUTCFullYear();
    switch (this.granularity) {
      case 'year':
        return String(y);
      case 'quarter':
        return `${y}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
      case 'month':
        return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      default:
        return d.toISOString();
    }
  }
}

/** Group rows into points (one per axis position), combining duplicates like the chart does. */
function toPoints(
  rows: JsonObject[],
  domainField: string | undefined,
  measureField: string | undefined,
  op: unknown,
  labeller: Labeller | undefined,
): Point[] {
  const groups = new Map<string, { point: Omit<Point, 'value'>; xs: number[] }>();
  rows.forEach((row, i) => {
    const raw = domainField ? get(row, domainField) : i;
    let key: string;
    let date: Date | undefined;
    if (labeller) {
      date = toDate(raw);
      if (!date) return;
      key = labeller.key(date);
    } else {
      key = String(raw);
    }
    const x = measureField ? toNumber(get(row, measureField)) : 1;
    if (x === undefined) return;
    let g = groups.get(key);
    if (!g) {
      g = { point: { key, date, label: String(raw ?? '') }, xs: [] };
      groups.set(key, g);
    }
    g.xs.push(x);
  });
  const points = [...groups.values()].map((g) => ({
    ...g.point,
    value: aggregate(measureField ? op : 'count', g.xs),
  }));
  if (labeller) points.sort((a, b) => a.date!.getTime() - b.date!.getTime());
  return points;
}

function seriesOrder(d: JsonObject, names: string[]): string[] {
  if (Array.isArray(d.sort)) {
    const order = d.sort.map(String);
    return [...names].sort((a, b) => {
      const ia = order.indexOf(a);
      const ib = order.indexOf(b);
      return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    });
  }
  if (d.sort === null) return names;
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return d.sort === 'descending' ? sorted.reverse() : sorted;
}

function describeArc(kind: string, unit: Unit, rows: JsonObject[], options: DescribeOptions, fmt: (n: number) => string): string {
  const theta = def(unit.encoding, 'theta') ?? def(unit.encoding, 'radius');
  const color = def(unit.encoding, 'color');
  const measure = options.measure ?? titleOf(theta, 'axis') ?? 'values';
  const category = options.series ?? titleOf(color, 'legend');
  const parts = toPoints(rows, fieldOf(color), fieldOf(theta), theta?.aggregate, undefined);
  const total = parts.reduce((a, p) => a + p.value, 0);
  const head = `${kind} of ${measure}${category ? ` by ${category}` : ''}`;
  if (!parts.length || total <= 0) return `${head}.`;
  const sorted = [...parts].sort((a, b) => b.value - a.value);
  const words = sorted.map((p) => {
    const pct = (p.value / total) * 100;
    const share = pct > 0 && Math.round(pct) === 0 ? 'under 1%' : `${Math.round(pct)}%`;
    return `${p.label} ${fmt(p.value)} (${share})`;
  });
  return `${head}, total ${fmt(total)}: ${listWords(words)}.`;
}

/**
 * Alt text for a chart from its Vega-Lite spec and the values bound to it. Never throws:
 * whatever it cannot work out it leaves out (at worst "Chart.").
 */
export function describeChart(spec: unknown, values: readonly Record<string, unknown>[], options: DescribeOptions = {}): string {
  if (!isObject(spec)) return 'Chart.';
  const rows = (Array.isArray(values) ? values : []).filter(isObject);
  const all = units(spec);
  const unit = all.find((u) => !LABEL_MARKS.has(u.mark)) ?? all[0];
  const kind = chartKind(unit);
  if (!unit) return `${kind}.`;
  const locale = options.locale ?? 'en-GB';

  const makeFormat = (nums: number[]) => {
    if (options.formatNumber) return options.formatNumber;
    const nf = numberFormat(locale, decimalsOf(nums));
    return (n: number) => nf.format(n);
  };

  if (unit.mark === 'arc') {
    const theta = fieldOf(def(unit.encoding, 'theta') ?? def(unit.encoding, 'radius'));
    const nums = theta ? rows.map((r) => toNumber(get(r, theta))).filter((n): n is number => n !== undefined) : [];
    return describeArc(kind, unit, rows, options, makeFormat(nums));
  }

  // Which axis carries the measure: y, unless only x is quantitative (horizontal bars).
  const x = def(unit.encoding, 'x');
  const y = def(unit.encoding, 'y');
  const horizontal = x?.type === 'quantitative' && y?.type !== 'quantitative' && y !== undefined;
  const measureDef = horizontal ? x : y;
  const domainDef = horizontal ? y : x;
  const measureField = fieldOf(measureDef);
  const domainField = fieldOf(domainDef);
  const measure =
    options.measure ??
    titleOf(measureDef, 'axis') ??
    (measureDef?.aggregate === 'count' ? 'number of records' : 'values');

  const rawDomain = domainField ? rows.map((r) => get(r, domainField)) : [];
  const temporal = looksTemporal(domainDef, rawDomain);
  const dates = temporal ? rawDomain.map(toDate).filter((d): d is Date => d !== undefined) : [];
  const granularity = temporal && domainDef ? granularityOf(domainDef, dates) : undefined;
  const labeller = temporal ? new Labeller(locale, granularity, dates) : undefined;

  const nums = measureField
    ? rows.map((r) => toNumber(get(r, measureField))).filter((n): n is number => n !== undefined)
    : [];
  const fmt = makeFormat(nums);

  const seriesDef = ['color', 'strokeDash', 'shape'].map((c) => def(unit.encoding, c)).find((d) => fieldOf(d));
  const seriesField = fieldOf(seriesDef);
  const category = options.category ?? titleOf(domainDef, 'axis');

  const groups = new Map<string, JsonObject[]>();
  if (seriesField) {
    for (const r of rows) {
      const k = String(get(r, seriesField) ?? '');
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(r);
    }
  } else groups.set('', rows);

  const series = [...groups.entries()].map(([name, rs]) => ({
    name,
    points: toPoints(rs, domainField, measureField, measureDef?.aggregate, labeller),
  }));
  const allPoints = series.flatMap((s) => s.points);
  if (!allPoints.length) return `${kind} of ${measure}.`;

  // The period (time axis) or the categories (other axes).
  let head = `${kind} of ${measure}`;
  let first: Point | undefined;
  let last: Point | undefined;
  if (labeller) {
    const byTime = [...allPoints].sort((a, b) => a.date!.getTime() - b.date!.getTime());
    first = byTime[0]!;
    last = byTime[byTime.length - 1]!;
  }
  if (seriesField) head += ` by ${options.series ?? titleOf(seriesDef, 'legend')}`;
  else if (!labeller && category) head += ` by ${category}`;
  const period =
    options.period ??
    (labeller && first && last
      ? first.key === last.key
        ? labeller.full(first)
        : `${labeller.full(first)} to ${labeller.full(last)}`
      : undefined);
  if (period) head += `, ${period}`;

  const at = labeller ? 'in' : 'for';
  const where = (ps: Point[], total: number): string => {
    if (ps.length > 3) {
      const noun = granularity ? PLURAL[granularity] : 'categories';
      return `${at} ${ps.length} of the ${total} ${noun}`;
    }
    return `${at} ${listWords(ps.map((p) => (labeller ? labeller.brief(p) : p.label)))}`;
  };

  if (!seriesField) {
    const ps = series[0]!.points;
    const vals = ps.map((p) => p.value);
    const min = Math.min(...vals);
    const max = Math.max(...vals);
    if (ps.length === 1) return `${head}: ${fmt(ps[0]!.value)}.`;
    if (min === max) return `${head}: ${fmt(min)} ${labeller ? 'throughout' : 'for each'}.`;
    const avg = vals.reduce((a, b) => a + b, 0) / vals.length;
    const per = options.per ?? (granularity ? PER[granularity] : '');
    const lows = ps.filter((p) => p.value === min);
    const highs = ps.filter((p) => p.value === max);
    return (
      `${head}: average ${fmt(avg)}${per ? ` ${per}` : ''}, ` +
      `lowest ${fmt(min)} ${where(lows, ps.length)}, highest ${fmt(max)} ${where(highs, ps.length)}.`
    );
  }

  // Several series: first and last value of each (over time), or its lowest and highest.
  const order = seriesOrder(seriesDef!, series.map((s) => s.name));
  const phrases = order.map((name) => {
    const ps = series.find((s) => s.name === name)!.points;
    if (!ps.length) return `${name}: no values`;
    if (labeller) {
      const a = ps[0]!;
      const b = ps[ps.length - 1]!;
      const inA = a.key === first?.key ? '' : ` in ${labeller.full(a)}`;
      const inB = b.key === last?.key ? '' : ` in ${labeller.full(b)}`;
      if (ps.length === 1) return `${name} ${fmt(a.value)} in ${labeller.full(a)}`;
      return `${name} from ${fmt(a.value)}${inA} to ${fmt(b.value)}${inB}`;
    }
    const vals = ps.map((p) => p.value);
    const min = Math.min(...vals);
    const max = Math.max(...vals);
    if (min === max) return `${name} ${fmt(min)} for each`;
    return (
      `${name} lowest ${fmt(min)} ${where(ps.filter((p) => p.value === min), ps.length)}, ` +
      `highest ${fmt(max)} ${where(ps.filter((p) => p.value === max), ps.length)}`
    );
  });
  return `${head}: ${phrases.join('; ')}.`;
}
