/**
 * The Handlebars stage: a house layout and a paper type's templates, rendered in strict
 * mode to the paper's text (a small Markdown with directives, read by the document builder).
 *
 * Values from the data are escaped for that Markdown, so a provider called "A*B_C #1 <x> & [y]"
 * prints as written and never turns into formatting or markup.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { InputError } from '../data/errors.js';
import { chartHelper, HelperError, helpers, type RenderData } from './helpers.js';

/** Backslash-escape every ASCII punctuation character (CommonMark allows it) and flatten newlines. */
export function escapeMarkdown(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value && typeof (value as { toHTML?: unknown }).toHTML === 'function') return (value as { toHTML(): string }).toHTML();
  return String(value)
    .replace(/\r?\n/g, ' ')
    .replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

// Handlebars' compiled templates read Utils.escapeExpression when they are instantiated;
// this process uses Handlebars only for papers, so the Markdown escape replaces the HTML one.
(Handlebars.Utils as { escapeExpression: (v: unknown) => string }).escapeExpression = escapeMarkdown;

export interface TemplateSet {
  /** The entry template (the layout). */
  entry: string;
  files: string[];
  render(context: unknown, data: RenderData): string;
}

interface CompiledFile {
  key: string;
  fn: Handlebars.TemplateDelegate;
}

const fileCache = new Map<string, CompiledFile>();

function fileKey(file: string): string {
  const st = statSync(file);
  return `${st.mtimeMs}:${st.size}`;
}

function compileFile(file: string): Handlebars.TemplateDelegate {
  const key = fileKey(file);
  const hit = fileCache.get(file);
  if (hit && hit.key === key) return hit.fn;
  const source = readFileSync(file, 'utf8');
  try {
    // Parse now, so a syntax error is reported against its file before anything renders.
    Handlebars.parse(source);
  } catch (e) {
    throw templateError(e, file);
  }
  const fn = Handlebars.compile(source, { strict: true, preventIndent: true });
  fileCache.set(file, { key, fn });
  return fn;
}

function templateError(e: unknown, file: string): InputError {
  if (e instanceof InputError) return e;
  const err = e as Error & { lineNumber?: number; column?: number };
  let message = err.message ?? String(e);
  let line = err.lineNumber;
  let column = err.column !== undefined ? err.column + 1 : undefined;
  const parse = /^Parse error on line (\d+):\n([\s\S]*)$/.exec(message);
  if (parse) {
    line = Number(parse[1]);
    const lines = parse[2].split('\n');
    const caret = lines[1]?.indexOf('^');
    column = caret !== undefined && caret >= 0 ? caret + 1 : undefined;
    message = `template syntax error: ${lines.slice(2).join(' ').trim()} near "${lines[0].trim()}"`;
  } else {
    const strict = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/.exec(message);
    if (strict) {
      line = Number(strict[2]);
      column = Number(strict[3]) + 1;
      message = `the template asks for "${strict[1]}", which the data does not have (check the spelling against the paper's schema)`;
    } else if (/^Missing helper: /.test(message)) {
      message = `unknown helper ${message.replace(/^Missing helper: /, '')}`;
    } else if (e instanceof HelperError) {
      message = err.message;
    } else if (/ - \d+:\d+$/.test(message)) {
      message = message.replace(/ - \d+:\d+$/, '');
    }
  }
  return new InputError({ file, line, column, message });
}

/** An error thrown while rendering `file`, annotated once with that file (the innermost). */
function annotate(e: unknown, file: string): never {
  throw e instanceof InputError ? e : templateError(e, file);
}

function listTemplates(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.hbs'))
      .sort()
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/**
 * The templates of a paper: the layout's `layout.hbs` (entry) and `partials/`, the paper
 * type's `paper.hbs` (the partial `body`) and its `partials/` (which may override the layout's).
 */
export function loadTemplateSet(layoutDir: string, paperDir: string): TemplateSet {
  const entryFile = path.join(layoutDir, 'layout.hbs');
  const bodyFile = path.join(paperDir, 'paper.hbs');
  const partialFiles = new Map<string, string>();
  for (const f of listTemplates(path.join(layoutDir, 'partials'))) partialFiles.set(path.basename(f, '.hbs'), f);
  for (const f of listTemplates(path.join(paperDir, 'partials'))) partialFiles.set(path.basename(f, '.hbs'), f);
  partialFiles.set('body', bodyFile);
  for (const f of [entryFile, bodyFile]) {
    try {
      statSync(f);
    } catch {
      throw new InputError({ file: f, message: 'template file not found' });
    }
  }

  const hb = helperEnvironment();
  hb.registerHelper('chart', (...args: unknown[]) => new hb.SafeString(chartHelper(...args)));
  for (const [name, file] of partialFiles) {
    const fn = compileFile(file);
    hb.registerPartial(name, ((ctx: unknown, opts: Handlebars.RuntimeOptions) => {
      try {
        return fn(ctx, opts);
      } catch (e) {
        annotate(e, file);
      }
    }) as unknown as Handlebars.Template);
  }
  const entry = compileFile(entryFile);
  return {
    entry: entryFile,
    files: [entryFile, ...partialFiles.values()],
    render(context, data) {
      try {
        return entry(context, { data, helpers: hb.helpers, partials: hb.partials, allowProtoPropertiesByDefault: false });
      } catch (e) {
        annotate(e, entryFile);
      }
    },
  };
}

/** A Handlebars environment of its own, with the house helpers (helpers.ts). */
function helperEnvironment(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper(helpers);
  return hb;
}

/**
 * One-line templates compiled, by source: a paper's title, subject, author, language and
 * date are rendered at every build (Handlebars compiles a template into JavaScript code).
 */
const inlineTemplates = new Map<string, Handlebars.TemplateDelegate>();
const MAX_INLINE_TEMPLATES = 256;
let inlineEnv: typeof Handlebars | undefined;

/** Render a one-line template (e.g. the layout's document title "{{meta.subject}}") as plain text. */
export function renderInline(source: string, context: unknown, data: RenderData, file: string): string {
  try {
    let fn = inlineTemplates.get(source);
    if (!fn) {
      inlineEnv ??= helperEnvironment();
      fn = inlineEnv.compile(source, { strict: true, noEscape: true });
      if (inlineTemplates.size >= MAX_INLINE_TEMPLATES) inlineTemplates.clear();
      inlineTemplates.set(source, fn);
    }
    return fn(context, { data });
  } catch (e) {
    annotate(e, file);
  }
}
