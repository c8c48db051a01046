/**
 * Tables of the PDF (data tables, a figure's data table, and the front block).
 *
 * Each row is one slice: a table breaks between rows, not inside one, unless a row is taller
 * than a page, which is cut between its lines where the page ends. The header rows are
 * kept with the caption and the first body row, and drawn again (as a Pagination artifact)
 * at the top of every page the table runs onto. Structure: Table > Caption, THead > TR > TH
 * (/Scope /Column), TBody > TR > TD; header cells of a row (the front block's labels) are
 * TH with /Scope /Row.
 */
import type { Inline, Table, TableCell } from '../../document/model.js';
import {
  alignOffset,
  BORDER_COLOR,
  drawLine,
  HEAD_FILL,
  lineTarget,
  type LineTarget,
  type RenderContext,
} from './context.js';
import { breakLines, inlineRuns, lineHeight, lineKeeps, type LaidBlock, type Line, type Slice } from './layout.js';
import type { StructElem } from './tagging.js';

export interface CellSpec {
  /** Paragraphs of the cell, stacked (the front block's multi-line values). */
  paras: Inline[][];
  align?: 'left' | 'right' | 'center';
  bold?: boolean;
  /** A header cell: of its column (header rows) or of its row (the front block's labels). */
  header?: 'Column' | 'Row';
}

export interface TableSpec {
  caption?: string;
  head: CellSpec[][];
  body: CellSpec[][];
  /** Column widths in points. */
  columns: number[];
  x: number;
  size: number;
  borderless: boolean;
  padX: number;
  padY: number;
  spaceBefore: number;
}

interface LaidCell {
  spec: CellSpec;
  lines: Line[];
}

interface LaidRow {
  cells: LaidCell[];
  /** Lines of its tallest cell. */
  lines: number;
  height: number;
}

const CAPTION_GAP = 4;

/** Column widths in points from relative widths (equal when absent or unusable). */
export function columnWidths(count: number, total: number, relative?: readonly number[]): number[] {
  const rel = Array.from({ length: count }, (_, i) => {
    const w = relative?.[i];
    return typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : undefined;
  });
  const known = rel.filter((w): w is number => w !== undefined);
  const fill = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const sized = rel.map((w) => w ?? fill);
  const sum = sized.reduce((a, b) => a + b, 0);
  return sized.map((w) => (w / sum) * total);
}

/** The model's table as a table spec placed at `x` over `width` points. */
export function tableSpec(ctx: RenderContext, table: Table, x: number, width: number, spaceBefore: number): TableSpec {
  const count = Math.max(1, ...table.head.map((r) => r.cells.length), ...table.body.map((r) => r.cells.length));
  const cell = (c: TableCell | undefined, header: boolean): CellSpec => ({
    paras: [c?.children ?? []],
    ...(c?.align ? { align: c.align } : {}),
    bold: header,
    ...(header ? { header: 'Column' as const } : {}),
  });
  const row = (cells: readonly TableCell[], header: boolean): CellSpec[] =>
    Array.from({ length: count }, (_, i) => cell(cells[i], header));
  return {
    ...(table.caption ? { caption: table.caption } : {}),
    head: table.head.map((r) => row(r.cells, true)),
    body: table.body.map((r) => row(r.cells, false)),
    columns: columnWidths(count, width, table.widths),
    x,
    size: Math.max(8, ctx.layout.fontSize - 1),
    borderless: table.borderless ?? false,
    padX: table.borderless ? 0 : 4,
    padY: 3,
    spaceBefore,
  };
}

export function layoutTable(ctx: RenderContext, spec: TableSpec, parent: StructElem): LaidBlock {
  const { measure, ids, tagger, doc } = ctx;
  const size = spec.size;
  const lh = lineHeight(size);
  const tableWidth = spec.columns.reduce((a, b) => a + b, 0);
  // Cells without borders still need a gutter between columns.
  const gutter = spec.borderless ? 8 : 0;

  const layRow = (cells: CellSpec[]): LaidRow => {
    const laid = cells.map((c, i) => {
      const inner = Math.max(10, spec.columns[i]! - 2 * spec.padX - (i < cells.length - 1 ? gutter : 0));
      const lines = c.paras.flatMap((p) => breakLines(inlineRuns(p, ids, { bold: c.bold ?? false }), inner, size, measure));
      return { spec: c, lines };
    });
    const lines = Math.max(1, ...laid.map((c) => c.lines.length));
    return { cells: laid, lines, height: lines * lh + 2 * spec.padY };
  };
  const head = spec.head.map(layRow);
  const body = spec.body.map(layRow);
  const headHeight = head.reduce((h, r) => h + r.height, 0);

  let tableElem: StructElem | null = null;
  let headElem: StructElem | null = null;
  let bodyElem: StructElem | null = null;

  /** Fills and borders of one row (or part of a row), `height` tall: page furniture. */
  const drawFrame = (height: number, y: number, isHead: boolean): void => {
    if (spec.borderless) return;
    tagger.artifact('Layout', () => {
      doc.save();
      if (isHead) doc.rect(spec.x, y, tableWidth, height).fill(HEAD_FILL);
      doc.lineWidth(0.5).strokeColor(BORDER_COLOR);
      let x = spec.x;
      for (const w of spec.columns) {
        doc.rect(x, y, w, height).stroke();
        x += w;
      }
      doc.restore();
    });
  };

  /** The cells' lines from `from` up to `to` (all of them unless the row is cut across pages). */
  const drawCells = (row: LaidRow, y: number, targets: (LineTarget | null)[], from = 0, to = Infinity): void => {
    let x = spec.x;
    row.cells.forEach((cell, i) => {
      const w = spec.columns[i]!;
      const inner = w - 2 * spec.padX - (i < row.cells.length - 1 ? gutter : 0);
      cell.lines.slice(from, to).forEach((line, k) => {
        drawLine(ctx, line, x + spec.padX + alignOffset(line, inner, cell.spec.align), y + spec.padY + k * lh, size, targets[i] ?? null);
      });
      x += w;
    });
  };

  /** A row in the structure tree: TR with TH / TD cells, open while its lines are drawn. */
  const openRow = (row: LaidRow, group: StructElem): { tr: StructElem; targets: LineTarget[] } => {
    const tr = tagger.element(group, 'TR');
    const targets = row.cells.map((cell) => {
      const type = cell.spec.header ? 'TH' : 'TD';
      const elem = tagger.element(tr, type, cell.spec.header ? { scope: cell.spec.header } : {});
      return lineTarget(ctx, elem, type);
    });
    return { tr, targets };
  };
  const closeRow = ({ tr, targets }: { tr: StructElem; targets: LineTarget[] }): void => {
    for (const t of targets) t.links.close();
    tr.end();
  };

  const drawHeadRow = (row: LaidRow, y: number, group: StructElem): void => {
    drawFrame(row.height, y, true);
    const tagged = openRow(row, group);
    drawCells(row, y, tagged.targets);
    closeRow(tagged);
  };

  /** The header rows again on a continuation page: not read twice, so an artifact. */
  const drawRepeatedHead = (y: number): void => {
    let top = y;
    for (const row of head) {
      drawFrame(row.height, top, true);
      tagger.artifact('Pagination', () => drawCells(row, top, row.cells.map(() => null)));
      top += row.height;
    }
  };

  const slices: Slice[] = [];
  if (spec.caption) {
    const capLines = breakLines([{ text: spec.caption, style: 'bold' }], tableWidth, ctx.layout.fontSize, measure);
    const capSize = ctx.layout.fontSize;
    slices.push({
      height: capLines.length * lineHeight(capSize) + CAPTION_GAP,
      spaceBefore: spec.spaceBefore,
      keepWithNext: true,
      draw: (y) => {
        const caption = lineTarget(ctx, tagger.element(tableElem!, 'Caption'), 'Caption');
        capLines.forEach((line, k) => drawLine(ctx, line, spec.x, y + k * lineHeight(capSize), capSize, caption));
        caption.elem.end();
      },
    });
  }
  head.forEach((row, k) => {
    slices.push({
      height: row.height,
      spaceBefore: slices.length === 0 ? spec.spaceBefore : 0,
      keepWithNext: true,
      draw: (y) => {
        headElem ??= tagger.element(tableElem!, 'THead');
        drawHeadRow(row, y, headElem);
        if (k === head.length - 1) headElem.end();
      },
    });
  });
  // A short table moves to the next page whole; a longer one never leaves a single row
  // under its header at a page foot, nor a single row at the head of the next page.
  const total = slices.reduce((h, s) => h + s.height, 0) + body.reduce((h, r) => h + r.height, 0);
  const keepWhole = total <= (ctx.geo.bottom - ctx.geo.top) / 3;
  const bodyGroup = (): StructElem => {
    if (head.length > 0) bodyElem ??= tagger.element(tableElem!, 'TBody');
    return bodyElem ?? tableElem!;
  };
  /**
   * Lines `from` up to `to` of a body row (all of them unless the paginator cuts a row taller
   * than a page, see Slice.split), as one slice: each part framed as a row of its own; the
   * row's TR and cells open from its first part to its last.
   */
  const rowPart = (row: LaidRow, from: number, to: number, base: Omit<Slice, 'height' | 'draw'>, tagged: { row?: ReturnType<typeof openRow> }): Slice => {
    const part: Slice = {
      ...base,
      height: (to - from) * lh + 2 * spec.padY,
      draw: (y) => {
        drawFrame(part.height, y, false);
        tagged.row ??= openRow(row, bodyGroup());
        drawCells(row, y, tagged.row.targets, from, to);
        if (to === row.lines) closeRow(tagged.row);
      },
      // Two lines at least on each side of a cut, as for a paragraph.
      smallestPart: 2 * lh + 2 * spec.padY,
      split: (room) => {
        // Never more than the room: a first part that did not fit would be cut again, forever.
        let lines = Math.floor((room - 2 * spec.padY) / lh);
        if ((lines + 1) * lh + 2 * spec.padY <= room) lines++; // the division's rounding
        const fit = Math.min(lines, to - from - 2);
        if (fit < 2) return null;
        return [rowPart(row, from, from + fit, { ...base, keepWithNext: false }, tagged), rowPart(row, from + fit, to, { ...base, spaceBefore: 0 }, tagged)];
      },
    };
    return part;
  };
  body.forEach((row, k) => {
    const base = {
      spaceBefore: slices.length === 0 ? spec.spaceBefore : 0,
      keepWithNext: keepWhole ? k < body.length - 1 : lineKeeps(body.length, k),
      ...(head.length > 0 ? { repeat: { height: headHeight, draw: drawRepeatedHead } } : {}),
    };
    slices.push(rowPart(row, 0, row.lines, base, {}));
  });

  return {
    slices,
    open: () => {
      tableElem = tagger.element(parent, 'Table');
    },
    close: () => {
      bodyElem?.end();
      headElem?.end();
      tableElem!.end();
    },
  };
}
