/**
 * Handlebars helpers: the words a paper needs, computed from raw figures in the house
 * style. Per-render state (house style, the list of charts placed) travels in
 * Handlebars' @data, so the helpers themselves hold no state.
 */
import type { HelperDelegate, HelperOptions } from 'handlebars';
import {
  article,
  formatDate,
  formatDatePattern,
  formatFinancialYear,
  formatMoney,
  formatMonth,
  formatNumber,
  formatPercent,
  monthName,
  numberInWords,
  plural,
  round,
  type HouseStyle,
} from './format.js';
import { average, direction, extremes, isSeries, joinAnd, latest, periodName, points, seriesRows, window, type Series } from './series.js';

/** A chart placed by a template; the document builder renders it. */
export interface ChartPlacement {
  id: string;
  data: unknown;
  title: string;
  subtitle?: string;
  source?: string;
  alt?: string;
  table: boolean;
}

export interface RenderData {
  house: HouseStyle;
  charts: ChartPlacement[];
  /** In a pack: the pages each item's paper starts and ends on, by item number. */
  pages?: Record<string, { start: number; end: number }>;
}

/** Markup the document builder reads as a page reference (see PageRef in the model). */
const pageRef = (part: string, edge: 'start' | 'end', value: number) => `:pageref[${value}]{part="${part}" edge="${edge}"}`;

/** The pack part id of an agenda item. */
export const itemPartId = (number: unknown) => `item-${String(number)}`;

/** Thrown by helpers for a misuse in a template; the engine adds the template file and line. */
export class HelperError extends Error {}

function state(options: HelperOptions): RenderData {
  const d = options.data as { root?: unknown; house?: HouseStyle; charts?: ChartPlacement[] };
  if (!d.house || !d.charts) throw new HelperError('internal: template rendered without house style');
  return d as unknown as RenderData;
}

function num(v: unknown, helper: string, what = 'a number'): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v.replace(/,/g, '')))) return Number(v.replace(/,/g, ''));
  throw new HelperError(`{{${helper}}} expected ${what}, found ${v === null || v === undefined ? 'nothing' : JSON.stringify(v)}`);
}

function str(v: unknown, helper: string, what: string): string {
  if (typeof v === 'string' && v !== '') return v;
  throw new HelperError(`{{${helper}}} expected ${what}, found ${v === null || v === undefined ? 'nothing' : JSON.stringify(v)}`);
}

function series(v: unknown, helper: string): Series {
  if (isSeries(v)) return v;
  throw new HelperError(`{{${helper}}} expected a monthly series (months YYYY-MM with numbers), found ${v === null || v === undefined ? 'nothing' : typeof v}`);
}

/** The last hash argument of every helper call is Handlebars' options object. */
function split(args: unknown[]): { params: unknown[]; options: HelperOptions } {
  return { params: args.slice(0, -1), options: args[args.length - 1] as HelperOptions };
}

function windowOf(s: Series, options: HelperOptions) {
  const months = options.hash.months as number | undefined;
  return window(s, months);
}

/** "671 in August" or, on a tie, "671 in July and August". */
function extremeText(s: Series, options: HelperOptions, which: 'lowest' | 'highest'): string {
  const ps = windowOf(s, options);
  const ex = extremes(ps, which);
  return `${formatNumber(ex[0].value)} in ${joinAnd(ex.map((p) => periodName(p.period, ps, state(options).house)))}`;
}

export const helpers: Record<string, HelperDelegate> = {
  /** {{number 1032}} -> 1,032; {{number 8.6 dp=1}} */
  number(...args: unknown[]) {
    const { params, options } = split(args);
    return formatNumber(num(params[0], 'number'), options.hash.dp as number | undefined);
  },
  /** {{words 10}} -> ten (up to the house limit), {{words 44}} -> 44 */
  words(...args: unknown[]) {
    const { params, options } = split(args);
    return numberInWords(num(params[0], 'words'), state(options).house);
  },
  /** {{percent 53}} -> 53% */
  percent(...args: unknown[]) {
    const { params, options } = split(args);
    return formatPercent(num(params[0], 'percent'), (options.hash.dp as number | undefined) ?? 0);
  },
  /** {{share part total}} -> 53% */
  share(...args: unknown[]) {
    const { params, options } = split(args);
    const part = num(params[0], 'share', 'a part (number)');
    const total = num(params[1], 'share', 'a total (number)');
    if (total === 0) throw new HelperError('{{share}} total is 0');
    return formatPercent((100 * part) / total, (options.hash.dp as number | undefined) ?? 0);
  },
  /** {{money 1400000}} -> £1.4m (or £1.4 million in GOV.UK style) */
  money(...args: unknown[]) {
    const { params, options } = split(args);
    return formatMoney(num(params[0], 'money', 'an amount in pounds'), state(options).house);
  },
  /** {{date "2017-08-31"}} -> 31 August 2017 */
  date(...args: unknown[]) {
    const { params, options } = split(args);
    return formatDate(str(params[0], 'date', 'a date YYYY-MM-DD'), state(options).house);
  },
  /** {{month "2016-09"}} -> September 2016 */
  month(...args: unknown[]) {
    const { params, options } = split(args);
    return formatMonth(str(params[0], 'month', 'a month YYYY-MM'), state(options).house);
  },
  /** {{monthName "2016-08"}} -> August */
  monthName(...args: unknown[]) {
    const { params } = split(args);
    return monthName(str(params[0], 'monthName', 'a month YYYY-MM'));
  },
  /** {{weekday "2019-01-29"}} -> Tuesday */
  weekday(...args: unknown[]) {
    const { params } = split(args);
    const iso = str(params[0], 'weekday', 'a date YYYY-MM-DD');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new HelperError(`{{weekday}} expected a date YYYY-MM-DD, found ${JSON.stringify(iso)}`);
    return formatDatePattern(iso, 'dddd');
  },
  /** {{pages 5}} -> "(Pages 11 - 24)": where agenda item 5's paper sits in the pack */
  pages(...args: unknown[]) {
    const { params, options } = split(args);
    const s = state(options);
    if (!s.pages) throw new HelperError('{{pages}} page ranges are known only when building a pack (committee-papers pack)');
    const id = itemPartId(params[0]);
    const range = s.pages[id];
    if (!range) throw new HelperError(`{{pages}} no paper for agenda item ${String(params[0])}`);
    // No-break spaces keep a range on one line: "(Pages 10 - 12)" never splits after the dash.
    const text =
      range.start === range.end
        ? `(Page\u00a0${pageRef(id, 'start', range.start)})`
        : `(Pages\u00a0${pageRef(id, 'start', range.start)}\u00a0\\-\u00a0${pageRef(id, 'end', range.end)})`;
    return { toHTML: () => text };
  },
  /** {{financialYear 2016}} -> 2016/17 */
  financialYear(...args: unknown[]) {
    const { params, options } = split(args);
    return formatFinancialYear(num(params[0], 'financialYear', 'a year'), state(options).house);
  },
  /** {{count 2 "child" "children"}} -> 2 children; words=true writes small numbers in words */
  count(...args: unknown[]) {
    const { params, options } = split(args);
    const n = num(params[0], 'count');
    const one = str(params[1], 'count', 'the singular word');
    const many = str(params[2], 'count', 'the plural word');
    const shown = options.hash.words ? numberInWords(n, state(options).house) : formatNumber(n);
    return `${shown} ${plural(n, one, many)}`;
  },
  /** {{plural n "child" "children"}} -> the word alone */
  plural(...args: unknown[]) {
    const { params } = split(args);
    return plural(num(params[0], 'plural'), str(params[1], 'plural', 'the singular word'), str(params[2], 'plural', 'the plural word'));
  },
  /** {{a (percent 8)}} -> an 8% ; {{a "9% rise"}} -> a 9% rise */
  a(...args: unknown[]) {
    const { params } = split(args);
    const text = String(params[0] ?? '');
    return `${article(text)} ${text}`;
  },
  /** {{latest series}} -> 624 */
  latest(...args: unknown[]) {
    const { params } = split(args);
    return formatNumber(latest(series(params[0], 'latest')).value);
  },
  /** {{latestMonth series}} -> September 2016 */
  latestMonth(...args: unknown[]) {
    const { params, options } = split(args);
    return formatMonth(latest(series(params[0], 'latestMonth')).period, state(options).house);
  },
  /** {{valueIn series "2015-09"}} -> 980 */
  valueIn(...args: unknown[]) {
    const { params } = split(args);
    const s = series(params[0], 'valueIn');
    const period = str(params[1], 'valueIn', 'a month YYYY-MM');
    if (!(period in s)) throw new HelperError(`{{valueIn}} the series has no value for ${period} (it has ${Object.keys(s).sort()[0]} to ${Object.keys(s).sort().at(-1)})`);
    return formatNumber(s[period]);
  },
  /**
   * {{change series from="2015-09"}} -> "a decrease from 980 in September 2015",
   * "an increase from 980 in September 2015" or "the same as in September 2015".
   * Compares the latest value with the one in `from` (default: 12 months before).
   */
  change(...args: unknown[]) {
    const { params, options } = split(args);
    const s = series(params[0], 'change');
    const ps = points(s);
    const last = ps[ps.length - 1];
    const from = (options.hash.from as string | undefined) ?? ps[Math.max(0, ps.length - 13)].period;
    if (!(from in s)) throw new HelperError(`{{change}} the series has no value for ${from}`);
    const before = s[from];
    const when = formatMonth(from, state(options).house);
    switch (direction(before, last.value)) {
      case 'increase':
        return `an increase from ${formatNumber(before)} in ${when}`;
      case 'decrease':
        return `a decrease from ${formatNumber(before)} in ${when}`;
      default:
        return `the same as in ${when}`;
    }
  },
  /** {{span series months=12}} -> "October 2015 to September 2016": the months a window covers */
  span(...args: unknown[]) {
    const { params, options } = split(args);
    const ps = windowOf(series(params[0], 'span'), options);
    const first = formatMonth(ps[0].period, state(options).house);
    const last = formatMonth(ps[ps.length - 1].period, state(options).house);
    return first === last ? first : `${first} to ${last}`;
  },
  /** {{trend series from="2015-09"}} -> "rose" / "fell" / "did not change" (up=, down=, same= to reword) */
  trend(...args: unknown[]) {
    const { params, options } = split(args);
    const s = series(params[0], 'trend');
    const ps = points(s);
    const from = (options.hash.from as string | undefined) ?? ps[Math.max(0, ps.length - 13)].period;
    if (!(from in s)) throw new HelperError(`{{trend}} the series has no value for ${from}`);
    const h = options.hash as Record<string, string | undefined>;
    const d = direction(s[from], ps[ps.length - 1].value);
    return d === 'increase' ? (h.up ?? 'rose') : d === 'decrease' ? (h.down ?? 'fell') : (h.same ?? 'did not change');
  },
  /** {{average series months=12}} -> 910 (rounded as the house does) */
  average(...args: unknown[]) {
    const { params, options } = split(args);
    const ps = windowOf(series(params[0], 'average'), options);
    return formatNumber(round(average(ps), (options.hash.dp as number | undefined) ?? 0));
  },
  /** {{lowest series months=12}} -> "671 in August" (ties: "671 in July and August") */
  lowest(...args: unknown[]) {
    const { params, options } = split(args);
    return extremeText(series(params[0], 'lowest'), options, 'lowest');
  },
  /** {{highest series months=12}} -> "1,032 in May" */
  highest(...args: unknown[]) {
    const { params, options } = split(args);
    return extremeText(series(params[0], 'highest'), options, 'highest');
  },
  /** {{compare 44 10}} -> "more than" / "fewer than" / "the same as"; more="higher than" less="lower than" */
  compare(...args: unknown[]) {
    const { params, options } = split(args);
    const a = num(params[0], 'compare');
    const b = num(params[1], 'compare');
    const more = (options.hash.more as string | undefined) ?? 'more than';
    const less = (options.hash.less as string | undefined) ?? 'fewer than';
    return a > b ? more : a < b ? less : ((options.hash.same as string | undefined) ?? 'the same as');
  },
  /** {{against 53 56}} -> "3 percentage points below" / "above" / "on" (use for percentages against a target) */
  against(...args: unknown[]) {
    const { params, options } = split(args);
    const v = num(params[0], 'against');
    const target = num(params[1], 'against', 'a target');
    const unit = (options.hash.unit as string | undefined) ?? 'percentage points';
    const d = round(Math.abs(v - target), (options.hash.dp as number | undefined) ?? 0);
    if (d === 0) return 'on';
    return `${formatNumber(d)} ${d === 1 ? unit.replace(/s$/, '') : unit} ${v > target ? 'above' : 'below'}`;
  },
  /** {{subtract a b}} -> a - b, as a number (for sums in data passed on to other helpers) */
  subtract(...args: unknown[]) {
    const { params } = split(args);
    return num(params[0], 'subtract') - num(params[1], 'subtract');
  },
  /** Comparisons for conditional wording: {{#if (gt a b)}} */
  eq: (a: unknown, b: unknown) => a === b,
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  lt: (a: unknown, b: unknown) => Number(a) < Number(b),
  /** Chart data from named values: (parts "Specialist team" 315 "Mainstream" 339) -> {name: value} */
  parts(...args: unknown[]) {
    const { params } = split(args);
    if (params.length % 2) throw new HelperError('{{parts}} expects pairs: a name, then its number');
    const out: Record<string, number> = {};
    for (let i = 0; i < params.length; i += 2) out[str(params[i], 'parts', 'a name')] = num(params[i + 1], 'parts');
    return out;
  },
  /** Chart data from several series: (combine "Mainstream" s1 "Children in care" s2) -> rows with a "series" field */
  combine(...args: unknown[]) {
    const { params } = split(args);
    if (params.length % 2) throw new HelperError('{{combine}} expects pairs: a name, then its monthly series');
    const rows: Record<string, string | number>[] = [];
    for (let i = 0; i < params.length; i += 2) rows.push(...seriesRows(series(params[i + 1], 'combine'), { series: str(params[i], 'combine', 'a name') }));
    return rows;
  },
  /** {{concat "a" b "c"}} for building chart titles from figures */
  concat(...args: unknown[]) {
    const { params } = split(args);
    return params.map((p) => String(p ?? '')).join('');
  },
};

/**
 * {{chart "referrals" data=figures.referrals title="..." subtitle="..." source="..."}}
 * places the chart `charts/referrals.vl.json` of the paper type here.
 */
export function chartHelper(...args: unknown[]): string {
  const { params, options } = split(args);
  const id = str(params[0], 'chart', 'the chart name (its file charts/<name>.vl.json)');
  const h = options.hash as Record<string, unknown>;
  const known = new Set(['data', 'title', 'subtitle', 'source', 'alt', 'table']);
  for (const k of Object.keys(h)) if (!known.has(k)) throw new HelperError(`{{chart}} unknown setting "${k}": expected ${[...known].join(', ')}`);
  if (h.data === undefined || h.data === null) throw new HelperError(`{{chart "${id}"}} needs data=... (the figures it draws)`);
  const title = str(h.title, 'chart', 'title="..." (the headline: the chart\'s main message)');
  const s = state(options);
  s.charts.push({
    id,
    data: h.data,
    title,
    subtitle: h.subtitle as string | undefined,
    source: h.source as string | undefined,
    alt: h.alt as string | undefined,
    table: h.table === true,
  });
  // A leaf directive on a line of its own: the document builder turns it into a figure.
  return `\n\n::chart{ref="${s.charts.length - 1}"}\n\n`;
}
