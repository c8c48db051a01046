/**
 * YAML reading that keeps positions: every value can be traced back to its line and
 * column, so validation errors point into the officer's file.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InputError, type InputProblem } from './errors.js';

export interface LoadedYaml {
  file: string;
  value: unknown;
  /** Position of the value at a data path (or of its nearest existing parent). */
  locate(path: (string | number)[], key?: boolean): { line: number; column: number };
}

export function readYamlFile(file: string): LoadedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file, message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})` });
  }
  return parseYaml(text, file);
}

export function parseYaml(text: string, file: string): LoadedYaml {
  const lineCounter = new LineCounter();
  // uniqueKeys: a key given twice is a mistake, not an override.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: InputProblem[] = [];
  for (const err of [...doc.errors, ...doc.warnings]) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    problems.push({
      file,
      line: pos.line,
      column: pos.col,
      message: `YAML ${err.name === 'YAMLWarning' ? 'warning' : 'syntax error'}: ${firstLine(err.message)}`,
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  const value = doc.toJS({ maxAliasCount: 100 });
  return {
    file,
    value,
    locate(path, key = false) {
      const offset = offsetOf(doc, path, key);
      const p = lineCounter.linePos(offset);
      return { line: p.line, column: p.col };
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Offset of the node at `path`, or of its deepest existing ancestor. */
function offsetOf(doc: Document, path: (string | number)[], key: boolean): number {
  let node: Node | null = doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(part));
      if (!pair) return offset;
      const k = pair.key as Node;
      const last = part === path[path.length - 1];
      if (key && last) return k.range?.[0] ?? offset;
      node = (pair.value as Node | null) ?? null;
      offset = node?.range?.[0] ?? k.range?.[0] ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (!item) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}
