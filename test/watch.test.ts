/**
 * build --watch: a change to the data rebuilds the paper; a mistake is shown, the last good
 * output stays, and watching goes on.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportWatchError } from '../src/cli/watch.js';
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
