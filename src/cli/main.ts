#!/usr/bin/env node
/**
 * committee-papers: build committee papers (DOCX, PDF) from YAML figures and Handlebars wording.
 * Exit codes: 0 done, 1 bad input (nothing written), 2 wrong usage.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { displayPath, formatProblem, isInputError } from '../data/errors.js';
import { buildBatch, defaultJobs, inFileOrder, threadsUsed } from '../batch/pool.js';
import { buildOne, rehearse, type BuildOneOptions, type BuildOneResult } from '../batch/build-one.js';
import { FORMATS, type Format } from '../paper/outputs.js';
import { findTemplatesDir } from '../paper/project.js';
import { watchPapers } from './watch.js';
import { diffReport } from './diff.js';
import { buildPack } from './pack.js';
import { keepHeapSmall } from './heap.js';
import { optimiseOnlyHotCode } from './optimizer.js';
import { allowPdfWorker, pdfWorker } from '../render/pdf/worker-client.js';
import { collectBetweenRebuilds } from '../bundle/young-generation.js';

const HELP: Record<string, string> = {
  main: `committee-papers: committee papers (Word and PDF) from YAML figures and Handlebars wording

Usage:
  committee-papers build <data.yaml>... [--out DIR] [--format docx,pdf]
  committee-papers check <data.yaml>...
  committee-papers diff <old.yaml> <new.yaml>
  committee-papers pack <pack.yaml>... [--out DIR] [--format pdf,docx]
  committee-papers <command> --help

Exit codes: 0 done; 1 a data file or template has a mistake (nothing is written); 2 wrong usage.`,
  build: `committee-papers build <data.yaml or folder>... [--out DIR] [--format docx,pdf] [--jobs N] [--watch]

Builds each paper into DIR/<data file name>.docx and .pdf (DIR defaults to output/).
Files are written only when the whole paper has been made, and replace the old ones in
one step: a failed build leaves the last good output as it was.

  --out DIR          where to write (default: output)
  --format LIST      docx, pdf or docx,pdf (default: docx,pdf)
  --templates DIR    the templates folder (default: the nearest templates/ above the data file)
  --jobs N           threads that build papers (default: one per core)
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

function report(r: BuildOneResult, write: boolean): void {
  for (const w of r.warnings) process.stderr.write(`${formatProblem(w)}\n`);
  if (r.ok) {
    if (!write) process.stdout.write(`${r.file}: ok\n`);
    for (const f of r.written) process.stdout.write(`wrote ${displayPath(f)}\n`);
    return;
  }
  for (const p of r.problems) process.stderr.write(`${formatProblem(p)}\n`);
  process.stderr.write(`${r.file}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}; nothing written for this paper\n`);
}

/** Data files named, and the .yaml files of folders named. */
function expandFiles(args: string[]): string[] {
  return args.flatMap((a) => {
    if (existsSync(a) && statSync(a).isDirectory()) {
      return readdirSync(a).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(a, f));
    }
    return [a];
  });
}

async function build(files: string[], opts: BuildOneOptions, jobs: number): Promise<number> {
  if (files.length === 1) {
    const r = await buildOne(files[0]!, opts);
    report(r, opts.write);
    return r.ok ? 0 : 1;
  }
  // A batch: papers spread over the threads (batch/pool.ts), a progress line on a terminal, a summary.
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let failed = 0;
  const reportInOrder = inFileOrder((r: BuildOneResult) => {
    if (!r.ok || r.warnings.length) report({ ...r, written: [] }, true);
  });
  const results = await buildBatch(files, opts, jobs, (r, done, index) => {
    if (!r.ok) failed++;
    if (tty) process.stderr.write(`\r\x1b[K${done}/${files.length} papers, ${failed} failed`);
    else reportInOrder(r, index);
  });
  if (tty) process.stderr.write('\r\x1b[K');
  const seconds = (performance.now() - started) / 1000;
  const bad = results.filter((r) => !r.ok);
  const threads = threadsUsed(jobs, files.length);
  if (tty) for (const r of bad) report(r, true);
  process.stdout.write(
    `${opts.write ? 'built' : 'checked'} ${files.length - bad.length} of ${files.length} papers in ${seconds.toFixed(1)} s with ${threads} job${threads === 1 ? '' : 's'}` +
      (bad.length ? `; ${bad.length} failed: ${bad.map((r) => r.file).join(', ')}` : '') +
      '\n',
  );
  return bad.length ? 1 : 0;
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
      jobs: { type: 'string', short: 'j' },
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
    keepHeapSmall();
    const out = path.resolve(values.out ?? 'output');
    const formats = parseFormats(values.format);
    let failed = 0;
    for (const f of positionals) if (!(await buildPack(f, out, formats, values.templates))) failed++;
    return failed ? 1 : 0;
  }
  if (command === 'check' && (values.out || values.format)) throw new UsageError('check writes nothing: --out and --format do not apply');
  const opts: BuildOneOptions = {
    out: path.resolve(values.out ?? 'output'),
    formats: parseFormats(values.format),
    templates: values.templates,
    write: command === 'build',
  };
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs: expected a whole number of 1 or more, found "${values.jobs}"`);
  const files = expandFiles(positionals);
  if (files.length === 1 && !values.watch) keepHeapSmall();
  if (values.watch) {
    if (command !== 'build') throw new UsageError('--watch goes with build');
    const dirs = [...new Set(files.map((f) => findTemplatesDir(f, values.templates)))];
    // Rebuilds render the PDF on a thread of its own, once it is ready, while the DOCX is rendered here.
    allowPdfWorker(true);
    // Each thread collects its young generation between rebuilds (bundle/young-generation.ts).
    collectBetweenRebuilds(true);
    const first = files[0];
    watchPapers(
      files,
      dirs,
      async (f) => {
        const r = await buildOne(f, opts);
        report(r, opts.write);
        return r;
      },
      (line) => process.stdout.write(line + '\n'),
      // Practice on the first paper, once its PDFs go to the PDF worker as a save's would.
      first === undefined
        ? undefined
        : {
            ready: () => {
              const worker = opts.formats.includes('pdf') ? pdfWorker() : null;
              return !worker || worker.ready || worker.failed;
            },
            rebuild: () => rehearse(first, opts),
          },
    );
    return new Promise<number>(() => {}); // runs until stopped
  }
  return build(files, opts, jobs);
}

// Also when run from its modules (dist/cli/main.js), not through bin.ts.
optimiseOnlyHotCode();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // For the benchmark: the peak memory of this run, and its processor time (every thread's).
    if (process.env.COMMITTEE_PAPERS_STATS) {
      const usage = process.resourceUsage();
      process.stderr.write(`STATS ${JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`);
    }
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
