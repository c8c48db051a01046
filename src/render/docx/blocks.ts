/**
 * Body blocks to docx paragraphs and tables.
 */
import { HeadingLevel, Paragraph, Tab, Table as DocxTable, TabStopType, TextRun, type IParagraphOptions } from 'docx';
import type { Block, Heading, List, Paragraph as ModelParagraph } from '../../document/model.js';
import type { RenderContext } from './context.js';
import { renderFigure } from './figure.js';
import { renderInlines, type RunFormat } from './inlines.js';
import { LEGAL_REFERENCE, listIndent, listReference, numberedIndent, printedNumber } from './numbering.js';
import { renderTable } from './table.js';
import { SPACE_AFTER_LIST_ITEM, SPACE_AFTER_PARAGRAPH } from './units.js';

const HEADING_LEVEL = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

/**
 * Numbering of a numbered heading or paragraph: the legal list when Word will print the
 * model's number, else the number as text before a tab (same look, same number).
 */
function numbered(number: string | undefined, ctx: RenderContext, format: RunFormat = {}): { options: IParagraphOptions; prefix: TextRun[] } {
  if (number === undefined) return { options: {}, prefix: [] };
  const level = ctx.legal.place(number);
  if (level !== undefined) {
    return { options: { numbering: { reference: ctx.numberingPrefix + LEGAL_REFERENCE, level, instance: 0, custom: true } }, prefix: [] };
  }
  const indent = numberedIndent(ctx.metrics);
  return {
    options: { indent, tabStops: [{ type: TabStopType.LEFT, position: indent.left }] },
    prefix: [new TextRun({ text: printedNumber(number), ...format }), new TextRun({ children: [new Tab()], ...format })],
  };
}

function renderHeading(h: Heading, ctx: RenderContext): Paragraph {
  // A part of a pack whose layout sizes headings unlike the document's styles: the size as direct formatting.
  const size = ctx.headingSize(h.level);
  const format: RunFormat = size === undefined ? {} : { size };
  const { options, prefix } = numbered(h.number, ctx, format);
  return ctx.paragraph({
    heading: HEADING_LEVEL[h.level],
    ...options,
    ...(size === undefined ? {} : { run: { size } }),
    children: [...prefix, ...renderInlines(h.children, ctx, format)],
  });
}

function renderParagraph(p: ModelParagraph, ctx: RenderContext): Paragraph {
  const { options, prefix } = numbered(p.number, ctx);
  return ctx.paragraph({ ...options, children: [...prefix, ...renderInlines(p.children, ctx)] });
}

function renderList(list: List, ctx: RenderContext): Paragraph[] {
  const reference = ctx.numberingPrefix + listReference(list);
  const indent = listIndent(ctx.metrics, list);
  const spacing = (i: number) => ({ after: i === list.items.length - 1 ? SPACE_AFTER_PARAGRAPH : SPACE_AFTER_LIST_ITEM });
  if (list.items.every((item, i) => item.label === wordListLabel(list.style, i))) {
    const instance = ctx.nextListInstance(reference);
    return list.items.map((item, i) =>
      ctx.paragraph({
        numbering: { reference, level: 0, instance, custom: true },
        indent,
        spacing: spacing(i),
        children: renderInlines(item.children, ctx),
      }),
    );
  }
  // Labels Word would not print: write them as text, with the same indents.
  return list.items.map((item, i) =>
    ctx.paragraph({
      indent,
      tabStops: [{ type: TabStopType.LEFT, position: indent.left }],
      spacing: spacing(i),
      children: [new TextRun({ text: item.label }), new TextRun({ children: [new Tab()] }), ...renderInlines(item.children, ctx)],
    }),
  );
}

/** The label Word prints for item `i` (from 0) of a list of `style`. */
export function wordListLabel(style: List['style'], i: number): string {
  switch (style) {
    case 'bullet':
      return '\u2022';
    case 'decimal':
      return `${i + 1}.`;
    case 'letter':
      return `${String.fromCharCode(97 + (i % 26)).repeat(Math.floor(i / 26) + 1)})`;
  }
}

export function renderBlocks(blocks: readonly Block[], ctx: RenderContext): (Paragraph | DocxTable)[] {
  const out: (Paragraph | DocxTable)[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'heading':
        out.push(renderHeading(block, ctx));
        break;
      case 'paragraph':
        out.push(renderParagraph(block, ctx));
        break;
      case 'list':
        out.push(...renderList(block, ctx));
        break;
      case 'table':
        out.push(...renderTable(block, ctx));
        break;
      case 'figure':
        out.push(...renderFigure(block, ctx));
        break;
      case 'pageBreak':
        ctx.breakPage();
        break;
      default: {
        const never: never = block;
        throw new Error(`DOCX: unknown block ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}

/** The collected list styles of `blocks`, for the numbering definitions. */
export function listsOf(blocks: readonly Block[]): Pick<List, 'style' | 'indented'>[] {
  return blocks.filter((b): b is List => b.type === 'list').map(({ style, indented }) => ({ style, indented }));
}
