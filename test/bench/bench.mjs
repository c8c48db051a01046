#!/usr/bin/env node
/**
 * npm run bench: how fast committee-papers is, side by side with the tools officers use
 * today. Each scenario runs in a process of its own so its peak memory (RSS) is its own.
 * Prints a table of median / min / max and the ratios, and writes output/bench.json.
 *
 *   node test/bench/bench.mjs [--quick]       (--quick: fewer repeats, a smaller batch)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The command users run: the CLI from its bundle, with its code cache (src/bundle/). */
const cli = path.join(root, 'dist/cli/bin.js');
const example = 'data/camhs-contract-performance-2016-09.yaml';
const quick = process.argv.includes('--quick');
const REPEATS = quick ? 3 : 7;
const BATCH = quick ? 40 : 200;
/** Between two saves of the data file in the warm and --watch scenarios (an officer's are seconds apart). */
const SAVES_APART_MS = 150;

// ---------------------------------------------------------------- helpers

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });
/** The long paper's peak memory: the median of its CLI builds' peaks, and their highest. */
const longPeak = (long) =>
  long.cliMaxRssMiB.runs > 1 ? `${long.maxRssMiB.toFixed(0)} MiB median, ${long.cliMaxRssMiB.max.toFixed(0)} MiB highest of ${long.cliMaxRssMiB.runs} builds` : `${long.maxRssMiB.toFixed(0)} MiB`;

function tempProject() {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-bench-'));
  cpSync(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true });
  cpSync(path.join(root, 'data'), path.join(dir, 'data'), { recursive: true });
  return dir;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function pages(pdf) {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))[1]);
}

/** Run a CLI command in a new process; its wall time and peak RSS. */
function timeCli(dir, args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, COMMITTEE_PAPERS_STATS: '1' } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`committee-papers ${args.join(' ')} failed:\n${r.stderr}`);
  const m = /STATS (.*)/.exec(r.stderr);
  const stats = m ? JSON.parse(m[1]) : {};
  return { ms, rssMiB: stats.maxRssKiB / 1024, cpuMs: stats.cpuMs };
}

/**
 * What a user waits for in `build --watch`: from writing the data file (a one-figure change
 * in a chart, as an editor saves: the file rewritten in place) to the CLI's "rebuilt" line,
 * both files written. The watcher's wait for the files to be left alone is in it.
 */
async function watchLatency(dir, repeats) {
  const file = path.join(dir, example);
  const original = readFileSync(file, 'utf8');
  const watcher = spawn(process.execPath, [cli, 'build', example, '--watch', '--out', 'out-watch'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  let waiting;
  watcher.stdout.setEncoding('utf8');
  watcher.stdout.on('data', (chunk) => {
    pending += chunk;
    for (let nl; (nl = pending.indexOf('\n')) >= 0; ) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (waiting?.re.test(line)) waiting.resolve(line);
    }
  });
  const lineLike = (re) => new Promise((resolve) => (waiting = { re, resolve }));
  try {
    await lineLike(/^watching/);
    // An officer's first save comes seconds after starting: by then the CLI has practised its
    // rebuilds (cli/watch.ts), which a save would stop.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const ms = [];
    for (let i = 0; i < repeats; i++) {
      const done = lineLike(/^(rebuilt|failed) /);
      const t = performance.now();
      writeFileSync(file, original.replace('      2016-09: 624', `      2016-09: ${625 + i}`));
      const line = await done;
      if (line.startsWith('failed')) throw new Error(`bench: --watch: ${line}`);
      ms.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, SAVES_APART_MS));
    }
    return ms;
  } finally {
    watcher.kill();
    writeFileSync(file, original);
  }
}

/** Run one in-process scenario in a child process (this file with --child NAME). */
function child(name, dir) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, dir, String(REPEATS)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`scenario ${name} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ---------------------------------------------------------------- synthetic inputs

const WORDS = 'the service continues to receive high numbers of referrals and officers monitor performance with the provider to address the waiting times set out in the contract while the new integrated model is procured'.split(' ');

function sentence(i, n = 22) {
  const w = Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]);
  w[0] = w[0][0].toUpperCase() + w[0].slice(1);
  return w.join(' ') + '.';
}

/** Sections in the long paper: about 100 pages. */
const LONG_SECTIONS = 94;

/** A paper type and data for a long paper: LONG_SECTIONS sections (about 100 pages), long tables, 20 charts. */
function writeLongPaper(dir) {
  const type = path.join(dir, 'templates/papers/bench-long');
  mkdirSync(path.join(type, 'partials'), { recursive: true });
  mkdirSync(path.join(type, 'charts'), { recursive: true });
  writeFileSync(path.join(type, 'paper.yaml'), 'layout: kent-cabinet-committee\n');
  writeFileSync(path.join(type, 'schema.json'), JSON.stringify({
    type: 'object', additionalProperties: false, required: ['paper', 'meta', 'figures'],
    properties: { paper: { const: 'bench-long' }, meta: { $ref: '../../layouts/kent-cabinet-committee/meta.schema.json' }, figures: { type: 'object' } },
  }));
  writeFileSync(path.join(type, 'partials/summary.hbs'), 'A long paper for the benchmark: {{number figures.sections.length}} sections.\n');
  writeFileSync(path.join(type, 'partials/recommendation.hbs'), 'The Committee is asked to NOTE the report.\n');
  writeFileSync(path.join(type, 'paper.hbs'), [
    '{{#each figures.sections}}',
    '# {{title}}', '',
    '{{#each paragraphs}}', '{{this}}', '', '{{/each}}',
    '{{#if rows}}',
    '| Month | Referrals | Waiting list | Seen within six weeks |',
    '| --- | ---: | ---: | ---: |',
    '{{#each rows}}', '| {{month period}} | {{number referrals}} | {{number waiting}} | {{percent seen}} |', '{{/each}}',
    '', '{{/if}}',
    '{{#if series}}',
    '{{chart "monthly" data=series title=(concat "Referrals averaged " (average series) " a month") subtitle=(concat "Monthly referrals, " (span series))}}',
    '{{/if}}',
    '{{/each}}', '',
  ].join('\n'));
  writeFileSync(path.join(type, 'charts/monthly.vl.json'), JSON.stringify({
    data: { name: 'values' }, height: 180,
    mark: 'bar', encoding: { x: { field: 'period', type: 'ordinal', timeUnit: 'yearmonth', title: null, axis: { format: '%b %y' } }, y: { field: 'value', type: 'quantitative', title: 'Referrals' } },
  }));
  const months = Array.from({ length: 24 }, (_, i) => `${2015 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  const sections = Array.from({ length: LONG_SECTIONS }, (_, s) => ({
    title: `Section ${s + 1}: ${sentence(s, 4).slice(0, -1)}`,
    paragraphs: Array.from({ length: 6 }, (_, p) => `${sentence(s * 10 + p)} ${sentence(s * 10 + p + 3)} ${sentence(s * 10 + p + 5, 14)}`),
    ...(s % 3 === 0 ? { rows: months.map((m, i) => ({ period: m, referrals: 800 + ((s * 37 + i * 53) % 300), waiting: 600 + ((s * 11 + i * 29) % 400), seen: 40 + ((s + i) % 30) })) } : {}),
    ...(s < 20 ? { series: Object.fromEntries(months.slice(12).map((m, i) => [m, 700 + ((s * 41 + i * 67) % 350)])) } : {}),
  }));
  const exampleData = readFileSync(path.join(root, example), 'utf8');
  const meta = exampleData.slice(exampleData.indexOf('meta:'), exampleData.indexOf('\nfigures:'));
  writeFileSync(path.join(dir, 'data/bench-long.yaml'), `paper: bench-long\n${meta}\nfigures:\n  sections: ${JSON.stringify(sections)}\n`);
  return 'data/bench-long.yaml';
}

/**
 * Variants of the example, as an authority's papers for its services or districts would be:
 * every variant has its own figures for all four charts (and the sentences about them), so
 * no chart of one paper is drawn again for another.
 */
function writeBatch(dir, n) {
  const batch = path.join(dir, 'batch');
  mkdirSync(batch, { recursive: true });
  const src = readFileSync(path.join(root, example), 'utf8');
  for (let i = 0; i < n; i++) {
    let text = src;
    /** Each monthly value between the lines starting `from` and `to`, changed by `f`. */
    const vary = (from, to, f) => {
      const a = text.indexOf(from);
      const b = text.indexOf(to, a);
      if (a < 0 || b < 0) throw new Error(`bench: the example data has no "${from.trim()}" ... "${to.trim()}"`);
      text = text.slice(0, a) + text.slice(a, b).replace(/^(\s+20\d\d-\d\d): ([\d.]+)$/gm, (_m, k, v) => `${k}: ${f(Number(v))}`) + text.slice(b);
    };
    vary('    referrals:', '    targetWeeks:', (v) => v + ((i * 13) % 97) + Math.floor(i / 97)); // referrals, waiting list
    vary('    seenWithinTarget:', '    averageWaitWeeks:', (v) => Math.min(100, v + (i % 20) + Math.floor(i / 20) / 10));
    vary('    assessedWithinTarget:', '    averageWaitWeeks:', (v) => Math.min(100, v + (i % 20) + Math.floor(i / 20) / 10));
    text = text.replace('specialistTeam: 315', `specialistTeam: ${315 + i}`).replace('openCases: 7859', `openCases: ${7000 + i}`);
    writeFileSync(path.join(batch, `paper-${String(i).padStart(3, '0')}.yaml`), text);
  }
  return 'batch';
}

// ---------------------------------------------------------------- child scenarios

async function runChild(name, dir, repeats) {
  process.chdir(dir);
  // As the CLI does first thing (cli/optimizer.ts): these scenarios stand for its runs.
  const { optimiseOnlyHotCode } = await import(path.join(root, 'dist/cli/optimizer.js'));
  optimiseOnlyHotCode();
  const { buildPaper } = await import(path.join(root, 'dist/paper/build.js'));
  const { renderFormat } = await import(path.join(root, 'dist/paper/outputs.js'));
  const { loadChartStage } = await import(path.join(root, 'dist/cli/charts.js'));
  const out = { stages: {}, totals: [] };
  const record = (stage, ms) => (out.stages[stage] ??= []).push(ms);
  const { renderFormats } = await import(path.join(root, 'dist/batch/build-one.js'));
  /**
   * One paper to DOCX and PDF, timed per stage, as the CLI renders them (batch/build-one.ts):
   * both at once, the DOCX first, which waits for the charts' PNGs while the PDF is rendered.
   */
  const buildBoth = async (file) => {
    const timings = {};
    const t = performance.now();
    const b = await buildPaper(file, { charts: loadChartStage, timings });
    const bytes = await renderFormats(b.paper, ['docx', 'pdf'], file, timings);
    return { timings, total: performance.now() - t, pdf: bytes.get('pdf') };
  };

  if (name === 'warm' || name === 'warm-text' || name === 'warm-plain') {
    // As --watch does: one process, a paper rebuilt after a one-figure change: the example
    // (its September waiting list, in a chart and three sentences; or its open cases, in
    // one sentence and no chart), or the HOSC cover report, a paper without charts as in
    // Carbone's published figure (its item number).
    const changes = {
      warm: [example, '      2016-09: 624', (i) => `      2016-09: ${625 + i}`],
      'warm-text': [example, 'openCases: 7859', (i) => `openCases: ${7860 + i}`],
      'warm-plain': ['data/hosc-cover-report-2019-01.yaml', 'item: 4', (i) => `item: ${5 + i}`],
    };
    const [data, before, after] = changes[name];
    const file = path.join(dir, data);
    const original = readFileSync(file, 'utf8');
    if (!original.includes(before)) throw new Error(`bench: ${data} has no "${before}" to change`);
    // As --watch does: its first build; the PDF goes to the PDF worker once that has got ready
    // on the first paper; then rebuilds practised in memory, until the first save (cli/watch.ts).
    const { allowPdfWorker, pdfWorker } = await import(path.join(root, 'dist/render/pdf/worker-client.js'));
    const { practiseMore } = await import(path.join(root, 'dist/cli/watch.js'));
    const { rehearse } = await import(path.join(root, 'dist/batch/build-one.js'));
    const { collectBetweenRebuilds, collectWhenIdle } = await import(path.join(root, 'dist/bundle/young-generation.js'));
    allowPdfWorker(true);
    collectBetweenRebuilds(true);
    await buildBoth(file);
    collectWhenIdle();
    for (let i = 0; i < 100 && !pdfWorker()?.ready; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    out.pdfWorker = pdfWorker()?.ready === true;
    let practised = 0;
    for (let spent = 0, last = 0; practiseMore(practised, spent, last); practised++) {
      const t = performance.now();
      await rehearse(file, { out: path.join(dir, 'out-practice'), formats: ['docx', 'pdf'], write: true });
      last = performance.now() - t;
      spent += last;
      collectWhenIdle();
      await new Promise((resolve) => setImmediate(resolve));
    }
    out.practised = practised;
    // Saves come seconds apart, and in between each thread collects its young generation
    // (bundle/young-generation.ts): here 150 ms apart, as in the --watch scenario.
    for (let i = 0; i < repeats * 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, SAVES_APART_MS));
      writeFileSync(file, original.replace(before, after(i)));
      const r = await buildBoth(file);
      for (const [k, v] of Object.entries(r.timings)) record(k, v);
      out.totals.push(r.total);
      collectWhenIdle();
    }
  } else if (name === 'pack') {
    const { loadPackItems } = await import(path.join(root, 'dist/pack/build.js'));
    const { layOutPack } = await import(path.join(root, 'dist/pack/render.js'));
    const { renderPackDocx } = await import(path.join(root, 'dist/render/docx/index.js'));
    const opts = { charts: loadChartStage };
    for (let i = 0; i < repeats + 1; i++) {
      const t = performance.now();
      const source = await loadPackItems(path.join(dir, 'data/packs/hosc-2019-01-29.yaml'), opts);
      const laid = await layOutPack(source, opts);
      await renderPackDocx(laid.pack);
      if (i > 0) out.totals.push(performance.now() - t);
      out.pages = Object.values(laid.pages).reduce((m, r) => Math.max(m, r.end), 0);
      out.passes = laid.passes;
    }
  } else if (name === 'long' || name === 'example') {
    const file = path.join(dir, name === 'long' ? 'data/bench-long.yaml' : example);
    const { clearChartCache } = await import(path.join(root, 'dist/charts/index.js'));
    const { forgetDrawings } = await import(path.join(root, 'dist/render/pdf/svg-replay.js'));
    const { forgetPlainSvgs } = await import(path.join(root, 'dist/render/pdf/plain-svg.js'));
    for (let i = 0; i < repeats + 1; i++) {
      // A full build each time: every chart drawn, by vega and into the PDF.
      clearChartCache();
      forgetDrawings();
      forgetPlainSvgs();
      const r = await buildBoth(file);
      if (i > 0) {
        for (const [k, v] of Object.entries(r.timings)) record(k, v);
        out.totals.push(r.total);
      }
      writeFileSync(path.join(dir, `${name}.pdf`), r.pdf);
    }
    out.pages = pages(path.join(dir, `${name}.pdf`));
  }
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out) + '\n');
}

// ---------------------------------------------------------------- main

async function main() {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const dir = tempProject();
  const results = { machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`, repeats: REPEATS, scenarios: {}, ratios: {} };
  const log = (s) => process.stdout.write(s + '\n');
  log(`committee-papers benchmark on ${results.machine}${quick ? ' (quick)' : ''}\n`);

  // Cold CLI: a new process per run, the example paper (four charts) to DOCX and PDF; and,
  // run by run in turn with it so that both meet the machine in the same state (its speed
  // drifts by a third over minutes), LibreOffice converting that DOCX to PDF.
  const cold = [];
  const lo = [];
  const docx = path.join(dir, 'out-cold/camhs-contract-performance-2016-09.docx');
  const withLibreOffice = has('soffice');
  // The build above made a new bundle: the first run compiles it and saves its code cache, as
  // a user's first run after installing does. Timed on its own; every later run takes the cache.
  const first = timeCli(dir, ['build', example, '--out', 'out-cold']);
  results.scenarios.coldFirst = { ...stats([first.ms]), maxRssMiB: first.rssMiB, note: 'the first run after npm run build: compiles the bundle and saves its code cache' };
  for (let i = 0; i < REPEATS; i++) {
    cold.push(timeCli(dir, ['build', example, '--out', 'out-cold']));
    if (withLibreOffice && i < 5) {
      const profile = mkdtempSync(path.join(tmpdir(), 'lo-profile-'));
      const t = performance.now();
      execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', path.join(dir, 'out-lo'), docx], { stdio: 'pipe' });
      lo.push(performance.now() - t);
    }
  }
  results.scenarios.cold = { ...stats(cold.map((c) => c.ms)), maxRssMiB: Math.max(...cold.map((c) => c.rssMiB)) };
  results.scenarios.libreoffice = withLibreOffice
    ? { ...stats(lo), note: 'soffice --headless --convert-to pdf of our DOCX (PDF only, cold profile), run in turn with the cold CLI' }
    : { skipped: 'soffice is not installed (Debian: libreoffice-writer-nogui)' };

  const warm = child('warm', dir);
  results.scenarios.warm = { ...stats(warm.totals), maxRssMiB: warm.maxRssMiB, pdfWorker: warm.pdfWorker, practised: warm.practised, stages: Object.fromEntries(Object.entries(warm.stages).map(([k, v]) => [k, stats(v)])) };
  const warmText = child('warm-text', dir);
  results.scenarios.warmText = { ...stats(warmText.totals), maxRssMiB: warmText.maxRssMiB, pdfWorker: warmText.pdfWorker, practised: warmText.practised };
  const warmPlain = child('warm-plain', dir);
  results.scenarios.warmPlain = { ...stats(warmPlain.totals), maxRssMiB: warmPlain.maxRssMiB, pdfWorker: warmPlain.pdfWorker, practised: warmPlain.practised };

  results.scenarios.watch = stats(await watchLatency(dir, REPEATS * 3));

  const ex = child('example', dir);
  results.scenarios.example = { ...stats(ex.totals), pages: ex.pages, maxRssMiB: ex.maxRssMiB };

  const pack = child('pack', dir);
  results.scenarios.pack = { ...stats(pack.totals), pages: pack.pages, passes: pack.passes, maxRssMiB: pack.maxRssMiB };

  writeLongPaper(dir);
  const long = child('long', dir);
  // Its peak memory as an officer would meet it: one build in a new process (the repeated
  // builds above share one process, whose peak also holds what the earlier builds left).
  // Several such builds: one build's peak moves by tens of MiB with when memory is collected.
  const longCli = Array.from({ length: quick ? 1 : 5 }, () => timeCli(dir, ['build', 'data/bench-long.yaml', '--out', 'out-long']));
  const longPeaks = longCli.map((r) => r.rssMiB);
  results.scenarios.long = {
    ...stats(long.totals),
    pages: long.pages,
    maxRssMiB: median(longPeaks),
    cliMaxRssMiB: stats(longPeaks),
    repeatedMaxRssMiB: long.maxRssMiB,
    cliMs: median(longCli.map((r) => r.ms)),
    stages: Object.fromEntries(Object.entries(long.stages).map(([k, v]) => [k, stats(v)])),
  };

  const batchDir = writeBatch(dir, BATCH);
  // --jobs 1 and 2 in turn, twice (once with --quick), so that both meet the machine's drift
  // alike: their ratio is a target. Processor time is every thread's: what a paper costs, and
  // how many cores were kept busy.
  const batchRuns = { 1: [], 2: [] };
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    for (const jobs of [1, 2]) batchRuns[jobs].push(timeCli(dir, ['build', batchDir, '--out', `out-batch-${jobs}`, '--jobs', String(jobs)]));
  }
  /** A batch's figures over its CLI runs (medians; the highest peak memory). */
  const batchFigures = (jobs, runs) => {
    const ms = median(runs.map((r) => r.ms));
    const cpuMs = median(runs.map((r) => r.cpuMs));
    return {
      papers: BATCH,
      jobs,
      ms,
      msRuns: runs.map((r) => r.ms),
      papersPerSecond: BATCH / (ms / 1000),
      maxRssMiB: Math.max(...runs.map((r) => r.rssMiB)),
      cpuMsPerPaper: cpuMs / BATCH,
      coresBusy: cpuMs / ms,
    };
  };
  for (const [jobs, runs] of Object.entries(batchRuns)) results.scenarios[`batch${jobs}`] = batchFigures(Number(jobs), runs);
  // The same batch written as PDF only, as an authority publishing its papers would: no PNGs.
  results.scenarios.batchPdf = batchFigures(2, [timeCli(dir, ['build', batchDir, '--out', 'out-batch-pdf', '--jobs', '2', '--format', 'pdf'])]);

  // pandoc, another tool officers use today, on the same text.
  if (has('pandoc')) {
    const { buildPaper } = await import(path.join(root, 'dist/paper/build.js'));
    const { loadChartStage } = await import(path.join(root, 'dist/cli/charts.js'));
    const built = await buildPaper(path.join(dir, example), { charts: loadChartStage });
    const md = path.join(dir, 'paper.md');
    writeFileSync(md, built.text.replace(/^::chart.*$/gm, ''));
    const pd = [];
    for (let i = 0; i < REPEATS; i++) {
      const t = performance.now();
      execFileSync('pandoc', [md, '-o', path.join(dir, 'pandoc.docx')]);
      pd.push(performance.now() - t);
    }
    results.scenarios.pandoc = { ...stats(pd), note: 'pandoc, the same text to DOCX (no charts, no numbering)' };
  } else results.scenarios.pandoc = { skipped: 'pandoc is not installed (Debian: pandoc)' };

  // ---- the table
  const S = results.scenarios;
  const stageName = (k) => `  stage: ${k}${k.includes(' + ') ? ' (at once)' : ''}`;
  const f = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  const row = (name, s, extra = '') => log(`  ${name.padEnd(52)} ${f(s.median).padStart(9)} ${f(s.min).padStart(9)} ${f(s.max).padStart(9)}   ${extra}`);
  log(`  ${'scenario'.padEnd(52)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)}   peak RSS / notes`);
  row('cold CLI, example paper (4 charts), DOCX + PDF', S.cold, `${S.cold.maxRssMiB.toFixed(0)} MiB`);
  row('  the first run after a build (saves the code cache)', S.coldFirst, `${S.coldFirst.maxRssMiB.toFixed(0)} MiB, one run`);
  const onWorker = (x) => (x.pdfWorker ? ', PDF on its thread' : ', PDF not on its thread') + `, after ${x.practised} practice rebuilds, saves ${SAVES_APART_MS} ms apart`;
  row('warm rebuild after a one-figure change, DOCX + PDF', S.warm, `${S.warm.maxRssMiB.toFixed(0)} MiB${onWorker(S.warm)}`);
  for (const [k, v] of Object.entries(S.warm.stages)) row(stageName(k), v);
  row('  the same, a figure in the text only (no chart)', S.warmText, `${S.warmText.maxRssMiB.toFixed(0)} MiB${onWorker(S.warmText)}`);
  row('warm rebuild, HOSC cover report (1 page, no charts)', S.warmPlain, `${S.warmPlain.maxRssMiB.toFixed(0)} MiB${onWorker(S.warmPlain)}`);
  row('--watch: data file saved -> both files rewritten', S.watch, 'the CLI, a figure in a chart');
  row(`full build in a warm process, example (${S.example.pages} pages)`, S.example, `${(S.example.median / S.example.pages).toFixed(1)} ms/page`);
  row(`pack: agenda + 3 papers (${S.pack.pages} pages, ${S.pack.passes} layouts), PDF + DOCX`, S.pack, `${S.pack.maxRssMiB.toFixed(0)} MiB`);
  row(`long paper (${S.long.pages} pages, 20 charts), DOCX + PDF`, S.long, `${(S.long.median / S.long.pages).toFixed(1)} ms/page, ${longPeak(S.long)} (CLI)`);
  for (const [k, v] of Object.entries(S.long.stages)) row(stageName(k), v);
  const batchRow = (name, b) => {
    const [min, max] = b.msRuns.length > 1 ? [f(Math.min(...b.msRuns)), f(Math.max(...b.msRuns))] : ['', ''];
    log(`  ${name.padEnd(52)} ${f(b.ms).padStart(9)} ${min.padStart(9)} ${max.padStart(9)}   ${b.papersPerSecond.toFixed(1)} papers/s, ${b.maxRssMiB.toFixed(0)} MiB, ${b.cpuMsPerPaper.toFixed(0)} ms CPU a paper, ${b.coresBusy.toFixed(2)} cores busy`);
  };
  for (const j of [1, 2]) batchRow(`batch of ${S[`batch${j}`].papers} papers, --jobs ${j}`, S[`batch${j}`]);
  batchRow('the same batch, --jobs 2, PDF only', S.batchPdf);
  for (const k of ['libreoffice', 'pandoc']) {
    if (S[k].skipped) log(`  ${k}: skipped: ${S[k].skipped}`);
    else row(k === 'libreoffice' ? 'LibreOffice: our DOCX to PDF (cold)' : 'pandoc: the same text to DOCX', S[k]);
  }

  log('\nRatios (ours / theirs; below 1 is faster):');
  if (!S.libreoffice.skipped) {
    results.ratios.coldVsLibreOffice = S.cold.median / S.libreoffice.median;
    log(`  cold CLI, DOCX + PDF with 4 charts / LibreOffice DOCX -> PDF alone: ${results.ratios.coldVsLibreOffice.toFixed(2)} (target <= 0.5)`);
  }
  if (!S.pandoc.skipped) {
    results.ratios.coldVsPandoc = S.cold.median / S.pandoc.median;
    log(`  cold CLI, DOCX + PDF with 4 charts / pandoc text -> DOCX: ${results.ratios.coldVsPandoc.toFixed(2)}`);
  }
  results.ratios.warmVsCarbone = S.warm.median / 100;
  log(`  warm rebuild / Carbone with a warm LibreOffice (about 100 ms, published figure): ${results.ratios.warmVsCarbone.toFixed(2)} (target < 0.5)`);
  results.ratios.warmPlainVsCarbone = S.warmPlain.median / 100;
  log(`  warm rebuild of a paper without charts / the same Carbone figure (also without charts): ${results.ratios.warmPlainVsCarbone.toFixed(2)}`);
  results.ratios.longPerPageVsExample = S.long.median / S.long.pages / (S.example.median / S.example.pages);
  log(`  long paper time per page / example paper time per page: ${results.ratios.longPerPageVsExample.toFixed(2)} (target <= 1.5)`);
  results.ratios.batchSpeedup = S.batch2.papersPerSecond / S.batch1.papersPerSecond;
  log(`  batch papers/s with 2 jobs / with 1 job: ${results.ratios.batchSpeedup.toFixed(2)} (target near 2)`);

  log('\nTargets in absolute terms:');
  log(`  warm rebuild, DOCX + PDF: ${f(S.warm.median)} median (target < 50 ms; ${f(S.warmText.median)} when the figure is in no chart)`);
  // A paper's processor time bounds what the cores can do, however the work is spread.
  const ceiling = (availableParallelism() * 1000) / S.batch2.cpuMsPerPaper;
  log(`  batch, --jobs 2: ${S.batch2.papersPerSecond.toFixed(1)} papers/s (target >= 10; at ${S.batch2.cpuMsPerPaper.toFixed(0)} ms of processor time a paper, ${availableParallelism()} cores fully busy would build ${ceiling.toFixed(1)})`);
  log(`  long paper, ${S.long.pages} pages, peak memory of one build: ${longPeak(S.long)} (target < 300)`);

  mkdirSync(path.join(root, 'output'), { recursive: true });
  writeFileSync(path.join(root, 'output/bench.json'), JSON.stringify(results, null, 2) + '\n');
  log('\nFigures written to output/bench.json');
}

if (process.argv[2] === '--child') await runChild(process.argv[3], process.argv[4], Number(process.argv[5]));
else await main();
