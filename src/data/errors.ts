/**
 * Errors in what the user wrote (data, templates, chart specs). Each one points at a
 * file, line and column, so an officer can go straight to the mistake.
 */
import path from 'node:path';

export interface ErrorLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface InputProblem extends ErrorLocation {
  /** Field path in the data, e.g. "figures.waitingList.latest". */
  path?: string;
  message: string;
  /** Warnings do not stop a build. */
  severity?: 'error' | 'warning';
}

/** A file as the user would type it: relative to the working folder when inside it. */
export function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function formatProblem(p: InputProblem): string {
  const where = [displayPath(p.file), p.line, p.column].filter((x) => x !== undefined).join(':');
  const path = p.path ? `${p.path}: ` : '';
  const tag = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${tag}${path}${p.message}`;
}

/** One or more problems in the user's input. The build stops and writes nothing. */
export class InputError extends Error {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[] | InputProblem) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = list;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
