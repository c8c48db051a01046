/**
 * From the paper's rendered text (Markdown with a few directives) to the document model.
 * One handler per Markdown node type; numbering is derived here from the structure.
 *
 * The text a template may write:
 *   # Heading / ## Subheading     numbered sections (1., 3.1)
 *   paragraphs                    numbered 3.1 / 3.1.4 by position; unnumbered before the first heading
 *   - bullets / 1. ordered        lists (ordered lists in the house form: a) b) or 1. 2.)
 *   | tables |                    GFM tables; the first row is the header
 *   **bold**, *italic*, [text](url), a line ending in \ for a line break
 *   :::title ... :::              the heading above the front block (e.g. "Item 6: ...")
 *   :::front ... :::              the front block: a list of labels, each with a sub-list of lines
 *   :::unnumbered ... :::         blocks that take no paragraph number
 *   ::chart{ref=...}              written by the {{chart}} helper
 *   ::pagebreak                   a new page
 */
import type {
  Blockquote,
  Heading as MdHeading,
  List as MdList,
  Nodes,
  PhrasingContent,
  RootContent,
  Table as MdTable,
} from 'mdast';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import { InputError, type InputProblem } from '../data/errors.js';
import type { Block, Figure, FrontRow, Inline, List, SourcePosition, Table } from './model.js';
import { parseText } from './parse.js';

export interface BuildOptions {
  /** Named in error messages: where the text came from. */
  file: string;
  orderedList: 'letter' | 'decimal';
  /** Turns the n-th {{chart}} placement into a figure. */
  figure(ref: number, pos: SourcePosition): Promise<Figure>;
}

export interface BuiltBody {
  heading?: Inline[];
  front: FrontRow[];
  blocks: Block[];
}

class Numbering {
  h1 = 0;
  sub = 0;
  inSubsection = false;
  para = 0;
  heading(level: number): string | undefined {
    if (level === 1) {
      this.h1++;
      this.sub = 0;
      this.inSubsection = false;
      return String(this.h1);
    }
    if (level === 2 && this.h1 > 0) {
      this.sub++;
      this.inSubsection = true;
      this.para = 0;
      return `${this.h1}.${this.sub}`;
    }
    return undefined;
  }
  paragraph(): string | undefined {
    if (this.h1 === 0) return undefined;
    if (this.inSubsection) return `${this.h1}.${this.sub}.${++this.para}`;
    return `${this.h1}.${++this.sub}`;
  }
  get inBody(): boolean {
    return this.h1 > 0;
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export async function buildBody(text: string, options: BuildOptions): Promise<BuiltBody> {
  const tree = parseText(text);
  const problems: InputProblem[] = [];
  const numbering = new Numbering();
  const out: BuiltBody = { front: [], blocks: [] };
  const pending: Promise<void>[] = [];

  const posOf = (n: Nodes): SourcePosition => ({
    file: options.file,
    line: n.position?.start.line ?? 0,
    column: n.position?.start.column ?? 0,
  });
  const fail = (n: Nodes, message: string) => {
    const p = posOf(n);
    problems.push({ file: p.file, line: p.line, column: p.column, message });
  };

  const inlines = (nodes: PhrasingContent[]): Inline[] => {
    const result: Inline[] = [];
    for (const n of nodes) {
      switch (n.type) {
        case 'text':
          result.push({ type: 'text', value: n.value.replace(/\n/g, ' ') });
          break;
        case 'strong':
          result.push({ type: 'strong', children: inlines(n.children) });
          break;
        case 'emphasis':
          result.push({ type: 'emphasis', children: inlines(n.children) });
          break;
        case 'link':
          result.push({ type: 'link', url: n.url, children: inlines(n.children) });
          break;
        case 'break':
          result.push({ type: 'break' });
          break;
        case 'inlineCode':
          result.push({ type: 'text', value: n.value });
          break;
        case 'delete':
          result.push(...inlines(n.children));
          break;
        case 'textDirective':
          if (n.name === 'pageref') {
            const part = n.attributes?.part;
            const edge = n.attributes?.edge;
            const value = plain(inlines(n.children as PhrasingContent[]));
            if (!part || (edge !== 'start' && edge !== 'end')) fail(n, ':pageref needs part="..." and edge="start" or "end"');
            else result.push({ type: 'pageRef', part, edge, value });
            break;
          }
          // "word:word" in template text is not a directive: keep it as written.
          result.push({ type: 'text', value: `:${n.name}` }, ...inlines(n.children as PhrasingContent[]));
          break;
        case 'html':
          fail(n, `raw HTML ${JSON.stringify(n.value)} is not allowed in a paper's text: use Markdown (**bold**, *italic*, [text](url))`);
          break;
        case 'image':
        case 'imageReference':
          fail(n, 'images are placed with {{chart "name" ...}}, not with Markdown images');
          break;
        default:
          fail(n, `"${n.type}" is not supported in a paper's text`);
      }
    }
    return mergeText(result);
  };

  const paragraphInlines = (children: RootContent[], where: Nodes): Inline[] => {
    const res: Inline[] = [];
    for (const c of children) {
      if (c.type === 'paragraph') {
        if (res.length) res.push({ type: 'break' });
        res.push(...inlines(c.children));
      } else fail(c, `expected text here (a list item holds one paragraph), found ${c.type}`);
    }
    if (!res.length) fail(where, 'empty item');
    return res;
  };

  const list = (n: MdList): List => ({
    type: 'list',
    style: n.ordered ? options.orderedList : 'bullet',
    indented: numbering.inBody,
    pos: posOf(n),
    items: n.children.map((item, i) => ({
      label: !n.ordered ? '•' : options.orderedList === 'letter' ? `${LETTERS[i % 26]})` : `${(n.start ?? 1) + i}.`,
      children: paragraphInlines(item.children as RootContent[], item),
    })),
  });

  const table = (n: MdTable): Table => {
    const rows = n.children.map((r) => ({
      cells: r.children.map((c, i) => ({
        children: inlines(c.children),
        ...(n.align?.[i] ? { align: n.align[i] as 'left' | 'right' | 'center' } : {}),
      })),
    }));
    // Columns share the width by how much they hold (the longest cell, within bounds), so a
    // narrow number column does not take as much room as a column of titles.
    const columns = Math.max(...rows.map((r) => r.cells.length));
    const widths = Array.from({ length: columns }, (_, c) => {
      const texts = rows.map((r) => (r.cells[c] ? plain(r.cells[c].children) : ''));
      const longest = Math.max(...texts.map((t) => t.length));
      // Room for the longest word, so no word is broken (a header "Item" over a column of numbers).
      const longestWord = Math.max(...texts.flatMap((t) => t.split(/\s+/).map((w) => w.length)));
      return Math.min(60, Math.max(6, longestWord + 3, longest + 4));
    });
    return { type: 'table', head: rows.slice(0, 1), body: rows.slice(1), widths, indented: numbering.inBody, pos: posOf(n) };
  };

  const front = (n: ContainerDirective) => {
    const l = n.children[0];
    if (n.children.length !== 1 || l.type !== 'list') {
      fail(n, ':::front expects one list: "- Label:" items, each with a sub-list of its lines');
      return;
    }
    for (const item of l.children) {
      const [label, ...rest] = item.children as RootContent[];
      if (!label || label.type !== 'paragraph') {
        fail(item, 'a front block item starts with its label, e.g. "- From:"');
        continue;
      }
      const value: Inline[][] = [];
      for (const r of rest) {
        if (r.type === 'list') for (const v of r.children) value.push(paragraphInlines(v.children as RootContent[], v));
        else fail(r, 'the lines of a front block item are a sub-list ("  - line")');
      }
      out.front.push({ label: plain(inlines(label.children)), value });
    }
  };

  const leaf = (n: LeafDirective) => {
    if (n.name === 'pagebreak') {
      out.blocks.push({ type: 'pageBreak' });
      return;
    }
    if (n.name === 'chart') {
      const ref = Number(n.attributes?.ref);
      const index = out.blocks.length;
      out.blocks.push(null as unknown as Block); // filled when the chart is drawn
      const indented = numbering.inBody;
      pending.push(
        options.figure(ref, posOf(n)).then(
          (f) => {
            out.blocks[index] = { ...f, indented };
          },
          (e: unknown) => {
            if (e instanceof InputError) problems.push(...e.problems);
            else throw e;
          },
        ),
      );
      return;
    }
    fail(n, `unknown directive ::${n.name} (expected ::chart or ::pagebreak)`);
  };

  const block = (n: RootContent, unnumbered: boolean) => {
    switch (n.type) {
      case 'heading': {
        const h = n as MdHeading;
        if (h.depth > 3) {
          fail(h, 'headings go to three levels (#, ##, ###)');
          return;
        }
        const number = unnumbered ? undefined : numbering.heading(h.depth);
        out.blocks.push({ type: 'heading', level: h.depth as 1 | 2 | 3, ...(number ? { number } : {}), children: inlines(h.children), pos: posOf(h) });
        return;
      }
      case 'paragraph': {
        const number = unnumbered ? undefined : numbering.paragraph();
        out.blocks.push({ type: 'paragraph', ...(number ? { number } : {}), children: inlines(n.children), pos: posOf(n) });
        return;
      }
      case 'list':
        out.blocks.push(list(n));
        return;
      case 'table':
        out.blocks.push(table(n));
        return;
      case 'containerDirective':
        if (n.name === 'front') front(n);
        else if (n.name === 'unnumbered') for (const c of n.children) block(c as RootContent, true);
        else if (n.name === 'title') {
          const p = n.children[0];
          if (p?.type === 'paragraph') out.heading = inlines(p.children);
          else fail(n, ':::title holds one line of text');
        } else fail(n, `unknown block :::${n.name} (expected :::front, :::title or :::unnumbered)`);
        return;
      case 'leafDirective':
        leaf(n);
        return;
      case 'blockquote':
        for (const c of (n as Blockquote).children) block(c, unnumbered);
        return;
      case 'html':
        fail(n, 'raw HTML is not allowed in a paper\'s text: use Markdown');
        return;
      case 'thematicBreak':
        return;
      default:
        fail(n, `"${n.type}" is not supported in a paper's text`);
    }
  };

  for (const n of tree.children) block(n, false);
  await Promise.all(pending);
  if (problems.length) throw new InputError(problems);
  return out;
}

function mergeText(list: Inline[]): Inline[] {
  const res: Inline[] = [];
  for (const i of list) {
    const last = res[res.length - 1];
    if (i.type === 'text' && last?.type === 'text') res[res.length - 1] = { type: 'text', value: last.value + i.value };
    else res.push(i);
  }
  return res;
}

export function plain(list: Inline[]): string {
  return list.map((i) => (i.type === 'text' ? i.value : i.type === 'break' ? ' ' : i.type === 'pageRef' ? i.value : plain(i.children))).join('');
}
