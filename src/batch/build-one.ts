/**
 * One paper from data file to files on disk, as a result value (never printed here), so
 * the same code runs in the CLI, in --watch and in batch worker threads.
 */
import { isInputError, type InputProblem } from '../data/errors.js';
import { writeAllAtomic } from '../output/write.js';
import { buildPaper } from '../paper/build.js';
import { outputName, renderFormat, type Format } from '../paper/outputs.js';
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
  /** Milliseconds per stage. */
  timings: Record<string, number>;
}

export async function buildOne(file: string, opts: BuildOneOptions): Promise<BuildOneResult> {
  const timings: Record<string, number> = {};
  let t: number;
  try {
    const built = await buildPaper(file, { templatesDir: opts.templates, charts: loadChartStage, timings });
    const result: BuildOneResult = { file, ok: true, written: [], problems: [], warnings: built.warnings, sources: built.sources, timings };
    if (!opts.write) return result;
    const outputs = [];
    for (const format of opts.formats) {
      t = performance.now();
      outputs.push({ file: outputName(file, opts.out, format), bytes: await renderFormat(built.paper, format, file) });
      timings[format] = performance.now() - t;
    }
    writeAllAtomic(outputs);
    result.written = outputs.map((o) => o.file);
    return result;
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { file, ok: false, written: [], problems: e.problems, warnings: [], sources: [], timings };
  }
}
