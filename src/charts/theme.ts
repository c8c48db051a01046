/**
 * The house look of every chart, as a Vega-Lite config. The caller's spec may override any
 * of it through its own `config` (merged over this one, see `mergeConfig`).
 *
 * - Arimo for all text (the only font the PDF and PNG renderers have; metric-compatible
 *   with Arial), labels 11px, axis and legend titles 12px.
 * - No chart title inside the image: titles and captions are written in the document.
 * - Light grey axes and horizontal grid lines, white background.
 * - The Analysis Function accessible categorical palette, in its order.
 * - Colour is never the only cue: point shapes and line dash patterns vary with the series
 *   (used when a spec encodes `shape` or `strokeDash`).
 */
import type { Config } from 'vega-lite';

export const FONT_FAMILY = 'Arimo';

/** Analysis Function categorical palette (first four: the accessible core, in order). */
export const PALETTE = ['#12436D', '#28A197', '#801650', '#F46A25', '#3D3D3D', '#A285D1'] as const;

/** Dash patterns for series told apart by `strokeDash`: solid, dashed, dotted, dash-dot... */
export const STROKE_DASHES: number[][] = [
  [1, 0],
  [8, 4],
  [2, 3],
  [10, 3, 2, 3],
  [4, 4],
  [12, 6],
];

const TEXT = '#0b0c0c';

/** Label and title text of axes, legends and headers: one look for every guide. */
const GUIDE_TEXT = {
  labelFont: FONT_FAMILY,
  labelFontSize: 12,
  labelColor: TEXT,
  titleFont: FONT_FAMILY,
  titleFontSize: 13,
  titleFontWeight: 'normal',
  titleColor: TEXT,
} as const;
const AXIS_GREY = '#b1b4b6';
const GRID_GREY = '#e5e5e5';

export const houseConfig: Config = {
  background: 'white',
  padding: 8,
  font: FONT_FAMILY,
  view: { stroke: null, continuousWidth: 600, continuousHeight: 300 },
  title: { font: FONT_FAMILY, fontSize: 13, fontWeight: 'bold', color: TEXT, anchor: 'start' },
  axis: {
    ...GUIDE_TEXT,
    titlePadding: 8,
    domainColor: AXIS_GREY,
    tickColor: AXIS_GREY,
    gridColor: GRID_GREY,
    labelLimit: 220,
  },
  axisX: { grid: false, labelAngle: 0 },
  axisY: { grid: true, domain: false, ticks: false, labelPadding: 6 },
  axisBand: { grid: false },
  legend: {
    ...GUIDE_TEXT,
    orient: 'top',
    symbolStrokeWidth: 2,
    symbolSize: 120,
    labelLimit: 260,
  },
  header: {
    labelFont: FONT_FAMILY,
    labelFontSize: 12,
    labelColor: TEXT,
    titleFont: FONT_FAMILY,
    titleFontSize: 13,
    titleColor: TEXT,
  },
  range: {
    category: [...PALETTE],
    // Shapes and dash patterns that tell series apart without colour.
    symbol: ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'],
    // Vega-Lite takes no config for the strokeDash range: prepare.ts writes STROKE_DASHES
    // into each strokeDash encoding that has no range of its own.
  },
  mark: { color: PALETTE[0] },
  bar: { color: PALETTE[0] },
  line: { color: PALETTE[0], strokeWidth: 2.5 },
  point: { color: PALETTE[0], filled: true, size: 50 },
  area: { color: PALETTE[0] },
  rule: { color: TEXT, strokeWidth: 1.5 },
  text: { font: FONT_FAMILY, fontSize: 12, color: TEXT },
  arc: { stroke: 'white', strokeWidth: 1 },
  style: {
    'guide-label': { font: FONT_FAMILY, fontSize: 12, fill: TEXT },
    'guide-title': { font: FONT_FAMILY, fontSize: 13, fill: TEXT },
    'group-title': { font: FONT_FAMILY, fontSize: 13, fill: TEXT },
    'group-subtitle': { font: FONT_FAMILY, fontSize: 12, fill: TEXT },
  },
};

type Json = unknown;

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; `over` wins, arrays and scalars are replaced whole. */
export function mergeConfig(base: Json, over: Json): Json {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeConfig(base[k], v);
  return out;
}
