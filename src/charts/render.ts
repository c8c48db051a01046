/**
 * Vega-Lite spec + values -> SVG and PNG.
 *
 * vega, vega-lite and resvg are imported on first use only (a run that draws no chart does
 * not pay for them). Renders run one at a time: Vega numbers SVG defs (gradients, clip
 * paths) with process-wide counters that we reset before each render, so two renders must
 * not interleave. The PNG is made from the finished SVG off the JavaScript thread (png.ts),
 * outside that one-at-a-time section. The same spec and values give byte-identical SVG
 * and PNG.
 */
import type { TopLevelSpec } from 'vega-lite';
import { ChartError, noPng, pngFailure } from './errors.js';
import { preloadRasterizer, rasterize } from './png.js';
import { chartWorker } from './worker-client.js';
import { prepareSpec, SpecProblem, type PreparedSpec } from './prepare.js';
import { measureTextWidth, preloadFonts, type TextItem } from './text-metrics.js';

export interface ChartInput {
  /** Chart id, for messages. */
  id: string;
  /** The spec's file, for messages only. */
  file: string;
  /** Parsed Vega-Lite spec; its data is `{"name": "values"}` or absent. */
  spec: unknown;
  /** The figures bound to the chart: one plain object per row. */
  values: readonly Record<string, unknown>[];
  /** Target width in CSS px (default 600). A single (or layered) view is fitted to it. */
  width?: number;
  /**
   * false: no PNG (DrawnChart.png rejects). Only the DOCX carries a PNG, and a chart's PNG
   * costs more processor time than its drawing by Vega: a run that writes no DOCX (a PDF,
   * a check) makes none.
   */
  png?: boolean;
}

export interface RenderedChart {
  svg: string;
  /** PNG at 2x the SVG's size, white background. */
  png: Uint8Array;
  /** Natural size of the SVG in CSS px. */
  width: number;
  height: number;
  /** Warnings from vega-lite and vega (the chart was drawn despite them). */
  warnings: string[];
}

/** A chart whose SVG is drawn and whose PNG may still be being made. */
export interface DrawnChart extends Omit<RenderedChart, 'png'> {
  /** PNG at 2x the SVG's size, white background; rejects (with a ChartError) if it cannot be made. */
  png: Promise<Uint8Array>;
}

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

interface Engine {
  vega: Vega;
  vl: VegaLite;
}

let enginePromise: Promise<Engine> | undefined;

/** Import vega, vega-lite and resvg once, and teach Vega real text widths. */
export function loadEngine(): Promise<Engine> {
  enginePromise ??= (async (): Promise<Engine> => {
    const [vega, vl] = await Promise.all([import('vega'), import('vega-lite'), preloadRasterizer()]);
    const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } })
      .textMetrics;
    metrics.width = measureTextWidth;
    preloadFonts();
    return { vega, vl };
  })().catch((err: unknown) => {
    enginePromise = undefined;
    throw err;
  });
  return enginePromise;
}

/** A logger for vega-lite and vega that keeps what they say. */
function collectingLogger() {
  const warnings: string[] = [];
  const errors: string[] = [];
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  let level = 2;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...args: unknown[]) => {
      errors.push(text(args));
      return logger;
    },
    warn: (...args: unknown[]) => {
      warnings.push(text(args));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return { logger, warnings, errors };
}

/** A Vega loader that refuses everything and remembers what was asked. */
function refusingLoader() {
  const attempts: string[] = [];
  const refuse = async (uri: unknown): Promise<never> => {
    attempts.push(String(uri));
    throw new Error(`charts may not load anything (asked for ${String(uri)})`);
  };
  return { attempts, loader: { load: refuse, sanitize: refuse, http: refuse, file: refuse } };
}

function svgSize(svg: string): { width: number; height: number } {
  const tag = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(tag)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(tag)?.[1]);
  return { width, height };
}

type VegaSpec = ReturnType<VegaLite['compile']>['spec'];

/** Stands for the chart's rows in a remembered compilation. */
const ROWS = Symbol('rows');

/**
 * A copy of the JSON-like `value` (undefined properties kept, class instances as plain
 * objects), with `from` put as `to`; `found` counts the places `from` was.
 */
function copyReplacing(value: unknown, from: unknown, to: unknown, found = { count: 0 }): unknown {
  if (value === from) {
    found.count++;
    return to;
  }
  if (Array.isArray(value)) return value.map((v) => copyReplacing(v, from, to, found));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyReplacing(v, from, to, found);
    return out;
  }
  return value;
}

/** `value` with `rows` put as ROWS, or undefined unless the rows are in it exactly once. */
function withoutRows(value: unknown, rows: unknown): unknown {
  const found = { count: 0 };
  const out = copyReplacing(value, rows, ROWS, found);
  return found.count === 1 ? out : undefined;
}

/** What is remembered of a spec: vega-lite's compilation and vega's parse of it, rows left out. */
interface Compilation {
  compiled: unknown;
  warnings: string[];
  /** vega's runtime spec, once parsed; undefined if the rows were not in it exactly once. */
  parsed?: unknown;
}

/** Compilations by the prepared spec with its rows left out. */
const compilations = new Map<string, Compilation>();
const MAX_COMPILATIONS = 64;

/**
 * vega-lite's compilation of the prepared spec, remembered across charts that differ in
 * their rows only (a paper rebuilt after a figure changed, a batch of papers): vega-lite
 * passes inline values through by reference and never reads them (its only look, when it
 * merges equal data sources, compares the one shared rows array with itself), so the
 * compiled spec is the same but for the rows. Compilations that reported errors are not
 * remembered (the chart fails).
 */
function compileCached(vl: VegaLite, prepared: PreparedSpec, log: ReturnType<typeof collectingLogger>): Compilation {
  const key = JSON.stringify(prepared.spec, (_key, value: unknown) => (value === prepared.rows ? '\u0000rows' : value));
  const known = compilations.get(key);
  if (known) {
    log.warnings.push(...known.warnings);
    return known;
  }
  const compiled = vl.compile(prepared.spec as unknown as TopLevelSpec, { logger: log.logger }).spec;
  const compilation: Compilation = { compiled: copyReplacing(compiled, prepared.rows, ROWS), warnings: [...log.warnings] };
  if (log.errors.length > 0) return compilation;
  if (compilations.size >= MAX_COMPILATIONS) compilations.delete(compilations.keys().next().value as string);
  compilations.set(key, compilation);
  return compilation;
}

type RuntimeSpec = ReturnType<Vega['parse']>;

/**
 * vega's parse of the compiled spec (its dataflow: operators, expressions as code), remembered
 * with the compilation: a fifth of a chart's drawing by vega. vega puts inline values into it
 * by reference (an operator's `$ingest`) and does not read them, so it too is the same but for
 * the rows, which are put into a fresh copy of it (the view may change what it is given). It
 * is remembered only if the rows are in it exactly once.
 */
function parseCached(vega: Vega, compilation: Compilation, rows: unknown): RuntimeSpec {
  if (compilation.parsed !== undefined) return copyReplacing(compilation.parsed, ROWS, rows) as RuntimeSpec;
  const parsed = vega.parse(copyReplacing(compilation.compiled, ROWS, rows) as VegaSpec);
  if (!('parsed' in compilation)) compilation.parsed = withoutRows(parsed, rows);
  return parsed;
}

/** The chart's SVG, as vega draws it (PNG aside), in this thread. */
export type VegaDrawing = Omit<RenderedChart, 'png'>;

/** Draws `input` with vega-lite and vega, here. Throws ChartError as renderChart does. */
export async function drawVega(input: ChartInput): Promise<VegaDrawing> {
  const fail = (reason: string, cause?: unknown): ChartError =>
    new ChartError(input.file, input.id, reason, cause === undefined ? undefined : { cause });

  let prepared;
  try {
    prepared = prepareSpec(input.spec, input.values, input.width);
  } catch (err) {
    if (err instanceof SpecProblem) throw fail(err.message);
    throw err;
  }

  const { vega, vl } = await loadEngine();

  const vlLog = collectingLogger();
  let compiled: Compilation;
  try {
    compiled = compileCached(vl, prepared, vlLog);
  } catch (err) {
    throw fail(`not a valid Vega-Lite spec: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (vlLog.errors.length) throw fail(`not a valid Vega-Lite spec: ${vlLog.errors.join('; ')}`);

  const vgLog = collectingLogger();
  const { attempts, loader } = refusingLoader();
  let svg: string;
  try {
    vega.resetSVGDefIds();
    const view = new vega.View(parseCached(vega, compiled, prepared.rows), {
      renderer: 'none',
      loader: loader as unknown as import('vega').Loader,
      logger: vgLog.logger as unknown as import('vega').LoggerInterface,
    });
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (err) {
    throw fail(`Vega could not draw the chart: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (attempts.length) {
    throw fail(`the chart tried to load ${attempts.map((a) => JSON.stringify(a)).join(', ')}: charts may not load files or URLs`);
  }
  if (vgLog.errors.length) throw fail(`Vega could not draw the chart: ${vgLog.errors.join('; ')}`);

  // A solid line's dash pattern "1,0" has a zero-length gap, which PDF writers reject: drop it.
  svg = svg.replace(/ stroke-dasharray="1,0"/g, '');
  const { width, height } = svgSize(svg);
  if (!(width > 0 && height > 0)) throw fail('Vega drew an empty chart (no size)');

  return { svg, width, height, warnings: [...vlLog.warnings, ...vgLog.warnings] };
}

/** One chart drawn here: vega on this thread, the PNG on libuv's thread pool. */
async function drawHere(input: ChartInput): Promise<DrawnChart> {
  const drawn = await drawVega(input);
  if (input.png === false) return { ...drawn, png: noPng(input) };
  const png = rasterize(drawn.svg).catch((err: unknown) => {
    throw pngFailure(input, err instanceof Error ? err.message : String(err));
  });
  // A paper written only as PDF never asks for the PNG: its failure must not go unhandled.
  png.catch(() => undefined);
  return { ...drawn, png };
}

let papers = 0;

/**
 * A paper with charts is about to be built. From the process's second such paper on, the
 * chart worker is started (worker-client.ts), and gets ready on the charts drawn here
 * until it is.
 */
export function warmUpCharts(): void {
  if (++papers >= 2) chartWorker()?.warmUp();
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Draw one chart: its SVG now, its PNG on the way (DrawnChart.png). Throws ChartError
 * (message `<file>: chart "<id>": <reason>`) when the spec loads anything, is not valid
 * Vega-Lite, or names a field the values lack.
 */
export function drawChart(input: ChartInput): Promise<DrawnChart> {
  // Rebuilds after a one-figure change redraw only the charts whose spec or data changed.
  const key = JSON.stringify([input.id, input.file, input.spec, input.values, input.width ?? null, input.png !== false]);
  const hit = drawn.get(key);
  if (hit) {
    drawn.delete(key);
    drawn.set(key, hit); // most recently used last
    return hit;
  }
  // On the chart worker thread once it is ready (worker-client.ts; it draws one chart at a
  // time, and is asked at once); else here, one at a time.
  const worker = chartWorker();
  let run: Promise<DrawnChart>;
  if (worker?.ready) run = worker.draw(input);
  else {
    if (papers >= 2) worker?.warmUp(input);
    run = queue.then(() => drawHere(input));
    queue = run.catch(() => undefined);
  }
  drawn.set(key, run);
  const forget = () => {
    if (drawn.get(key) === run) drawn.delete(key);
  };
  // A failed drawing or PNG is not kept (a drawing made without a PNG is, on purpose).
  run.then((chart) => (input.png === false ? undefined : chart.png.catch(forget)), forget);
  while (drawn.size > MAX_CACHED) drawn.delete(drawn.keys().next().value as string);
  return run;
}

/** Draw one chart, SVG and PNG (see drawChart); the same object for a chart drawn from the cache. */
export async function renderChart(input: ChartInput): Promise<RenderedChart> {
  const chart = await drawChart(input);
  let rendered = withPng.get(chart);
  if (!rendered) {
    rendered = chart.png.then((png) => ({ ...chart, png }));
    withPng.set(chart, rendered);
  }
  return rendered;
}

const withPng = new WeakMap<DrawnChart, Promise<RenderedChart>>();

/** Charts drawn in this process, by spec, data and width (results are immutable). */
const drawn = new Map<string, Promise<DrawnChart>>();
const MAX_CACHED = 256;

/** Forget every chart drawn so far (tests use it to draw for real each time). */
export function clearChartCache(): void {
  drawn.clear();
  compilations.clear();
}
