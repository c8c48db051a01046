/**
 * Accessibility checks that fail the build: a PDF/UA file needs a title, a language and
 * alternative text on every figure. Each message says what is missing and how to fix it.
 */
import type { Block, DocumentMeta, Pack, Paper, SourcePosition } from '../../document/model.js';

/** BCP 47 language tag, loosely: "en", "en-GB", "cy-GB". */
const LANG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

function where(pos: SourcePosition | undefined): string {
  return pos ? ` (${pos.file}:${pos.line}:${pos.column})` : '';
}

/** Problems of the document's title and language. */
function metaProblems(meta: DocumentMeta | undefined): string[] {
  const problems: string[] = [];
  if (!meta || typeof meta.title !== 'string' || meta.title.trim() === '') {
    problems.push('PDF: the document has no title (meta.title): set `title` in the data file; it is shown as the window title and read first by screen readers');
  }
  if (!meta || typeof meta.lang !== 'string' || meta.lang.trim() === '') {
    problems.push('PDF: the document has no language (meta.lang): set `lang` in the data file to a language tag such as en-GB, so screen readers pronounce it correctly');
  } else if (!LANG.test(meta.lang.trim())) {
    problems.push(`PDF: the document language "${meta.lang}" (meta.lang) is not a language tag: use a BCP 47 tag such as en-GB`);
  }
  return problems;
}

function paperProblems(paper: Paper): string[] {
  const problems = metaProblems(paper.meta);
  const visit = (blocks: readonly Block[]): void => {
    for (const block of blocks) {
      if (block.type === 'figure' && (typeof block.alt !== 'string' || block.alt.trim() === '')) {
        problems.push(
          `PDF: figure "${block.id}"${where(block.pos)} has no alternative text (alt): write \`alt\` for the chart, a sentence giving its main message and key figures, for readers who cannot see it`,
        );
      }
    }
  };
  visit(paper.blocks ?? []);
  return problems;
}

/**
 * Every accessibility problem of a paper, or of a pack (its own title and language, and
 * every part's paper and bookmark title), as messages (empty when there is none).
 */
export function accessibilityProblems(doc: Paper | Pack): string[] {
  if (doc.type !== 'pack') return paperProblems(doc);
  const problems = metaProblems(doc.meta).map((p) => p.replace(/^PDF: the document /, 'PDF: the pack '));
  const parts = Array.isArray(doc.parts) ? doc.parts : [];
  if (parts.length === 0) problems.push('PDF: the pack has no parts: a pack needs at least its agenda');
  for (const part of parts) {
    const name = `PDF: part "${part.id}"`;
    if (typeof part.title !== 'string' || part.title.trim() === '') {
      problems.push(`${name} has no title: it is the part's bookmark, read out when a reader navigates the pack`);
    }
    for (const p of paperProblems(part.paper)) problems.push(`${name}: ${p.replace(/^PDF: /, '')}`);
  }
  return problems;
}

/** The document lacks what an accessible PDF needs: the build stops rather than write it. */
export class AccessibilityError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'AccessibilityError';
    this.problems = problems;
  }
}

/** Throws an AccessibilityError listing every problem; called first by renderPdf and renderPackPdf. */
export function checkAccessible(doc: Paper | Pack): void {
  const problems = accessibilityProblems(doc);
  if (problems.length > 0) throw new AccessibilityError(problems);
}

/** The paper's date as UTC midnight: the only date written into the file. */
export function paperDate(iso: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : new Date(NaN);
  if (!m || Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(m[3])) {
    throw new Error(`PDF: the document date "${iso}" (meta.date) is not a date: set \`date\` in the data file as YYYY-MM-DD`);
  }
  return date;
}
