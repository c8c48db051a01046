/**
 * One paper from its data file to the document model:
 * load and validate -> templates -> document model (charts drawn on the way).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runChecks } from '../data/checks.js';
import { InputError, type InputProblem } from '../data/errors.js';
import { fillOptionalFields, validateData } from '../data/schema.js';
import { readYamlFile } from '../data/yaml.js';
import { buildBody, plain } from '../document/build.js';
import type { Paper } from '../document/model.js';
import type { RenderData } from '../template/helpers.js';
import { loadTemplateSet, renderInline } from '../template/engine.js';
import { figureWidthPx, placeFigure, startFigure, type ChartRenderer } from './figures.js';
import { findTemplatesDir, loadPaperType } from './project.js';

export interface BuildPaperOptions {
  templatesDir?: string;
  /** The chart stage; loaded lazily by the caller so runs without charts skip vega. */
  charts: () => Promise<ChartRenderer>;
  /** In a pack: page ranges of the agenda's items, for {{pages}}. */
  pages?: RenderData['pages'];
  /** Filled with milliseconds per stage (load, templates, model, charts), for the benchmark. */
  timings?: Record<string, number>;
}

export interface BuiltPaper {
  paper: Paper;
  /** Every file the paper was made from (for --watch). */
  sources: string[];
  /** The paper's rendered text, before it becomes the model (for diff). */
  text: string;
  data: unknown;
  /** Data checks that failed as warnings: reported, but the paper is built. */
  warnings: InputProblem[];
}

export async function buildPaper(dataFile: string, options: BuildPaperOptions): Promise<BuiltPaper> {
  const clock = stageClock(options.timings);
  const loaded = readYamlFile(dataFile);
  const raw = loaded.value as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError({ file: dataFile, line: 1, column: 1, message: 'expected a paper: fields such as "paper:", "meta:" and "figures:"' });
  }
  if (typeof raw.paper !== 'string') {
    throw new InputError({ file: dataFile, ...loaded.locate(['paper']), path: 'paper', message: `expected the paper type (a folder of templates/papers/), found ${raw.paper === undefined ? 'no such field' : JSON.stringify(raw.paper)}` });
  }
  const templatesDir = findTemplatesDir(dataFile, options.templatesDir);
  const type = loadPaperType(templatesDir, raw.paper, { file: dataFile, ...loaded.locate(['paper']) });
  // A paper type with charts: let the chart stage get ready while the paper is read.
  let chartStage: Promise<ChartRenderer> | undefined;
  if (existsSync(path.join(type.dir, 'charts'))) {
    chartStage = options.charts();
    chartStage.then((c) => c.warmUp?.(), () => undefined);
  }
  validateData(loaded, type.schemaFile);
  const checked = runChecks(loaded);
  if (checked.some((p) => p.severity !== 'warning')) throw new InputError(checked);
  const warnings = checked;
  const data = fillOptionalFields(loaded.value, type.schemaFile);

  clock.lap('load');
  const templates = loadTemplateSet(type.layout.dir, type.dir);
  const renderData: RenderData = { house: type.layout.style, charts: [], ...(options.pages ? { pages: options.pages } : {}) };
  const text = templates.render(data, renderData);

  const metaOf = (k: keyof typeof type.layout.meta) => {
    const src = type.layout.meta[k];
    return src === undefined ? undefined : renderInline(src, data, renderData, type.layout.file).trim();
  };
  const meta = {
    title: metaOf('title') ?? '',
    subject: metaOf('subject'),
    author: metaOf('author') ?? '',
    lang: metaOf('lang') ?? '',
    date: metaOf('date') ?? '',
  };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(meta.date)) {
    throw new InputError({ file: type.layout.file, path: 'meta.date', message: `the document date must come out as YYYY-MM-DD, found ${JSON.stringify(meta.date)}` });
  }

  clock.lap('templates');
  if (renderData.charts.length > 0) {
    // Every chart the text places is known now: start drawing them while the text is parsed
    // (off this thread where the chart stage can). The figures below ask for the same charts
    // and get these drawings (the chart stage caches them); a problem is reported there,
    // against the chart's place in the text.
    chartStage ??= options.charts();
    const stage = await chartStage; // loaded while the paper was read
    for (const placement of renderData.charts) startFigure(placement, type.dir, stage, figureWidthPx(type.layout.house));
  }
  // Charts are drawn one after another while the text is parsed; their stage time is the
  // wall time during which any chart was being drawn.
  let chartMs = 0;
  let inFlight = 0;
  let spanStart = 0;
  const body = await buildBody(text, {
    file: `${path.relative(process.cwd(), templates.entry)} (text made from ${path.basename(dataFile)})`,
    orderedList: type.layout.style.orderedList,
    async figure(ref, pos) {
      if (inFlight++ === 0) spanStart = performance.now();
      try {
        chartStage ??= options.charts();
        return await placeFigure(renderData.charts[ref], type.dir, pos, await chartStage, figureWidthPx(type.layout.house));
      } finally {
        if (--inFlight === 0) chartMs += performance.now() - spanStart;
      }
    },
  });

  clock.lap('model');
  if (options.timings) {
    // Charts are drawn while the model is built: report them as their own stage.
    options.timings.model -= chartMs;
    options.timings.charts = (options.timings.charts ?? 0) + chartMs;
  }
  const paper: Paper = {
    type: 'paper',
    meta: { ...meta, subject: meta.subject || undefined },
    layout: type.layout.house,
    ...(body.heading ? { heading: body.heading } : {}),
    front: body.front,
    blocks: body.blocks,
  };
  if (!paper.meta.subject) delete paper.meta.subject;
  return {
    paper,
    warnings,
    text,
    data,
    sources: [dataFile, type.layout.file, path.join(type.dir, 'paper.yaml'), type.schemaFile, ...templates.files, ...renderData.charts.map((c) => path.join(type.dir, 'charts', `${c.id}.vl.json`))],
  };
}

export { plain };

function stageClock(timings?: Record<string, number>) {
  let last = performance.now();
  return {
    lap(stage: string) {
      const now = performance.now();
      if (timings) timings[stage] = (timings[stage] ?? 0) + (now - last);
      last = now;
    },
  };
}
