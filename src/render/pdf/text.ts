/**
 * Text blocks of the PDF: headings, (numbered) paragraphs and lists, each laid out as one
 * slice per line, with the number or list label in a hanging column.
 */
import type { Heading, List, Paragraph } from '../../document/model.js';
import { drawLine, drawString, lineTarget, type LineTarget, type RenderContext } from './context.js';
import { baselineOffset, breakLines, inlineRuns, lineHeight, lineKeeps, type LaidBlock, type Line, type Slice } from './layout.js';
import type { StructElem } from './tagging.js';

/** How a heading number is printed: "3." for a level-one number, "3.1" below. */
export function headingLabel(number: string): string {
  return number.includes('.') ? number : `${number}.`;
}

export function layoutHeading(ctx: RenderContext, heading: Heading, spaceBefore: number, parent: StructElem): LaidBlock {
  const { geo, layout, measure, ids, tagger } = ctx;
  const size = layout.headingSizes[heading.level - 1];
  const label = heading.number ? headingLabel(heading.number) : undefined;
  const textX = label ? geo.left + geo.numberColumn : geo.left;
  const lines = breakLines(inlineRuns(heading.children, ids, { bold: true }), geo.right - textX, size, measure);
  let target: LineTarget | null = null;
  const lh = lineHeight(size);
  const slices: Slice[] = lines.map((line, i) => ({
    height: lh,
    spaceBefore: i === 0 ? spaceBefore : 0,
    keepWithNext: true,
    draw: (y: number) => {
      if (i === 0 && label) {
        // The number is part of the heading's text: "3. Introduction".
        tagger.content(target!.elem, target!.tag, () => drawString(ctx, `${label} `, 'bold', size, geo.left, y + baselineOffset(size)));
      }
      drawLine(ctx, line, textX, y, size, target);
    },
  }));
  return {
    slices,
    open: () => {
      const tag = tagger.headingTag(heading.level);
      target = lineTarget(ctx, tagger.element(parent, tag), tag);
    },
    close: () => {
      target!.links.close();
      target!.elem.end();
    },
  };
}

/** A paragraph, or any run of inlines set as one (the paper heading, Summary...). */
export function layoutParagraph(
  ctx: RenderContext,
  para: Pick<Paragraph, 'number' | 'children'>,
  spaceBefore: number,
  parent: StructElem,
  options: { size?: number; bold?: boolean; tag?: string } = {},
): LaidBlock {
  const { geo, layout, measure, ids, tagger } = ctx;
  const size = options.size ?? layout.fontSize;
  const tag = options.tag ?? 'P';
  const numbered = para.number !== undefined && para.number !== '';
  const textX = numbered ? geo.left + geo.numberColumn : geo.left;
  const lines = breakLines(inlineRuns(para.children, ids, { bold: options.bold ?? false }), geo.right - textX, size, measure);
  const lh = lineHeight(size);
  let target: LineTarget | null = null;
  const slices: Slice[] = lines.map((line, i) => ({
    height: lh,
    spaceBefore: i === 0 ? spaceBefore : 0,
    keepWithNext: lineKeeps(lines.length, i),
    draw: (y: number) => {
      if (i === 0 && numbered) {
        // The number reads first, then a space, then the text: "3.1.4 Currently...".
        tagger.content(target!.elem, tag, () => drawString(ctx, `${para.number} `, 'regular', size, geo.left, y + baselineOffset(size)));
      }
      drawLine(ctx, line, textX, y, size, target);
    },
  }));
  return {
    slices,
    open: () => {
      target = lineTarget(ctx, tagger.element(parent, tag), tag);
    },
    close: () => {
      target!.links.close();
      target!.elem.end();
    },
  };
}

const ITEM_GAP = 4;

export function layoutList(ctx: RenderContext, list: List, spaceBefore: number, parent: StructElem): LaidBlock {
  const { geo, layout, measure, ids, tagger } = ctx;
  const size = layout.fontSize;
  const labelX = list.indented ? geo.left + geo.numberColumn : geo.left;
  const widest = Math.max(0, ...list.items.map((item) => measure('regular', size, item.label)));
  const labelColumn = Math.max(18, Math.ceil(widest + size * 0.6));
  const textX = labelX + labelColumn;
  const lh = lineHeight(size);

  let listElem: StructElem | null = null;
  const slices: Slice[] = [];
  const itemLines: Line[][] = list.items.map((item) => breakLines(inlineRuns(item.children, ids), geo.right - textX, size, measure));
  const total = itemLines.reduce((n, lines) => n + lines.length, 0);

  list.items.forEach((item, k) => {
    const lines = itemLines[k]!;
    let body: LineTarget | null = null;
    let li: StructElem | null = null;
    lines.forEach((line, i) => {
      slices.push({
        height: lh,
        spaceBefore: i === 0 ? (k === 0 ? spaceBefore : ITEM_GAP) : 0,
        // Keep an item's lines as a paragraph's; keep the list's first two lines together.
        keepWithNext: lineKeeps(lines.length, i) || (k === 0 && i === 0 && total >= 2),
        draw: (y: number) => {
          if (i === 0) {
            li = tagger.element(listElem!, 'LI');
            const lbl = tagger.element(li, 'Lbl');
            tagger.content(lbl, 'Lbl', () => drawString(ctx, `${item.label} `, 'regular', size, labelX, y + baselineOffset(size)));
            lbl.end();
            body = lineTarget(ctx, tagger.element(li, 'LBody'), 'LBody');
          }
          drawLine(ctx, line, textX, y, size, body);
          if (i === lines.length - 1) {
            body!.links.close();
            li!.end();
          }
        },
      });
    });
  });
  return {
    slices,
    open: () => {
      listElem = tagger.element(parent, 'L');
    },
    close: () => listElem!.end(),
  };
}

/** The widest paragraph / heading number of the paper, to size the number column. */
export function widestNumber(ctx: Pick<RenderContext, 'measure' | 'layout'>, blocks: readonly { type: string; number?: string; level?: number }[]): number {
  let w = 0;
  for (const b of blocks) {
    if (!b.number) continue;
    if (b.type === 'heading') {
      const size = ctx.layout.headingSizes[((b.level ?? 1) - 1) as 0 | 1 | 2];
      w = Math.max(w, ctx.measure('bold', size, headingLabel(b.number)));
    } else if (b.type === 'paragraph') {
      w = Math.max(w, ctx.measure('regular', ctx.layout.fontSize, b.number));
    }
  }
  return w;
}

