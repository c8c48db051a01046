/**
 * The top of the paper: the optional heading, the front block (From / To / Subject ...)
 * as a borderless two-column table, and a rule under it.
 */
import { BorderStyle, LineRuleType, Paragraph, Table as DocxTable, TableCell, TableLayoutType, TableRow, WidthType } from 'docx';
import type { FrontRow, Inline } from '../../document/model.js';
import type { RenderContext } from './context.js';
import { renderInlines } from './inlines.js';
import { columnWidths } from './table.js';
import { mmToTwip, ptToTwip, SPACE_AFTER_PARAGRAPH } from './units.js';

/** Share of the text width given to the labels. */
const LABEL_SHARE = 0.3;
const NONE = { style: BorderStyle.NONE, size: 0, color: 'auto' } as const;
const ROW_GAP = ptToTwip(6);

export function renderHeading(heading: readonly Inline[] | undefined, ctx: RenderContext): Paragraph[] {
  if (!heading || heading.length === 0) return [];
  return [ctx.paragraph({ children: renderInlines(heading, ctx, { bold: true }), spacing: { after: ptToTwip(12) } })];
}

export function renderFront(front: readonly FrontRow[], ctx: RenderContext): (Paragraph | DocxTable)[] {
  if (front.length === 0) return [];
  const total = mmToTwip(ctx.metrics.textWidthMm);
  const widths = columnWidths(total, 2, [LABEL_SHARE, 1 - LABEL_SHARE]);
  const rows = front.map(
    (row, r) =>
      new TableRow({
        cantSplit: true,
        children: [
          new TableCell({
            width: { size: widths[0]!, type: WidthType.DXA },
            margins: { top: 0, bottom: r === front.length - 1 ? 0 : ROW_GAP, left: 0, right: 113 },
            children: [new Paragraph({ children: renderInlines([{ type: 'text', value: row.label }], ctx, { bold: true }), spacing: { after: 0 } })],
          }),
          new TableCell({
            width: { size: widths[1]!, type: WidthType.DXA },
            margins: { top: 0, bottom: r === front.length - 1 ? 0 : ROW_GAP, left: 0, right: 0 },
            children: (row.value.length > 0 ? row.value : [[]]).map(
              (line) => new Paragraph({ children: renderInlines(line, ctx), spacing: { after: 0 } }),
            ),
          }),
        ],
      }),
  );
  const table = new DocxTable({
    rows,
    width: { size: total, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE },
  });
  ctx.tableCaptions.push('');
  // The rule under the front block: an empty paragraph with a bottom border.
  const rule = new Paragraph({
    children: [],
    spacing: { before: 0, after: SPACE_AFTER_PARAGRAPH * 2, line: 120, lineRule: LineRuleType.AUTO },
    border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 } },
  });
  return [table, rule];
}
