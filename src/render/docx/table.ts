/**
 * Tables: a caption paragraph above, fixed column widths from the relative `widths` over
 * the (indented) text width, header rows repeated on every page, rows that do not split
 * (but for one that may be taller than a page).
 */
import {
  AlignmentType,
  BorderStyle,
  Paragraph,
  ShadingType,
  Table as DocxTable,
  TableCell,
  TableLayoutType,
  TableRow,
  WidthType,
  type IBorderOptions,
} from 'docx';
import type { Inline, Table, TableCell as ModelCell, TableRow as ModelRow } from '../../document/model.js';
import type { RenderContext } from './context.js';
import { renderInlines } from './inlines.js';
import { CAPTION_STYLE } from './styles.js';
import { availableWidthMm, mmToTwip } from './units.js';

const ALIGN = { left: AlignmentType.LEFT, right: AlignmentType.RIGHT, center: AlignmentType.CENTER } as const;

const LINE: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const NONE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'auto' };
const HEADER_SHADING = { type: ShadingType.CLEAR, fill: 'E7E6E6', color: 'auto' };

/**
 * Cell padding in twips, set once on the table (w:tblCellMar) for all its cells: a cell of
 * its own (w:tcMar) would repeat it in every cell, a quarter of a long paper's document.xml.
 * Borderless tables have no left padding so text lines up with the text column.
 */
const PAD = { top: 57, bottom: 57, left: 100, right: 100 };
const PAD_BORDERLESS = { top: 0, bottom: 0, left: 0, right: 170 };

/** Splits `total` twips in proportion to `weights`; the parts add up to `total` exactly. */
export function columnWidths(total: number, columns: number, weights?: readonly number[]): number[] {
  if (columns === 0) return [];
  const w = weights && weights.length === columns && weights.every((x) => x > 0) ? weights : new Array<number>(columns).fill(1);
  if (weights && weights.length !== columns) {
    throw new Error(`DOCX: table has ${columns} columns but ${weights.length} widths`);
  }
  const sum = w.reduce((a, b) => a + b, 0);
  const out = w.map((x) => Math.floor((total * x) / sum));
  out[out.length - 1]! += total - out.reduce((a, b) => a + b, 0);
  return out;
}

/**
 * A cell's paragraph, with only what differs from the document's defaults (left aligned,
 * no space before, not kept with the next): a long paper has thousands of cells.
 */
function cellParagraph(cell: ModelCell, bold: boolean, keepNext: boolean, ctx: RenderContext): Paragraph {
  return new Paragraph({
    children: renderInlines(cell.children, ctx, bold ? { bold: true } : {}),
    ...(cell.align && cell.align !== 'left' ? { alignment: ALIGN[cell.align] } : {}),
    spacing: { after: 0 },
    ...(keepNext ? { keepNext } : {}),
  });
}

/** The lines a cell's text is broken into by its line breaks. */
function textLines(inlines: readonly Inline[], lines: string[] = ['']): string[] {
  for (const i of inlines) {
    if (i.type === 'break') lines.push('');
    else if (i.type === 'text' || i.type === 'pageRef') lines[lines.length - 1] += i.value;
    else textLines(i.children, lines);
  }
  return lines;
}

/**
 * Whether a row may be taller than a page. Word cuts off the foot of a row that may not
 * break across pages and is taller than one (and the text there is lost), so such a row
 * may break. An estimate on the generous side: characters half the font size wide on
 * average, lines 1.2 times the size, and half a page's height.
 */
function mayOutgrowPage(row: ModelRow, widths: readonly number[], padding: { left: number; right: number }, ctx: RenderContext): boolean {
  const sizePt = ctx.metrics.bodySize / 2;
  const lines = Math.max(
    0,
    ...row.cells.map((cell, c) => {
      const innerPt = ((widths[c] ?? 0) - padding.left - padding.right) / 20;
      const perLine = Math.max(1, Math.floor(innerPt / (sizePt * 0.5)));
      return textLines(cell.children).reduce((n, line) => n + Math.max(1, Math.ceil(line.length / perLine)), 0);
    }),
  );
  return lines * sizePt * 1.2 > ((ctx.metrics.textHeightMm / 25.4) * 72) / 2;
}

export interface TableOptions {
  /** Caption written as `w:tblCaption` when the table has none of its own (e.g. a figure's data table). */
  accessibleCaption?: string;
}

export function renderTable(table: Table, ctx: RenderContext, options: TableOptions = {}): (Paragraph | DocxTable)[] {
  const out: (Paragraph | DocxTable)[] = [];
  const indentTwip = table.indented ? mmToTwip(ctx.metrics.numberColumnMm) : 0;
  if (table.caption) {
    out.push(ctx.paragraph({ style: CAPTION_STYLE, children: renderInlines([{ type: 'text', value: table.caption }], ctx), indent: { left: indentTwip } }));
  } else if (ctx.followsTable) {
    // Two tables in a row would merge into one: a paragraph keeps them apart.
    out.push(ctx.paragraph({ spacing: { after: 0 } }));
  } else if (ctx.takePageBreak()) {
    // A table cannot start a page itself: an empty paragraph carries the break.
    out.push(new Paragraph({ pageBreakBefore: true, spacing: { after: 0 } }));
  }

  const rows = [...table.head, ...table.body];
  const columns = Math.max(0, ...rows.map((r) => r.cells.length));
  if (columns === 0) return out;
  const totalTwip = mmToTwip(availableWidthMm(ctx.metrics, table.indented));
  const widths = columnWidths(totalTwip, columns, table.widths);
  const border = table.borderless ? NONE : LINE;
  const margins = table.borderless ? PAD_BORDERLESS : PAD;

  const docxRows = rows.map((row, r) => {
    const isHead = r < table.head.length;
    const cells = Array.from({ length: columns }, (_, c) => {
      const cell = row.cells[c] ?? { children: [] };
      return new TableCell({
        children: [cellParagraph(cell, isHead, isHead, ctx)],
        width: { size: widths[c]!, type: WidthType.DXA },
        ...(isHead && !table.borderless ? { shading: HEADER_SHADING } : {}),
      });
    });
    const cantSplit = isHead || !mayOutgrowPage(row, widths, margins, ctx);
    return new TableRow({ children: cells, ...(cantSplit ? { cantSplit } : {}), ...(isHead ? { tableHeader: true } : {}) });
  });

  out.push(
    new DocxTable({
      rows: docxRows,
      width: { size: totalTwip, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      margins,
      ...(indentTwip ? { indent: { size: indentTwip, type: WidthType.DXA } } : {}),
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    }),
  );
  ctx.tableCaptions.push(table.caption ?? options.accessibleCaption ?? '');
  ctx.tableWritten();
  return out;
}
