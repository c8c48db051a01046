/** Where a test file's PDFs go for poppler's tools to read, and running those tools. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { pdfinfo, pdftotext } from './readers.js';

/**
 * A temporary folder made before the test file's tests and removed after them; the function
 * returned writes PDF bytes to the next file there and returns its path.
 */
export function pdfFolder(prefix: string): (bytes: Uint8Array) => string {
  let dir = '';
  let count = 0;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return (bytes) => {
    const file = path.join(dir, `f${++count}.pdf`);
    writeFileSync(file, bytes);
    return file;
  };
}

/** What a command (pdftotext, pdfinfo, qpdf...) writes to its standard output. */
export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Every object of the file (qpdf's JSON), keyed "obj:N 0 R". */
export function qpdfObjects(file: string): Record<string, any> {
  const json = JSON.parse(run('qpdf', ['--json=2', '--json-key=qpdf', file]));
  const objects: Record<string, any> = {};
  for (const [key, value] of Object.entries(json.qpdf[1] as Record<string, any>)) {
    if (key.startsWith('obj:')) objects[key] = value;
  }
  return objects;
}

/** One page's text, laid out (pdftotext -layout). */
export function pageText(file: string, page: number): string {
  return pdftotext(file, true, page);
}

/** How many pages pdfinfo counts. */
export function pageCount(file: string): number {
  return Number(pdfinfo(file).Pages);
}

/** The fonts pdffonts lists: at least two, every one embedded, every one a subset of Arimo. */
export function expectArimoOnly(file: string): void {
  const rows = run('pdffonts', [file]).trim().split('\n').slice(2);
  expect(rows.length).toBeGreaterThanOrEqual(2);
  for (const row of rows) {
    const cols = row.trim().split(/\s+/);
    // name type... emb sub uni objectID gen: emb is the 5th column from the end.
    expect(cols[cols.length - 5], row).toBe('yes');
    expect(cols[0], row).toMatch(/^[A-Z]{6}\+Arimo-(Regular|Bold|Italic|BoldItalic)$/);
  }
}
