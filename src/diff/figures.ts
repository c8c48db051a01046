/** What changed between two editions' data: each leaf value, by its field path. */

export interface FigureChange {
  path: string;
  old: unknown;
  new: unknown;
  /** The changed value's path parts, to locate it in the new file. */
  parts: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function join(parts: string[]): string {
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

export function diffFigures(a: unknown, b: unknown, parts: string[] = []): FigureChange[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => diffFigures(a[k], b[k], [...parts, k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => diffFigures(a[i], b[i], [...parts, String(i)])).flat();
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [{ path: join(parts), old: a, new: b, parts }];
}
