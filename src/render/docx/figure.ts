/**
 * Figures: caption above (title bold, subtitle normal), the chart as SVG with its PNG
 * fallback fitted to the available width, the source line below in small print, then the
 * data table if there is one. Caption, image and source are kept on one page.
 */
import { ImageRun, Paragraph, Table as DocxTable, TextRun } from 'docx';
import type { Figure } from '../../document/model.js';
import type { RenderContext } from './context.js';
import { CAPTION_STYLE, SOURCE_STYLE } from './styles.js';
import { renderTable } from './table.js';
import { availableWidthMm, mmToPx, mmToTwip, SPACE_AFTER_PARAGRAPH } from './units.js';

/** Largest share of the text height a chart may take. */
const MAX_HEIGHT_SHARE = 0.6;

/** Image size in CSS pixels: the available width, the figure's aspect ratio, capped in height. */
export function figureSize(figure: Pick<Figure, 'width' | 'height' | 'id'>, widthMm: number, textHeightMm: number): { width: number; height: number } {
  if (!(figure.width > 0) || !(figure.height > 0)) {
    throw new Error(`DOCX: figure "${figure.id}" has no size (${figure.width} x ${figure.height})`);
  }
  let width = mmToPx(widthMm);
  let height = (width * figure.height) / figure.width;
  const maxHeight = mmToPx(textHeightMm * MAX_HEIGHT_SHARE);
  if (height > maxHeight) {
    width = (width * maxHeight) / height;
    height = maxHeight;
  }
  return { width: Math.round(width), height: Math.round(height) };
}

export function renderFigure(figure: Figure, ctx: RenderContext): (Paragraph | DocxTable)[] {
  const indent = { left: figure.indented ? mmToTwip(ctx.metrics.numberColumnMm) : 0 };
  const size = figureSize(figure, availableWidthMm(ctx.metrics, figure.indented), ctx.metrics.textHeightMm);
  const out: (Paragraph | DocxTable)[] = [];

  const caption: TextRun[] = [new TextRun({ text: figure.title })];
  if (figure.subtitle) caption.push(new TextRun({ text: figure.subtitle, bold: false, break: 1 }));
  out.push(ctx.paragraph({ style: CAPTION_STYLE, children: caption, indent }));

  const image = new ImageRun({
    type: 'svg',
    // Stand-ins, replaced by the SVG and PNG after docx compiles (chart-images.ts).
    data: ctx.images.svg(figure),
    fallback: { type: 'png', data: ctx.images.png(figure) },
    transformation: size,
    altText: { name: figure.id, description: figure.alt, title: figure.title },
  });
  out.push(
    ctx.paragraph({
      children: [image],
      indent,
      keepNext: Boolean(figure.source),
      keepLines: true,
      spacing: { after: figure.source ? 60 : SPACE_AFTER_PARAGRAPH },
    }),
  );

  if (figure.source) {
    out.push(ctx.paragraph({ style: SOURCE_STYLE, children: [new TextRun({ text: figure.source })], indent }));
  }
  if (figure.table) {
    const table = { ...figure.table, indented: figure.table.indented ?? figure.indented };
    out.push(...renderTable(table, ctx, { accessibleCaption: `${figure.title}: data` }));
  }
  return out;
}
