#!/usr/bin/env node
/**
 * committee-papers: build committee papers (DOCX, PDF) from YAML figures and Handlebars wording.
 * Exit codes: 0 done, 1 bad input (nothing written), 2 wrong usage.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { displayPath, formatProblem, isInputError } from '../data/errors.js';
import { writeAllAtomic } from '../output/write.js';
import { buildPaper } from '../paper/build.js';
import { FORMATS, outputName, renderFormat, type Format } from '../paper/outputs.js';
import { findTemplatesDir } from '../paper/project.js';
import { loadChartStage } from './charts.js';
import { watchPapers, type BuildResult } from './watch.js';
import { diffReport } from './diff.js';
import { buildPack } from './pack.js';

const HELP: Record<string, string> = {
  main: `committee-papers: committee papers (Word and PDF) from YAML figures and Handlebars wording

Usage:
  committee-papers build <data.yaml>... [--out DIR] [--format docx,pdf]
  committee-papers check <data.yaml>...
  committee-papers diff <old.yaml> <new.yaml>
  committee-papers pack <pack.yaml>... [--out DIR] [--format pdf,docx]
  committee-papers <command> --help

Exit codes: 0 done; 1 a data file or template has a mistake (nothing is written); 2 wrong usage.`,
  build: `committee-papers build <data.yaml>... [--out DIR] [--format docx,pdf] [--templates DIR]

Builds each paper into DIR/<data file name>.docx and .pdf (DIR defaults to output/).
Files are written only when the whole paper has been made, and replace the old ones in
one step: a failed build leaves the last good output as it was.

  --out DIR          where to write (default: output)
  --format LIST      docx, pdf or docx,pdf (default: docx,pdf)
  --templates DIR    the templates folder (default: the nearest templates/ above the data file)
  --watch            keep running; rebuild a paper when its data file, a template, partial,
                     schema or chart spec it uses changes. A mistake is shown and the last
                     good output stays.`,
  check: `committee-papers check <data.yaml>... [--templates DIR]

Checks each data file against its paper type's schema and renders its wording, without
writing anything. Every mistake is listed with file:line:column.`,
  diff: `committee-papers diff <old.yaml> <new.yaml> [--templates DIR]

Lists what changed between two editions of a paper: each figure that changed (field,
old value, new value) and each sentence of the paper that now reads differently, side
by side. Writes nothing; exit 0 (1 if either edition has a mistake).`,
  pack: `committee-papers pack <pack.yaml>... [--out DIR] [--format pdf,docx] [--templates DIR]

Builds a meeting's pack: the front sheet and agenda (from the pack file), then each
item's paper (the data files the agenda names), in one PDF and one DOCX. Each paper
starts on a new page; page numbers run on through the pack; the agenda's page ranges
are read from the real layout. The PDF has bookmarks for every item and section.`,
};

class UsageError extends Error {}

function parseFormats(value: string | undefined): Format[] {
  if (!value) return FORMATS;
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const f of list) if (!FORMATS.includes(f as Format)) throw new UsageError(`--format: unknown format "${f}" (expected ${FORMATS.join(', ')})`);
  return [...new Set(list)] as Format[];
}

interface BuildOptions {
  out: string;
  formats: Format[];
  templates?: string;
  write: boolean;
}

/** Build one paper; problems in the input are reported, not thrown. */
async function buildOne(file: string, opts: BuildOptions): Promise<BuildResult> {
  try {
    const built = await buildPaper(file, { templatesDir: opts.templates, charts: loadChartStage });
    for (const w of built.warnings) process.stderr.write(`${formatProblem(w)}\n`);
    if (!opts.write) {
      process.stdout.write(`${file}: ok\n`);
      return { ok: true, sources: built.sources };
    }
    const outputs = [];
    for (const format of opts.formats) outputs.push({ file: outputName(file, opts.out, format), bytes: await renderFormat(built.paper, format) });
    writeAllAtomic(outputs);
    for (const o of outputs) process.stdout.write(`wrote ${displayPath(o.file)}\n`);
    return { ok: true, sources: built.sources };
  } catch (e) {
    if (!isInputError(e)) throw e;
    for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write(`${file}: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing written for this paper\n`);
    return { ok: false, sources: [] };
  }
}

async function build(files: string[], opts: BuildOptions): Promise<number> {
  let failed = 0;
  for (const file of files) if (!(await buildOne(file, opts)).ok) failed++;
  return failed ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP.main + '\n');
    return command ? 0 : 2;
  }
  if (!(command in HELP) || command === 'main') throw new UsageError(`unknown command "${command}"`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      format: { type: 'string', short: 'f' },
      templates: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      watch: { type: 'boolean', short: 'w' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP[command] + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`${command}: give at least one data file`);
  if (command === 'diff') {
    if (positionals.length !== 2) throw new UsageError('diff: give two data files, the old edition then the new');
    try {
      process.stdout.write(await diffReport(positionals[0], positionals[1], values.templates));
      return 0;
    } catch (e) {
      if (!isInputError(e)) throw e;
      for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return 1;
    }
  }
  if (command === 'pack') {
    const out = path.resolve(values.out ?? 'output');
    const formats = parseFormats(values.format);
    let failed = 0;
    for (const f of positionals) if (!(await buildPack(f, out, formats, values.templates))) failed++;
    return failed ? 1 : 0;
  }
  if (command === 'check' && (values.out || values.format)) throw new UsageError('check writes nothing: --out and --format do not apply');
  const opts: BuildOptions = {
    out: path.resolve(values.out ?? 'output'),
    formats: parseFormats(values.format),
    templates: values.templates,
    write: command === 'build',
  };
  if (values.watch) {
    if (command !== 'build') throw new UsageError('--watch goes with build');
    const dirs = [...new Set(positionals.map((f) => findTemplatesDir(f, values.templates)))];
    watchPapers(positionals, dirs, (f) => buildOne(f, opts), (line) => process.stdout.write(line + '\n'));
    return new Promise<number>(() => {}); // runs until stopped
  }
  return build(positionals, opts);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`committee-papers: ${(e as Error).message}\nRun "committee-papers --help" for usage.\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`committee-papers: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
