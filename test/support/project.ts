/** A throwaway copy of the project's data and templates, and a way to run the built CLI on it. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
/** The command users run (package.json's bin): the CLI from its bundle, with its code cache. */
export const cli = path.join(root, 'dist', 'cli', 'bin.js');
/** The same CLI from its modules, without the bundle. */
export const cliModules = path.join(root, 'dist', 'cli', 'main.js');
export const example = 'data/camhs-contract-performance-2016-09.yaml';

export function tempProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'committee-papers-'));
  cpSync(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true });
  cpSync(path.join(root, 'data'), path.join(dir, 'data'), { recursive: true });
  return dir;
}

/** Replace text in a file of the temp project; fails loudly if the text is not there. */
export function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const p = path.join(dir, file);
  const before = readFileSync(p, 'utf8');
  const after = before.replace(from, to);
  if (after === before) throw new Error(`edit: ${String(from)} not found in ${file}`);
  writeFileSync(p, after);
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(dir: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 1-based line of the first line containing `text` in a file of the temp project. */
export function lineOf(dir: string, file: string, text: string): number {
  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`lineOf: ${text} not in ${file}`);
  return i + 1;
}
