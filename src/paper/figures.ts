/**
 * The glue between a {{chart}} placement and the chart stage: find the paper type's
 * spec file, turn the bound figures into chart rows, draw, and describe.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../data/errors.js';
import type { Figure, HouseLayout, SourcePosition, Table } from '../document/model.js';
import type { ChartPlacement } from '../template/helpers.js';
import { formatNumber } from '../template/format.js';
import { isSeries, seriesRows } from '../template/series.js';

type Row = Record<string, string | number>;

/**
 * Rows a Vega-Lite spec can draw:
 *  - a monthly series {"2016-09": 624}  -> {period: "2016-09", label: "Sep 2016", month: "Sep", value: 624}
 *  - a map of names to numbers          -> {category: name, value}
 *  - a list of records                  -> as written
 */
export function chartRows(data: unknown): Row[] {
  if (isSeries(data)) return seriesRows(data);
  if (Array.isArray(data)) return data as Row[];
  if (data && typeof data === 'object' && Object.values(data).every((v) => typeof v === 'number')) {
    return Object.entries(data as Record<string, number>).map(([category, value]) => ({ category, value }));
  }
  throw new Error('expected a monthly series, a map of names to numbers, or a list of records');
}

const specCache = new Map<string, { key: string; spec: Record<string, unknown> }>();

export function readSpec(file: string, id: string, pos: SourcePosition): Record<string, unknown> {
  let key: string;
  try {
    const st = statSync(file);
    key = `${st.mtimeMs}:${st.size}`;
  } catch {
    throw new InputError({ ...pos, message: `{{chart "${id}"}}: no chart spec ${path.relative(process.cwd(), file)}` });
  }
  const hit = specCache.get(file);
  if (hit?.key === key) return hit.spec;
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError({ file, message: `not valid JSON: ${(e as Error).message}` });
  }
  specCache.set(file, { key, spec });
  return spec;
}

/** A small data table after a chart, for readers who cannot see it. */
export function dataTable(rows: Row[], caption: string): Table {
  const cols = Object.keys(rows[0] ?? {}).filter((c) => c !== 'period' && c !== 'month');
  const cell = (v: unknown) => ({
    children: [{ type: 'text' as const, value: typeof v === 'number' ? formatNumber(v) : String(v) }],
    ...(typeof v === 'number' ? { align: 'right' as const } : {}),
  });
  return {
    type: 'table',
    caption,
    head: [{ cells: cols.map((c) => ({ children: [{ type: 'text' as const, value: c === 'label' ? 'Month' : c.charAt(0).toUpperCase() + c.slice(1) }] })) }],
    body: rows.map((r) => ({ cells: cols.map((c) => cell(r[c])) })),
  };
}

export interface ChartRenderer {
  /** The chart's SVG and size; its PNG may still be being made (the PDF never waits for it). */
  render(args: { id: string; file: string; spec: Record<string, unknown>; values: Row[]; width?: number }): Promise<{ svg: string; png: Uint8Array | Promise<Uint8Array>; width: number; height: number }>;
  /** A paper with charts is about to be built: get ready to draw (see charts/render.ts, warmUpCharts). */
  warmUp?(): void;
  /** `options`: the spec's usermeta.describe (measure, per, series, category names). */
  describe(spec: Record<string, unknown>, values: Row[], options?: Record<string, string>): string;
}

/** Width in CSS pixels of the text column a figure sits in (A4, 96 px to the inch). */
export function figureWidthPx(layout: HouseLayout): number {
  const mm = 210 - layout.marginsMm.left - layout.marginsMm.right - layout.numberColumnMm;
  return Math.round((mm / 25.4) * 96);
}

/**
 * Starts drawing the chart of a placement (for placeFigure to find in the chart stage's
 * cache), if its spec and data can be read; anything wrong is left for placeFigure to report.
 */
export function startFigure(placement: ChartPlacement, paperDir: string, charts: ChartRenderer, width: number): void {
  try {
    const file = path.join(paperDir, 'charts', `${placement.id}.vl.json`);
    const spec = readSpec(file, placement.id, { file, line: 0, column: 0 });
    charts.render({ id: placement.id, file, spec, values: chartRows(placement.data), width }).catch(() => undefined);
  } catch {
    // reported by placeFigure
  }
}

export async function placeFigure(placement: ChartPlacement, paperDir: string, pos: SourcePosition, charts: ChartRenderer, width: number): Promise<Figure> {
  const file = path.join(paperDir, 'charts', `${placement.id}.vl.json`);
  const spec = readSpec(file, placement.id, pos);
  let values: Row[];
  try {
    values = chartRows(placement.data);
  } catch (e) {
    throw new InputError({ ...pos, message: `{{chart "${placement.id}"}} data=: ${(e as Error).message}` });
  }
  const drawn = await charts.render({ id: placement.id, file, spec, values, width });
  const usermeta = spec.usermeta as { describe?: Record<string, string> } | undefined;
  const alt = (placement.alt ?? charts.describe(spec, values, usermeta?.describe)).trim();
  if (!alt) throw new InputError({ file, message: `chart "${placement.id}" has no alt text: give alt="..." to {{chart}} or describe its data` });
  return {
    type: 'figure',
    id: placement.id,
    title: placement.title,
    ...(placement.subtitle ? { subtitle: placement.subtitle } : {}),
    ...(placement.source ? { source: placement.source } : {}),
    alt,
    svg: drawn.svg,
    png: drawn.png,
    width: drawn.width,
    height: drawn.height,
    ...(placement.table ? { table: dataTable(values, `Data for the chart: ${placement.title}`) } : {}),
    pos,
  };
}
