/**
 * Monthly series: a map from month ("2016-09") to a number, as the data files keep them.
 * The wording helpers compute latest values, changes, averages and extremes from these,
 * so no sentence carries a figure typed by hand.
 */
import { formatMonth, monthName, type HouseStyle } from './format.js';

export type Series = Record<string, number>;

export interface Point {
  period: string;
  value: number;
}

export function isSeries(v: unknown): v is Series {
  return (
    !!v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length > 0 &&
    Object.entries(v).every(([k, x]) => /^\d{4}-\d{2}$/.test(k) && typeof x === 'number')
  );
}

export function points(series: Series): Point[] {
  return Object.keys(series)
    .sort()
    .map((period) => ({ period, value: series[period] }));
}

/** The last `months` points (all when absent). */
export function window(series: Series, months?: number): Point[] {
  const all = points(series);
  return months ? all.slice(-months) : all;
}

export function latest(series: Series): Point {
  const all = points(series);
  return all[all.length - 1];
}

export function average(ps: Point[]): number {
  return ps.reduce((s, p) => s + p.value, 0) / ps.length;
}

/** All points sharing the extreme value, so ties are reported, not hidden. */
export function extremes(ps: Point[], which: 'lowest' | 'highest'): Point[] {
  const target = which === 'lowest' ? Math.min(...ps.map((p) => p.value)) : Math.max(...ps.map((p) => p.value));
  return ps.filter((p) => p.value === target);
}

/** "August", or "August 2016" when the window spans more than 12 months' names. */
export function periodName(period: string, ps: Point[], style?: Pick<HouseStyle, 'monthForm'>): string {
  const names = new Set(ps.map((p) => monthName(p.period)));
  return names.size === ps.length ? monthName(period) : formatMonth(period, style);
}

/** "May", "May and June", "April, May and June". */
export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export type Direction = 'increase' | 'decrease' | 'same';

export function direction(from: number, to: number): Direction {
  return to > from ? 'increase' : to < from ? 'decrease' : 'same';
}

/** Chart rows of a series: {period: "2016-09", label: "Sep 2016", month: "Sep", value}. */
export function seriesRows(series: Series, extra: Record<string, string> = {}): Record<string, string | number>[] {
  return points(series).map((p) => {
    const [y, m] = p.period.split('-').map(Number);
    const short = MONTHS_SHORT[m - 1];
    return { period: p.period, label: `${short} ${y}`, month: short, ...extra, value: p.value };
  });
}

const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
