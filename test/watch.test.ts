/**
 * build --watch: a change to the data rebuilds the paper; a mistake is shown, the last good
 * output stays, and watching goes on.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rehearse } from '../src/batch/build-one.js';
import { PRACTICE, practiseMore, reportWatchError, watchPapers } from '../src/cli/watch.js';
import { cli, edit, example, tempProject } from './support/project.js';

describe('build --watch', () => {
  const dir = tempProject();
  const child = spawn(process.execPath, [cli, 'build', example, '--watch', '--format', 'docx'], { cwd: dir });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  afterAll(() => child.kill());

  /** Wait until the output has `count` lines matching `re`. */
  const waitFor = async (re: RegExp, count: number) => {
    for (let i = 0; i < 600; i++) {
      if ((out.match(new RegExp(re.source, 'g')) ?? []).length >= count) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${re} x${count}; output so far:\n${out}`);
  };
  const docx = path.join(dir, 'output/camhs-contract-performance-2016-09.docx');

  it('rebuilds on a data change, keeps the last good output on a mistake, and goes on', async () => {
    await waitFor(/watching 1 paper/, 1);
    const first = readFileSync(docx);

    edit(dir, example, '  openCases: 7859', '  openCases: 7860');
    await waitFor(/rebuilt data\//, 2);
    const second = readFileSync(docx);
    expect(second.equals(first)).toBe(false);

    edit(dir, example, '  openCases: 7860', '  openCases: many');
    await waitFor(/failed data\//, 1);
    expect(out).toMatch(/figures\.mainstream\.openCases: expected a whole number, found the text "many"/);
    expect(readFileSync(docx).equals(second)).toBe(true);

    const partial = 'templates/papers/camhs-contract-performance/partials/conclusion.hbs';
    edit(dir, example, '  openCases: many', '  openCases: 7859');
    await waitFor(/rebuilt data\//, 3);
    expect(readFileSync(docx).equals(first)).toBe(true);

    edit(dir, partial, 'There are ongoing challenges', 'There remain ongoing challenges');
    await waitFor(/rebuilt data\//, 4);
    expect(readFileSync(docx).equals(first)).toBe(false);

    // Saved as vim and sed -i save: a copy written and renamed over the file. Its later
    // saves must be seen too (node's recursive watch lost such a file on Linux).
    const file = path.join(dir, partial);
    writeFileSync(`${file}.swp`, readFileSync(file, 'utf8').replace('There remain ongoing challenges', 'There are still ongoing challenges'));
    renameSync(`${file}.swp`, file);
    await waitFor(/rebuilt data\//, 5);
    const replaced = readFileSync(docx);
    expect(replaced.equals(first)).toBe(false);
    edit(dir, partial, 'There are still ongoing challenges', 'There are ongoing challenges');
    await waitFor(/rebuilt data\//, 6);
    expect(readFileSync(docx).equals(first)).toBe(true);
  });
});

describe('a watched data folder whose watch fails', () => {
  // On Windows, removing or renaming a watched folder ends its watch with an 'error' (EPERM);
  // not raised on Linux, so it is raised here by hand.
  it('is reported and no longer watched, and does not end the process', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'committee-papers-watch-'));
    const watcher = watch(dir);
    const lines: string[] = [];
    reportWatchError(watcher, dir, (line) => lines.push(line));
    const closed = new Promise((resolve) => watcher.once('close', resolve));
    watcher.emit('error', Object.assign(new Error('watch EPERM'), { code: 'EPERM' }));
    await closed;
    expect(lines).toEqual([`stopped watching ${dir} (EPERM: moved or removed?); its papers are no longer rebuilt`]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('practice rebuilds while nothing has changed', () => {
  /** watchPapers over one data file in a folder of its own, with builds and practice that take `ms`. */
  const watchOne = (ms: number, ready: () => boolean = () => true) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'committee-papers-practice-'));
    const data = path.join(dir, 'paper.yaml');
    writeFileSync(data, 'a: 1\n');
    const events: string[] = [];
    const sleep = () => new Promise((r) => setTimeout(r, ms));
    const watching = watchPapers(
      [data],
      [],
      async () => {
        events.push('build');
        await sleep();
        return { ok: true, sources: [data] };
      },
      () => undefined,
      {
        ready,
        rebuild: async () => {
          events.push('practice');
          await sleep();
          return true;
        },
      },
    );
    return { dir, data, events, watching };
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('practises as many as PRACTICE allows after the first build, once the process is ready', async () => {
    let isReady = false;
    const { dir, events, watching } = watchOne(5, () => isReady);
    await watching.ready;
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toEqual(['build']); // not ready: no practice yet
    isReady = true;
    await until(() => watching.practised() >= PRACTICE.rebuilds);
    await new Promise((r) => setTimeout(r, 100));
    expect(watching.practised()).toBe(PRACTICE.rebuilds);
    expect(events).toEqual(['build', ...Array(PRACTICE.rebuilds).fill('practice')]);
    watching.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops at the first change, whose rebuild waits for at most the practice under way', async () => {
    const { dir, data, events, watching } = watchOne(60);
    await watching.ready;
    await until(() => watching.practised() >= 1);
    writeFileSync(data, 'a: 2\n');
    await until(() => events.filter((e) => e === 'build').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const rebuilt = events.lastIndexOf('build');
    expect(rebuilt).toBeGreaterThan(1);
    expect(events.slice(rebuilt + 1)).toEqual([]); // nothing practised after the change
    expect(watching.practised()).toBeLessThan(PRACTICE.rebuilds);
    watching.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rehearses a paper in memory: nothing written; false for a paper that does not build', async () => {
    const dir = tempProject();
    const out = path.join(dir, 'output');
    const opts = { out, formats: ['docx', 'pdf'] as ('docx' | 'pdf')[], write: true };
    expect(await rehearse(path.join(dir, example), opts)).toBe(true);
    expect(existsSync(out)).toBe(false);
    edit(dir, example, '  openCases: 7859', '  openCases: many');
    expect(await rehearse(path.join(dir, example), opts)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives up on a long paper after its first practice, and on time', () => {
    expect(practiseMore(0, 0, 0)).toBe(true);
    expect(practiseMore(1, PRACTICE.eachMs + 1, PRACTICE.eachMs + 1)).toBe(false);
    expect(practiseMore(5, PRACTICE.totalMs, 50)).toBe(false);
    expect(practiseMore(PRACTICE.rebuilds, 0, 0)).toBe(false);
  });
});
