/**
 * One paper from data file to files on disk, as a result value (never printed here), so
 * the same code runs in the CLI, in --watch and in batch worker threads.
 */
import { isInputError, type InputProblem } from '../data/errors.js';
import type { Paper } from '../document/model.js';
import { writeAllAtomic } from '../output/write.js';
import { buildPaper } from '../paper/build.js';
import { outputName, renderFormat, warmUpRenderers, type Format } from '../paper/outputs.js';
import { loadChartStage } from '../cli/charts.js';

export interface BuildOneOptions {
  out: string;
  formats: Format[];
  templates?: string;
  /** false: check only, write nothing. */
  write: boolean;
}

export interface BuildOneResult {
  file: string;
  ok: boolean;
  written: string[];
  problems: InputProblem[];
  warnings: InputProblem[];
  /** Every file the paper was made from (for --watch); empty when the build failed early. */
  sources: string[];
  /** Milliseconds per stage (the formats together: they are rendered at once). */
  timings: Record<string, number>;
}

/**
 * The DOCX first: docx builds and compiles the document before it needs the charts' PNGs,
 * which are still being drawn off the JavaScript thread when the model is ready. It then
 * waits for them while the PDF is rendered, and zips them in at its end.
 */
export function renderOrder(formats: readonly Format[]): Format[] {
  return [...formats].sort((a, b) => Number(b === 'docx') - Number(a === 'docx'));
}

/**
 * `paper` in each of `formats`, rendered at once in renderOrder. Their time together goes in
 * `timings` under their names joined ("docx + pdf"): while both run, neither has a time of
 * its own.
 */
export async function renderFormats(paper: Paper, formats: readonly Format[], file: string, timings: Record<string, number>): Promise<Map<Format, Uint8Array>> {
  const bytes = new Map<Format, Uint8Array>();
  const order = renderOrder(formats);
  const t = performance.now();
  await Promise.all(order.map(async (format) => bytes.set(format, await renderFormat(paper, format, file))));
  timings[order.join(' + ')] = performance.now() - t;
  return bytes;
}

/** `file` read into a paper, its charts drawn with the PNGs a written DOCX needs. */
function readPaper(file: string, opts: BuildOneOptions, timings?: Record<string, number>) {
  const png = opts.write && opts.formats.includes('docx');
  return buildPaper(file, { templatesDir: opts.templates, charts: () => loadChartStage({ png }), timings });
}

/**
 * `file` built and rendered in `opts.formats` as buildOne would, in memory only: nothing is
 * written (a rebuild for build --watch to practise on, cli/watch.ts). False if it does not build.
 */
export async function rehearse(file: string, opts: BuildOneOptions): Promise<boolean> {
  try {
    await renderFormats((await readPaper(file, opts)).paper, opts.formats, file, {});
    return true;
  } catch (e) {
    if (!isInputError(e)) throw e;
    return false;
  }
}

export async function buildOne(file: string, opts: BuildOneOptions): Promise<BuildOneResult> {
  const timings: Record<string, number> = {};
  try {
    if (opts.write) warmUpRenderers(opts.formats);
    const built = await readPaper(file, opts, timings);
    const result: BuildOneResult = { file, ok: true, written: [], problems: [], warnings: built.warnings, sources: built.sources, timings };
    if (!opts.write) return result;
    const bytes = await renderFormats(built.paper, opts.formats, file, timings);
    const outputs = opts.formats.map((format) => ({ file: outputName(file, opts.out, format), bytes: bytes.get(format)! }));
    writeAllAtomic(outputs);
    result.written = outputs.map((o) => o.file);
    return result;
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { file, ok: false, written: [], problems: e.problems, warnings: [], sources: [], timings };
  }
}
