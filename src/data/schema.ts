/**
 * Validation of a paper's data against its paper type's JSON Schema. All problems of a
 * file are reported at once, each with line, column, field path, what was expected and
 * what was found. Unknown keys are errors (the schemas say additionalProperties: false).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InputError, type InputProblem } from './errors.js';
import type { LoadedYaml } from './yaml.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function isRealDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const formatNames: Record<string, string> = {
  date: 'a date written YYYY-MM-DD (e.g. 2016-09-30)',
  'year-month': 'a month written YYYY-MM (e.g. 2016-09)',
  uri: 'a web address starting https:// or http://',
  email: 'an email address',
};

/** One Ajv per process: compiled schemas are cached by file. */
let ajv: Ajv | undefined;
const compiled = new Map<string, { validate: ValidateFunction; schema: JsonSchema; files: Map<string, string> }>();

function fileKey(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'missing';
  }
}

export type JsonSchema = Record<string, unknown>;

function getAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    ajv.addFormat('date', { type: 'string', validate: isRealDate });
    ajv.addFormat('year-month', YEAR_MONTH);
    ajv.addFormat('uri', /^https?:\/\/\S+$/);
    ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  }
  return ajv;
}

function readSchema(file: string): JsonSchema {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
  } catch (e) {
    throw new InputError({ file, message: `cannot read the JSON Schema: ${(e as Error).message}` });
  }
}

/** Load a schema and every schema it refers to by relative file path. */
export function loadSchema(file: string): { validate: ValidateFunction; schema: JsonSchema } {
  const abs = path.resolve(file);
  const hit = compiled.get(abs);
  if (hit && [...hit.files].every(([f, k]) => fileKey(f) === k)) return hit;
  if (hit) {
    // A schema changed on disk (e.g. under --watch): start again with a fresh Ajv.
    ajv = undefined;
    compiled.clear();
  }
  const a = getAjv();
  const seen = new Set<string>();
  const files = new Map<string, string>();
  const addWithRefs = (f: string): JsonSchema => {
    const id = pathToFileURL(f).href;
    const existing = a.getSchema(id)?.schema as JsonSchema | undefined;
    if (existing) return existing;
    files.set(f, fileKey(f));
    const schema = { ...readSchema(f), $id: id };
    seen.add(f);
    for (const ref of collectFileRefs(schema)) {
      const target = path.resolve(path.dirname(f), ref);
      if (!seen.has(target)) addWithRefs(target);
    }
    a.addSchema(schema, id);
    return schema;
  };
  const schema = addWithRefs(abs);
  const validate = a.getSchema(pathToFileURL(abs).href)!;
  const entry = { validate, schema, files };
  compiled.set(abs, entry);
  return entry;
}

function collectFileRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectFileRefs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) out.push(v.split('#')[0]);
      else collectFileRefs(v, out);
    }
  }
  return out;
}

export function validateData(loaded: LoadedYaml, schemaFile: string): void {
  const { validate } = loadSchema(schemaFile);
  if (validate(loaded.value)) return;
  const problems = (validate.errors ?? [])
    .filter((e) => !['if', 'anyOf', 'oneOf', 'allOf'].includes(e.keyword))
    .map((e) => toProblem(e, loaded));
  throw new InputError(dedupe(problems).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
}

function dedupe(list: InputProblem[]): InputProblem[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const k = `${p.line}:${p.column}:${p.path}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function pointerToPath(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function dotted(parts: (string | number)[]): string {
  return parts.reduce<string>((acc, p) => (/^\d+$/.test(String(p)) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : String(p)), '');
}

function valueAt(root: unknown, parts: string[]): unknown {
  let v: unknown = root;
  for (const p of parts) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'a group of fields';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return `${typeof v} ${String(v)}`;
}

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a group of fields',
  array: 'a list',
  null: 'nothing',
};

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function toProblem(e: ErrorObject, loaded: LoadedYaml): InputProblem {
  const parts = pointerToPath(e.instancePath);
  const found = valueAt(loaded.value, parts);
  const params = e.params as Record<string, unknown>;
  let pathParts: string[] = parts;
  let locateKey = false;
  let message: string;
  switch (e.keyword) {
    case 'required': {
      const field = String(params.missingProperty);
      pathParts = parts;
      message = `missing field "${field}": expected it here, found no such field`;
      break;
    }
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const allowed = Object.keys(((e.parentSchema as JsonSchema)?.properties as JsonSchema) ?? {});
      const guess = closest(field, allowed);
      pathParts = [...parts, field];
      locateKey = true;
      message = `unknown field "${field}"${guess ? ` (did you mean "${guess}"?)` : ''}: expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`;
      break;
    }
    case 'type': {
      const t = String(params.type)
        .split(',')
        .map((x) => typeNames[x] ?? x)
        .join(' or ');
      message = `expected ${t}, found ${describeValue(found)}`;
      break;
    }
    case 'format':
      message = `expected ${formatNames[String(params.format)] ?? String(params.format)}, found ${describeValue(found)}`;
      break;
    case 'enum':
      message = `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(found)}`;
      break;
    case 'const':
      message = `expected ${JSON.stringify(params.allowedValue)}, found ${describeValue(found)}`;
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      message = `expected a number ${String(params.comparison)} ${String(params.limit)}, found ${describeValue(found)}`;
      break;
    case 'minItems':
      message = `expected at least ${String(params.limit)} entries, found ${describeValue(found)}`;
      break;
    case 'maxItems':
      message = `expected at most ${String(params.limit)} entries, found ${describeValue(found)}`;
      break;
    case 'minLength':
      message = `expected text of at least ${String(params.limit)} characters, found ${describeValue(found)}`;
      break;
    case 'pattern': {
      const desc = (e.parentSchema as JsonSchema | undefined)?.description;
      message = `expected ${typeof desc === 'string' ? desc : `text matching ${String(params.pattern)}`}, found ${describeValue(found)}`;
      break;
    }
    default:
      message = `${e.message ?? 'is not valid'}; found ${describeValue(found)}`;
  }
  const pos = loaded.locate(pathParts, locateKey);
  return { file: loaded.file, line: pos.line, column: pos.column, path: dotted(pathParts) || '(top level)', message };
}

/**
 * Optional fields absent from the data become null, so Handlebars' strict mode can tell
 * a field the schema allows but the data leaves out (null: prints nothing, `if` is false)
 * from a misspelt field (an error).
 */
export function fillOptionalFields(value: unknown, schemaFile: string): unknown {
  const { schema } = loadSchema(schemaFile);
  const a = getAjv();
  const resolve = (s: JsonSchema, base: string): [JsonSchema, string] => {
    let cur = s;
    let curBase = base;
    for (let i = 0; i < 20 && typeof cur.$ref === 'string'; i++) {
      const ref = cur.$ref as string;
      const full = new URL(ref, curBase).href;
      const [fileUrl, frag] = full.split('#');
      const root = a.getSchema(fileUrl)?.schema as JsonSchema | undefined;
      if (!root) return [cur, curBase];
      cur = frag ? (valueAt(root, pointerToPath(frag)) as JsonSchema) ?? {} : root;
      curBase = fileUrl;
    }
    return [cur, curBase];
  };
  const walk = (v: unknown, s: JsonSchema, base: string): unknown => {
    const [sch, b] = resolve(s, base);
    if (Array.isArray(v)) {
      const items = sch.items as JsonSchema | undefined;
      return items ? v.map((x) => walk(x, items, b)) : v;
    }
    if (v && typeof v === 'object') {
      const props = (sch.properties ?? {}) as Record<string, JsonSchema>;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = props[k] ? walk(x, props[k], b) : x;
      for (const k of Object.keys(props)) if (!(k in out)) out[k] = null;
      return out;
    }
    return v;
  };
  return walk(value, schema, (schema.$id as string) ?? pathToFileURL(path.resolve(schemaFile)).href);
}
