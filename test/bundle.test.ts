/**
 * The `committee-papers` command runs the CLI from its one-file bundle with V8's code cache
 * (src/bundle/). The bundle must make the same papers as the modules it was made from, and
 * the cache must only ever be a shortcut: saved after a good build, taken only for the bundle
 * it was made from, and replaced when it does not fit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEASURED_V8 } from '../src/cli/optimizer.js';
import { cliModules, edit, example, root, run, tempProject } from './support/project.js';

const outputs = ['camhs-contract-performance-2016-09.docx', 'camhs-contract-performance-2016-09.pdf'];

/** The example's DOCX and PDF in `dir/a` and `dir/b` are the same bytes. */
function expectSameOutputs(dir: string, a: string, b: string): void {
  for (const f of outputs) expect(readFileSync(path.join(dir, a, f)).equals(readFileSync(path.join(dir, b, f))), `${a}/${f} and ${b}/${f}`).toBe(true);
}

describe('the command, from its bundle', () => {
  it('writes the same bytes as the CLI run from its modules', () => {
    const dir = tempProject();
    const a = run(dir, ['build', example, '--out', 'from-bundle']);
    expect(a.status, a.stderr).toBe(0);
    const b = spawnSync(process.execPath, [cliModules, 'build', example, '--out', 'from-modules'], { cwd: dir, encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    expectSameOutputs(dir, 'from-bundle', 'from-modules');
  });

  // The budget is set only on the V8 it was measured on (cli/optimizer.ts).
  it.runIf(MEASURED_V8)('has V8 optimise only the code that runs often, unless node is given a budget of its own', () => {
    // From its modules: a run with V8's tracing flags would not take the bundle's code cache,
    // and would save one of its own for the other tests' runs to set aside.
    const dir = tempProject();
    const optimised = (nodeFlags: string[]) => {
      const r = spawnSync(process.execPath, ['--trace-opt', ...nodeFlags, cliModules, 'build', example, '--out', 'out'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter((line) => line.startsWith('[completed optimizing')).length;
    };
    const ours = optimised([]);
    const v8Default = optimised(['--interrupt-budget=67584']);
    expect(ours).toBeGreaterThan(0); // the hottest code is still optimised
    expect(ours).toBeLessThan(v8Default / 2);
  });
});

describe('the code cache of the bundle', () => {
  // A copy of the built program of its own, so that other tests' runs do not touch its cache.
  let install: string;
  let project: string;
  let bin: string;
  let bundle: string;
  let cache: string;
  const build = (out: string) => spawnSync(process.execPath, [bin, 'build', example, '--out', out], { cwd: project, encoding: 'utf8' });
  const bundleHash = () => createHash('sha256').update(readFileSync(bundle)).digest();

  beforeAll(() => {
    install = mkdtempSync(path.join(tmpdir(), 'committee-papers-install-'));
    cpSync(path.join(root, 'dist'), path.join(install, 'dist'), { recursive: true, preserveTimestamps: true, filter: (src) => !src.endsWith('.cache') });
    symlinkSync(path.join(root, 'node_modules'), path.join(install, 'node_modules'), 'dir');
    writeFileSync(path.join(install, 'package.json'), readFileSync(path.join(root, 'package.json')));
    project = tempProject();
    bin = path.join(install, 'dist', 'cli', 'bin.js');
    bundle = path.join(install, 'dist', 'bundled', 'cli.cjs');
    cache = `${bundle}.cache`;
  });

  it('is not saved by a run that builds nothing', () => {
    const r = spawnSync(process.execPath, [bin, 'check', example], { cwd: project, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(cache)).toBe(false);
  });

  it('is saved after a good build, marked with the hash of its bundle, and taken as it is by the next build', () => {
    const first = build('first');
    expect(first.status, first.stderr).toBe(0);
    const saved = readFileSync(cache);
    expect(saved.subarray(0, 32).equals(bundleHash())).toBe(true);
    expect(saved.length).toBeGreaterThan(1_000_000);

    // Taken: a run that found no usable cache would save a new one after its build. This also
    // shows that the build's change to V8's heap flag was undone before the cache was made (V8
    // rejects a cache made under other flags).
    const second = build('second');
    expect(second.status, second.stderr).toBe(0);
    expect(readFileSync(cache).equals(saved)).toBe(true);
    expectSameOutputs(project, 'first', 'second');
  });

  it('is set aside when it was made for another bundle, and replaced', () => {
    const saved = readFileSync(cache);
    writeFileSync(cache, Buffer.concat([Buffer.alloc(32), saved.subarray(32)]));
    const r = build('other-hash');
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(cache).subarray(0, 32).equals(bundleHash())).toBe(true);
    expectSameOutputs(project, 'first', 'other-hash');
  });

  it('is saved for each kind of worker thread, which starts from its own bundle', () => {
    // --jobs 3: two lanes on batch workers, the first with a chart worker of its own (batch/pool.ts).
    // Each worker saves before the answer it may end on (the process ends once the papers are in).
    const r = spawnSync(process.execPath, [bin, 'build', 'data', '--jobs', '3', '--out', 'batch'], { cwd: project, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/built 3 of 3 papers .* with 3 jobs/);
    for (const name of ['chart-worker', 'batch-worker']) {
      const file = path.join(install, 'dist', 'bundled', `${name}.cjs`);
      const saved = readFileSync(`${file}.cache`);
      expect(saved.subarray(0, 32).equals(createHash('sha256').update(readFileSync(file)).digest()), name).toBe(true);
    }
    expectSameOutputs(project, 'first', 'batch');
  });

  it('is saved for the PDF worker of build --watch, whose PDFs are the same bytes', async () => {
    const watcher = spawn(process.execPath, [bin, 'build', example, '--watch', '--out', 'watch'], { cwd: project });
    let out = '';
    watcher.stdout.on('data', (d) => (out += d));
    watcher.stderr.on('data', (d) => (out += d));
    const until = async (done: () => boolean, what: string) => {
      for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
      if (!done()) throw new Error(`timed out waiting for ${what}; output so far:\n${out}`);
    };
    const rebuilt = () => (out.match(/^rebuilt /gm) ?? []).length;
    const file = path.join(install, 'dist', 'bundled', 'pdf-worker.cjs');
    try {
      await until(() => /^watching/m.test(out), 'the watcher');
      // The worker saves its cache once it has got ready on the first paper, and is used from then on.
      await until(() => existsSync(`${file}.cache`), 'the PDF worker\'s cache');
      const saved = readFileSync(`${file}.cache`);
      expect(saved.subarray(0, 32).equals(createHash('sha256').update(readFileSync(file)).digest())).toBe(true);
      edit(project, example, 'openCases: 7859', 'openCases: 7860');
      await until(() => rebuilt() >= 2, 'a rebuild');
      edit(project, example, 'openCases: 7860', 'openCases: 7859');
      await until(() => rebuilt() >= 3, 'a second rebuild');
    } finally {
      watcher.kill();
    }
    expectSameOutputs(project, 'first', 'watch');
  });

  it('is not used, nor is the bundle, when the modules were compiled after the bundle was made', () => {
    const main = path.join(install, 'dist', 'cli', 'main.js');
    const { atime, mtime } = statSync(main);
    rmSync(cache, { force: true });
    utimesSync(main, new Date(), new Date(Date.now() + 60_000));
    try {
      const r = build('stale-bundle');
      expect(r.status, r.stderr).toBe(0);
      // From the modules: a run from the bundle would have saved its cache after this build.
      expect(existsSync(cache)).toBe(false);
      expectSameOutputs(project, 'first', 'stale-bundle');
    } finally {
      utimesSync(main, atime, mtime);
    }
  });

  it('is not needed: without the bundle the command runs the CLI from its modules', () => {
    renameSync(path.join(install, 'dist', 'bundled'), path.join(install, 'dist', 'bundled-away'));
    const r = build('no-bundle');
    expect(r.status, r.stderr).toBe(0);
    expectSameOutputs(project, 'first', 'no-bundle');
  });
});

describe('runBundle', () => {
  const load = pathToFileURL(path.join(root, 'dist', 'bundle', 'load.js')).href;
  // Runs `file` with runBundle in a process of its own; the bundle prints what it computes.
  const runFile = (file: string) => {
    const driver = `import { runBundle } from ${JSON.stringify(load)};
const r = runBundle(${JSON.stringify(file)});
process.stderr.write(JSON.stringify(r ? { cached: r.cached } : null));
process.on('exit', () => r?.saveCache());`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return { printed: r.stdout.trim(), ran: JSON.parse(r.stderr) as { cached: boolean } | null };
  };
  const program = (word: string) => `#!/usr/bin/env node\nfunction say() { return ${JSON.stringify(word)} + " " + __filename.endsWith("b.cjs"); }\nconsole.log(say());\n`;

  it('runs a CommonJS file as its main module would run, and takes back the code it cached', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'committee-papers-bundle-'));
    const file = path.join(dir, 'b.cjs');
    writeFileSync(file, program('alpha'));
    expect(runFile(file)).toEqual({ printed: 'alpha true', ran: { cached: false } });
    expect(runFile(file)).toEqual({ printed: 'alpha true', ran: { cached: true } });
  });

  it('does not take code cached for another file of the same length (V8 compares only lengths)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'committee-papers-bundle-'));
    const file = path.join(dir, 'b.cjs');
    writeFileSync(file, program('alpha'));
    runFile(file);
    writeFileSync(file, program('gamma'));
    expect(runFile(file)).toEqual({ printed: 'gamma true', ran: { cached: false } });
    expect(runFile(file)).toEqual({ printed: 'gamma true', ran: { cached: true } });
  });

  it('says there is no bundle rather than failing when the file is missing', () => {
    expect(runFile(path.join(tmpdir(), 'no-such-bundle.cjs'))).toEqual({ printed: '', ran: null });
  });
});
