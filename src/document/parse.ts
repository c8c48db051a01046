/**
 * The paper's rendered text parsed as Markdown (CommonMark, GFM tables, directives), one
 * top-level piece at a time.
 *
 * micromark's cost grows faster than the text: a 100-page paper took half a second to parse
 * whole. And most of a paper's text is the same from one build to the next (a figure
 * changed, or the next paper of a batch). So the text is cut at the blank lines where no
 * Markdown construct can go on past them, each piece is parsed on its own (or taken from the
 * pieces parsed before), and the pieces' trees are joined, their positions moved to where
 * the piece starts. The tree is the one a parse of the whole text gives (tested).
 *
 * A blank line ends every block but these, so the text is not cut where one may go on:
 * - inside a fenced code block or a container directive (`:::name` ... `:::`);
 * - before an indented line (a list item's or an indented code block's continuation) or a
 *   list item (a loose list's next item).
 * A text with HTML blocks (a line starting with `<`) or link reference definitions (which
 * reach across the whole text) is parsed whole.
 */
import type { Nodes, Root, RootContent } from 'mdast';
import { directiveFromMarkdown } from 'mdast-util-directive';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { directive } from 'micromark-extension-directive';
import { gfmTable } from 'micromark-extension-gfm-table';

/** micromark's and mdast's extensions, made once (they only describe syntax, and are reused). */
let options: Parameters<typeof fromMarkdown>[1] | undefined;

/** The whole text parsed at once, as micromark does it. */
export function parseWhole(text: string): Root {
  options ??= {
    extensions: [gfmTable(), directive()],
    mdastExtensions: [gfmTableFromMarkdown(), directiveFromMarkdown()],
  };
  return fromMarkdown(text, options);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CONTAINER_OPEN = /^ {0,3}:{3,}[A-Za-z]/;
const CONTAINER_CLOSE = /^ {0,3}:{3,}\s*$/;
const LIST_ITEM = /^([*+-]|\d{1,9}[.)])([ \t]|$)/;
const BLANK = /^[ \t]*$/;
/** HTML blocks and link reference definitions: constructs that make the text be parsed whole. */
const WHOLE_TEXT = /^ {0,3}(<|\[[^\]]+\]:)/m;

interface Piece {
  text: string;
  /** Where the piece starts in the whole text: its 0-based line and character offset. */
  line: number;
  offset: number;
}

/** The text cut into pieces at blank lines no construct goes on past (see above). */
export function cutText(text: string): Piece[] {
  if (WHOLE_TEXT.test(text)) return [{ text, line: 0, offset: 0 }];
  const lines = text.split('\n');
  const pieces: Piece[] = [];
  let start = 0; // line where the current piece starts
  let startOffset = 0;
  let offset = 0; // of the current line
  let fence: string | undefined;
  let containers = 0;
  let afterBlank = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence !== undefined) {
      const m = FENCE.exec(line);
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.trim() === m[1]) fence = undefined;
    } else if (BLANK.test(line)) {
      afterBlank = true;
    } else {
      if (afterBlank && containers === 0 && i > start && !/^[ \t]/.test(line) && !LIST_ITEM.test(line)) {
        pieces.push({ text: lines.slice(start, i).join('\n'), line: start, offset: startOffset });
        start = i;
        startOffset = offset;
      }
      afterBlank = false;
      const m = FENCE.exec(line);
      if (m) fence = m[1];
      else if (CONTAINER_OPEN.test(line)) containers++;
      else if (CONTAINER_CLOSE.test(line) && containers > 0) containers--;
    }
    offset += line.length + 1;
  }
  pieces.push({ text: lines.slice(start).join('\n'), line: start, offset: startOffset });
  return pieces;
}

/** Pieces parsed so far, by their text (a tree kept here is only ever copied). */
const parsed = new Map<string, RootContent[]>();
const MAX_PIECES = 5_000;

/** A copy of `node` with its positions (and its children's) moved by `line` lines and `offset` characters. */
function moved<T extends Nodes>(node: T, line: number, offset: number): T {
  const copy = { ...node } as T & { children?: Nodes[] };
  if (node.position) {
    const { start, end } = node.position;
    copy.position = {
      start: { line: start.line + line, column: start.column, offset: start.offset === undefined ? undefined : start.offset + offset },
      end: { line: end.line + line, column: end.column, offset: end.offset === undefined ? undefined : end.offset + offset },
    };
  }
  const children = (node as { children?: Nodes[] }).children;
  if (children) copy.children = children.map((c) => moved(c, line, offset));
  // Directive attributes and table alignments are plain values, never changed: shared.
  return copy;
}

/** The text parsed as Markdown, piece by piece (see above); the same tree as parseWhole. */
export function parseText(text: string): Root {
  const pieces = cutText(text);
  if (pieces.length === 1) return parseWhole(text);
  const children: RootContent[] = [];
  for (const piece of pieces) {
    let nodes = parsed.get(piece.text);
    if (!nodes) {
      nodes = parseWhole(piece.text).children;
      if (parsed.size >= MAX_PIECES) parsed.clear();
      parsed.set(piece.text, nodes);
    }
    for (const node of nodes) children.push(moved(node, piece.line, piece.offset));
  }
  // The end of the text: its last line, and that line's length.
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return {
    type: 'root',
    children,
    position: {
      start: { line: 1, column: 1, offset: 0 },
      end: { line: lines, column: text.length - text.lastIndexOf('\n'), offset: text.length },
    },
  };
}
