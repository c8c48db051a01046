/**
 * Data checks: rules a data file declares about its own figures (under `checks:`), run
 * after schema validation so stale or inconsistent figures are caught before a paper goes
 * to committee. Each rule says whether a breach is an error (the build stops) or a warning.
 *
 *   - check: monthly     field: figures.referrals   endsAt: figures.reportingPeriod   months: 12
 *   - check: sum         field: figures.total        parts: [figures.a, figures.b]
 *   - check: range       field: figures.share        min: 0   max: 100
 */
import type { InputProblem } from './errors.js';
import type { LoadedYaml } from './yaml.js';

export interface DataCheck {
  check: 'monthly' | 'sum' | 'range';
  field?: string;
  endsAt?: string;
  months?: number;
  parts?: string[];
  min?: number;
  max?: number;
  severity?: 'error' | 'warning';
}

const MONTH = /^(\d{4})-(\d{2})$/;

function pathParts(field: string): string[] {
  return field.split('.').filter(Boolean);
}

function get(root: unknown, parts: string[]): unknown {
  let v = root;
  for (const p of parts) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function nextMonth(m: string): string {
  const [, y, mo] = MONTH.exec(m)!;
  const n = Number(mo) === 12 ? [Number(y) + 1, 1] : [Number(y), Number(mo) + 1];
  return `${n[0]}-${String(n[1]).padStart(2, '0')}`;
}

/** Values of a range check: a number, or every number of a series or list. */
function numbersAt(v: unknown, parts: string[]): { value: number; parts: string[] }[] {
  if (typeof v === 'number') return [{ value: v, parts }];
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => numbersAt(x, [...parts, k]));
  return [];
}

export function runChecks(loaded: LoadedYaml): InputProblem[] {
  const data = loaded.value as { checks?: DataCheck[] };
  const problems: InputProblem[] = [];
  for (const [i, c] of (data.checks ?? []).entries()) {
    const severity = c.severity ?? 'error';
    const report = (parts: (string | number)[], message: string, key = false) => {
      const at = loaded.locate(parts, key);
      problems.push({ file: loaded.file, ...at, path: parts.join('.'), message: `${message} (check ${i + 1}: ${c.check})`, severity });
    };
    const where = ['checks', i];
    if (!c.field) {
      report(where, 'a check needs `field:` (the field it checks)');
      continue;
    }
    const fieldParts = pathParts(c.field);
    const value = get(data, fieldParts);
    if (value === undefined) {
      report([...where, 'field'], `the data has no field ${c.field}`);
      continue;
    }
    if (c.check === 'monthly') {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        report(fieldParts, 'expected a monthly series (months YYYY-MM with numbers)');
        continue;
      }
      const months = Object.keys(value).sort();
      const bad = months.filter((m) => !MONTH.test(m));
      for (const m of bad) report([...fieldParts, m], `"${m}" is not a month written YYYY-MM`, true);
      if (bad.length || months.length === 0) continue;
      for (let k = 1; k < months.length; k++) {
        if (months[k] !== nextMonth(months[k - 1])) {
          report([...fieldParts, months[k]], `the series misses ${nextMonth(months[k - 1])}: it goes from ${months[k - 1]} to ${months[k]}`, true);
        }
      }
      if (c.months !== undefined && months.length !== c.months) {
        report(fieldParts, `expected ${c.months} months, found ${months.length} (${months[0]} to ${months[months.length - 1]})`);
      }
      if (c.endsAt) {
        const target = MONTH.test(c.endsAt) ? c.endsAt : get(data, pathParts(c.endsAt));
        const last = months[months.length - 1];
        if (typeof target !== 'string') report([...where, 'endsAt'], `expected a month YYYY-MM or the field holding one, found ${c.endsAt}`);
        else if (last !== target) {
          report([...fieldParts, last], `the series ends at ${last}, but the paper reports on ${target}${MONTH.test(c.endsAt) ? '' : ` (${c.endsAt})`}: are these figures stale?`, true);
        }
      }
    } else if (c.check === 'sum') {
      const parts = (c.parts ?? []).map((p) => ({ p, v: get(data, pathParts(p)) }));
      const missing = parts.filter((x) => typeof x.v !== 'number');
      if (typeof value !== 'number' || missing.length) {
        report([...where, 'parts'], `expected numbers at ${[c.field, ...missing.map((m) => m.p)].join(', ')}`);
        continue;
      }
      const sum = parts.reduce((s, x) => s + (x.v as number), 0);
      if (Math.abs(sum - value) > 1e-9 * Math.max(1, Math.abs(value))) {
        report(fieldParts, `the parts (${parts.map((x) => x.p.split('.').pop()).join(' + ')} = ${sum}) do not add up to ${value}`);
      }
    } else if (c.check === 'range') {
      for (const n of numbersAt(value, fieldParts)) {
        if ((c.min !== undefined && n.value < c.min) || (c.max !== undefined && n.value > c.max)) {
          report(n.parts, `expected a value from ${c.min ?? '-∞'} to ${c.max ?? '∞'}, found ${n.value}`);
        }
      }
    }
  }
  return problems;
}
