/**
 * Text layout of the PDF: styled runs from the model's inlines, a line breaker over those
 * runs with real font metrics (mixed bold / italic / links within a line, long words and
 * URLs broken instead of running off the page), and the paginator that places vertical
 * slices on pages with keep-with-next rules.
 */
import type { Inline } from '../../document/model.js';
import { ASCENT, DESCENT, fontStyle, type FontStyle, type Measure } from './fonts.js';

// ---------------------------------------------------------------------------------------
// Styled runs

/** A link target shared by every run of one link node. */
export interface LinkTarget {
  url: string;
  /** Unique per link node within the document: runs of one link share it. */
  id: number;
}

export interface Run {
  text: string;
  style: FontStyle;
  link?: LinkTarget;
  /** A forced line break (the run's text is empty). */
  hardBreak?: boolean;
}

/** Hands out link ids; one per document. */
export class LinkIds {
  private next = 1;
  take(): number {
    return this.next++;
  }
}

/** Flattens inlines to styled runs. Whitespace (tabs, newlines) becomes plain spaces. */
export function inlineRuns(
  inlines: readonly Inline[],
  ids: LinkIds,
  base: { bold?: boolean; italic?: boolean } = {},
): Run[] {
  const out: Run[] = [];
  const walk = (nodes: readonly Inline[], bold: boolean, italic: boolean, link: LinkTarget | undefined): void => {
    for (const node of nodes) {
      switch (node.type) {
        case 'text': {
          const text = node.value.replace(/[\t\n\r\f\v\u2028\u2029]/g, ' ');
          if (text !== '') out.push({ text, style: fontStyle(bold, italic), ...(link ? { link } : {}) });
          break;
        }
        case 'strong':
          walk(node.children, true, italic, link);
          break;
        case 'emphasis':
          walk(node.children, bold, true, link);
          break;
        case 'link':
          walk(node.children, bold, italic, { url: node.url, id: ids.take() });
          break;
        case 'break':
          out.push({ text: '', style: fontStyle(bold, italic), hardBreak: true });
          break;
        case 'pageRef': {
          // A page number of the pack ("(Pages 11 - 24)"): printed as its text.
          const text = node.value.replace(/[\t\n\r\f\v\u2028\u2029]/g, ' ');
          if (text !== '') out.push({ text, style: fontStyle(bold, italic), ...(link ? { link } : {}) });
          break;
        }
      }
    }
  };
  walk(inlines, base.bold ?? false, base.italic ?? false, undefined);
  return out;
}

/** Plain text of inlines (for accessible names and checks). */
export function inlineText(inlines: readonly Inline[]): string {
  let s = '';
  for (const node of inlines) {
    if (node.type === 'text' || node.type === 'pageRef') s += node.value;
    else if (node.type === 'break') s += ' ';
    else s += inlineText(node.children);
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// Line breaking

/** A piece of one line in one style (and one link), positioned from the line start. */
export interface Fragment {
  text: string;
  style: FontStyle;
  link?: LinkTarget;
  x: number;
  width: number;
}

export interface Line {
  fragments: Fragment[];
  width: number;
}

interface Box {
  text: string;
  style: FontStyle;
  link?: LinkTarget;
  width: number;
}

type Token = { kind: 'word'; boxes: Box[] } | { kind: 'space'; box: Box } | { kind: 'break' };

/** A box, with `link` only when it has one. */
function makeBox(text: string, style: FontStyle, width: number, link: LinkTarget | undefined): Box {
  return link ? { text, style, width, link } : { text, style, width };
}

/**
 * The runs as words (boxes of one or more runs) and spaces, each run split into its runs of
 * spaces and of other characters. Every part is measured, in order, spaces too: measuring
 * lays text out in the document's fonts, which is part of what makes the file (layout-cache.ts).
 */
function tokenize(runs: readonly Run[], size: number, measure: Measure): Token[] {
  const tokens: Token[] = [];
  let word: Box[] | null = null;
  const endWord = (): void => {
    if (word && word.length > 0) tokens.push({ kind: 'word', boxes: word });
    word = null;
  };
  for (const run of runs) {
    if (run.hardBreak) {
      endWord();
      tokens.push({ kind: 'break' });
      continue;
    }
    const { text, style, link } = run;
    for (let start = 0; start < text.length; ) {
      const spaces = text.charCodeAt(start) === 32;
      let end = start + 1;
      while (end < text.length && (text.charCodeAt(end) === 32) === spaces) end++;
      const part = text.slice(start, end);
      const width = measure(style, size, part);
      start = end;
      if (spaces) {
        endWord();
        // Several spaces in a row collapse to one.
        const last = tokens[tokens.length - 1];
        if (!last || last.kind !== 'space') tokens.push({ kind: 'space', box: makeBox(' ', style, measure(style, size, ' '), link) });
      } else {
        (word ??= []).push(makeBox(part, style, width, link));
      }
    }
  }
  endWord();
  return tokens;
}

/** Characters after which a URL (or any long word) may be broken; '%' breaks before it. */
const BREAK_AFTER = new Set(['/', '-', '.', '?', '&', '=', '_', '#', ':', ',', ';']);

/** Positions (in code units) where a long word may be broken, best candidates first considered by the caller. */
function breakCandidates(text: string): number[] {
  const out: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const prev = text[i - 1]!;
    const cur = text[i]!;
    if (BREAK_AFTER.has(prev) && !BREAK_AFTER.has(cur)) out.push(i);
    else if (cur === '%' && prev !== '%') out.push(i);
  }
  return out;
}

/**
 * Splits one box that is wider than `room`/`lineWidth` into a head that fits `room` and a
 * tail. Prefers URL break characters, then any character boundary (never inside a
 * surrogate pair). The head is never empty when the line is empty.
 */
function splitBox(box: Box, room: number, size: number, measure: Measure, lineEmpty: boolean): [Box, Box] | null {
  const fits = (i: number): boolean => measure(box.style, size, box.text.slice(0, i)) <= room + 0.01;
  const make = (i: number): [Box, Box] => {
    const head = box.text.slice(0, i);
    const tail = box.text.slice(i);
    return [
      { ...box, text: head, width: measure(box.style, size, head) },
      { ...box, text: tail, width: measure(box.style, size, tail) },
    ];
  };
  const candidates = breakCandidates(box.text).filter(fits);
  if (candidates.length > 0) {
    const best = candidates[candidates.length - 1]!;
    // Use a URL break only when it fills a fair part of the line; else break anywhere.
    if (measure(box.style, size, box.text.slice(0, best)) >= room * 0.6 || !lineEmpty) return make(best);
  }
  // Any character boundary: the longest prefix that fits.
  const chars = Array.from(box.text);
  let units = 0;
  let lastFit = 0;
  for (let i = 0; i < chars.length - 1; i++) {
    units += chars[i]!.length;
    if (fits(units)) lastFit = units;
    else break;
  }
  if (lastFit > 0) return make(lastFit);
  if (lineEmpty) return make(chars[0]!.length);
  return null;
}

function sumWidth(boxes: readonly Box[]): number {
  let w = 0;
  for (const b of boxes) w += b.width;
  return w;
}

/**
 * Breaks styled runs into lines no wider than `width` (greedy, first fit). Breaks at spaces;
 * a word (or URL) wider than a whole line is broken inside, at '/', '-', '.', before '%', or
 * anywhere as a last resort. Spaces at line ends are dropped.
 */
export function breakLines(runs: readonly Run[], width: number, size: number, measure: Measure): Line[] {
  const tokens = tokenize(runs, size, measure);
  const lines: Box[][] = [];
  let line: Box[] = [];
  let lineW = 0;
  let pendingSpace: Box | null = null;

  const newLine = (): void => {
    lines.push(line);
    line = [];
    lineW = 0;
    pendingSpace = null;
  };

  for (const token of tokens) {
    if (token.kind === 'break') {
      newLine();
      continue;
    }
    if (token.kind === 'space') {
      if (line.length > 0) pendingSpace = token.box;
      continue;
    }
    let boxes = token.boxes;
    const wordW = sumWidth(boxes);
    const spaceW = pendingSpace ? pendingSpace.width : 0;
    if (line.length === 0 || lineW + spaceW + wordW <= width + 0.01) {
      if (line.length > 0 && pendingSpace) {
        line.push(pendingSpace);
        lineW += spaceW;
      }
      if (line.length === 0 && wordW > width + 0.01) {
        // fall through to the splitting loop below
      } else {
        for (const b of boxes) line.push(b);
        lineW += wordW;
        pendingSpace = null;
        continue;
      }
    } else if (wordW <= width + 0.01) {
      newLine();
      for (const b of boxes) line.push(b);
      lineW = wordW;
      continue;
    } else {
      // A word longer than a line: start it on a fresh line.
      newLine();
    }
    pendingSpace = null;
    // Split the over-long word across lines, box by box.
    boxes = [...boxes];
    while (boxes.length > 0) {
      const box = boxes[0]!;
      if (lineW + box.width <= width + 0.01) {
        line.push(box);
        lineW += box.width;
        boxes.shift();
        continue;
      }
      const split = splitBox(box, width - lineW, size, measure, line.length === 0);
      if (!split) {
        newLine();
        continue;
      }
      line.push(split[0]);
      lineW += split[0].width;
      boxes[0] = split[1];
      newLine();
    }
  }
  if (line.length > 0 || lines.length === 0 || tokens[tokens.length - 1]?.kind === 'break') lines.push(line);

  return lines.map((boxes) => toLine(boxes));
}

function toLine(boxes: readonly Box[]): Line {
  const fragments: Fragment[] = [];
  let x = 0;
  for (const box of boxes) {
    const last = fragments[fragments.length - 1];
    if (last && last.style === box.style && last.link?.id === box.link?.id) {
      last.text += box.text;
      last.width += box.width;
    } else {
      fragments.push(box.link ? { text: box.text, style: box.style, x, width: box.width, link: box.link } : { text: box.text, style: box.style, x, width: box.width });
    }
    x += box.width;
  }
  return { fragments, width: x };
}

// ---------------------------------------------------------------------------------------
// Vertical metrics

export const LINE_HEIGHT = 1.25;

export function lineHeight(size: number): number {
  return size * LINE_HEIGHT;
}

/** Distance from the top of a line box to its baseline. */
export function baselineOffset(size: number): number {
  const h = lineHeight(size);
  return (h - (ASCENT + DESCENT) * size) / 2 + ASCENT * size;
}

// ---------------------------------------------------------------------------------------
// Pagination

/** One unbreakable vertical piece of the document: a line, a table row, a figure. */
export interface Slice {
  height: number;
  /** Space above; dropped at the top of a page. */
  spaceBefore: number;
  /** Never let a page break fall between this slice and the next one. */
  keepWithNext?: boolean;
  /** Drawn at the top of a page when this slice starts it (a table's repeated header). */
  repeat?: { height: number; draw(y: number): void };
  /** Forces a page break before this slice (unless the page is still empty). */
  pageBreakBefore?: boolean;
  /**
   * A slice that may be drawn smaller (a chart), down to this height, when that saves a
   * page break; the paginator then calls setHeight before draw.
   */
  minHeight?: number;
  setHeight?(height: number): void;
  /**
   * A slice taller than a page (a table row with a page of text) that may be cut: its part
   * that fits in `room` points, and the rest, or null if no useful part fits there. Without
   * it, such a slice would run off the foot of the page.
   */
  split?(room: number): [Slice, Slice] | null;
  /** With split: the height of the smallest part it cuts off. */
  smallestPart?: number;
  draw(y: number): void;
}

/** A slice no page can hold, which is cut across pages. */
function cut(slice: Slice, pageHeight: number): boolean {
  return slice.split !== undefined && slice.height + (slice.repeat?.height ?? 0) > pageHeight + 0.01;
}

/** Keep rules for the lines (or rows) of one block: never one alone at a page foot or head. */
export function lineKeeps(count: number, index: number): boolean {
  if (count < 2) return false;
  return index === 0 || index === count - 2;
}

/** A block's slices, with hooks to open and close its structure element around them. */
export interface LaidBlock {
  slices: Slice[];
  open?(): void;
  close?(): void;
}

export interface PageFrame {
  top: number;
  bottom: number;
  newPage(): void;
}

/**
 * Places the slices of the blocks on pages. A slice goes on the current page when it fits
 * together with every slice it is kept with; otherwise a new page starts (a keep chain
 * taller than a whole page is given up so that nothing loops).
 */
export function paginate(blocks: readonly LaidBlock[], frame: PageFrame): void {
  const flat: { slice: Slice; block: LaidBlock; first: boolean; last: boolean }[] = [];
  for (const block of blocks) {
    block.slices.forEach((slice, i) => flat.push({ slice, block, first: i === 0, last: i === block.slices.length - 1 }));
    if (block.slices.length === 0) {
      block.open?.();
      block.close?.();
    }
  }
  const pageHeight = frame.bottom - frame.top;
  let y = frame.top;
  let empty = true;

  for (let i = 0; i < flat.length; i++) {
    const { slice, block, first, last } = flat[i]!;
    if (first) block.open?.();

    if (slice.pageBreakBefore && !empty) {
      frame.newPage();
      y = frame.top;
      empty = true;
    }

    // Height of the keep chain starting here, as if placed at the current position.
    let need = (empty ? 0 : slice.spaceBefore) + slice.height;
    let chain = need;
    const members = [slice];
    for (let j = i; j < flat.length - 1 && flat[j]!.slice.keepWithNext; j++) {
      const next = flat[j + 1]!.slice;
      if (next.pageBreakBefore) break;
      members.push(next);
      if (cut(next, pageHeight)) {
        // Kept with a slice that will be cut: with its first part (a table's header with a
        // row that runs over pages).
        chain += next.spaceBefore + (next.smallestPart ?? next.height);
        break;
      }
      chain += next.spaceBefore + next.height;
    }
    const repeatH = slice.repeat ? slice.repeat.height : 0;
    const wholeChain = chain + repeatH <= pageHeight;
    if (wholeChain) need = chain;

    // A slice no page can hold is cut: first into the rest of this page (if a useful part
    // fits), then into each new page it runs onto.
    if (cut(slice, pageHeight)) {
      const parts = slice.split!(frame.bottom - y - (empty ? 0 : slice.spaceBefore)) ?? (empty ? null : slice.split!(pageHeight - repeatH));
      if (parts) {
        flat.splice(i, 1, { slice: parts[0], block, first: false, last: false }, { slice: parts[1], block, first: false, last });
        i--;
        continue;
      }
    }

    if (!empty && y + need > frame.bottom + 0.01 && wholeChain) {
      // Rather than break, shrink what may shrink (a chart) if that makes the chain fit.
      let deficit = y + need - frame.bottom;
      const flexible = members.filter((s) => s.minHeight !== undefined && s.setHeight && s.height > s.minHeight);
      const room = flexible.reduce((r, s) => r + (s.height - s.minHeight!), 0);
      if (room >= deficit) {
        for (const s of flexible) {
          const cut = Math.min(s.height - s.minHeight!, deficit);
          s.setHeight!(s.height - cut);
          deficit -= cut;
          need -= cut;
        }
      }
    }

    if (!empty && y + need > frame.bottom + 0.01) {
      frame.newPage();
      y = frame.top;
      empty = true;
      if (slice.repeat) {
        slice.repeat.draw(y);
        y += slice.repeat.height;
        empty = false;
      }
    }
    if (!empty) y += slice.spaceBefore;
    slice.draw(y);
    y += slice.height;
    empty = false;
    if (last) block.close?.();
  }
}
