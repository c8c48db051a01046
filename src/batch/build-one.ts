/**
 * One paper from data file to files on disk, as a result value (never printed here), so
 * the same code runs in the CLI, in --watch and in batch worker threads.
 */
import { isInputError, type InputProblem } from '../data/errors.js';
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
  /** Milliseconds per stage (the DOCX and the PDF are rendered at once: their times overlap). */
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

export async function buildOne(file: string, opts: BuildOneOptions): Promise<BuildOneResult> {
  const timings: Record<string, number> = {};
  try {
    if (opts.write) warmUpRenderers(opts.formats);
    const built = await buildPaper(file, { templatesDir: opts.templates, charts: loadChartStage, timings });
    const result: BuildOneResult = { file, ok: true, written: [], problems: [], warnings: built.warnings, sources: built.sources, timings };
    if (!opts.write) return result;
    const bytes = new Map<Format, Uint8Array>();
    await Promise.all(
      renderOrder(opts.formats).map(async (format) => {
        const t = performance.now();
        bytes.set(format, await renderFormat(built.paper, format, file));
        timings[format] = performance.now() - t;
      }),
    );
    const outputs = opts.formats.map((format) => ({ file: outputName(file, opts.out, format), bytes: bytes.get(format)! }));
    writeAllAtomic(outputs);
    result.written = outputs.map((o) => o.file);
    return result;
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { file, ok: false, written: [], problems: e.problems, warnings: [], sources: [], timings };
  }
}
