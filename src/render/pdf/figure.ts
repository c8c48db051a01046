/**
 * Figures of the PDF: the chart's SVG drawn as vectors, its text real text in the embedded
 * Arimo: a plain SVG (the kind Vega writes) straight from its shapes and strings
 * (plain-svg.ts), any other by svg-to-pdfkit (an SVG drawn before is drawn again from
 * svg-to-pdfkit's recorded calls, svg-replay.ts). Scaled to the available width and
 * capped to fit a page.
 * Caption (title bold, subtitle) above, source line below, both kept with the chart.
 *
 * Structure: Div > Caption, Figure (/Alt = figure.alt, the drawn chart inside it), P (source).
 */
import type { Figure } from '../../document/model.js';
import { drawLine, lineTarget, MUTED_COLOR, withActualText, type Doc, type RenderContext } from './context.js';
import { svgFontCallback } from './fonts.js';
import { breakLines, lineHeight, type LaidBlock, type Line, type Slice } from './layout.js';
import { drawable, drawPlainSvg, plainSvg } from './plain-svg.js';
import { drawSvg } from './svg-replay.js';
import type { StructElem } from './tagging.js';

const CAPTION_GAP = 6;
const SOURCE_GAP = 4;
/** A chart never takes more than this part of the page's text height. */
const MAX_PAGE_SHARE = 0.75;
/** A chart may be drawn down to this share of its full size to stay on the current page. */
const MIN_SCALE = 0.7;

export interface FigureSize {
  width: number;
  height: number;
}

/** The drawn size in points: the available width, keeping the aspect ratio, at most `maxHeight` tall. */
export function figureSize(fig: Pick<Figure, 'width' | 'height'>, available: number, maxHeight: number): FigureSize {
  const ratio = fig.width > 0 && fig.height > 0 ? fig.height / fig.width : 0.5;
  let width = available;
  let height = width * ratio;
  if (height > maxHeight) {
    height = maxHeight;
    width = height / ratio;
  }
  return { width, height };
}

export function layoutFigure(ctx: RenderContext, fig: Figure, x: number, available: number, spaceBefore: number, parent: StructElem): LaidBlock {
  const { geo, layout, measure, tagger, doc } = ctx;
  const size = layout.fontSize;
  const subSize = Math.max(8, size - 1);
  const sourceSize = Math.max(8, size - 2);

  const titleLines = breakLines([{ text: fig.title, style: 'bold' }], available, size, measure);
  const subLines: Line[] = fig.subtitle ? breakLines([{ text: fig.subtitle, style: 'regular' }], available, subSize, measure) : [];
  const sourceLines: Line[] = fig.source ? breakLines([{ text: fig.source, style: 'regular' }], available, sourceSize, measure) : [];
  const captionH = titleLines.length * lineHeight(size) + subLines.length * lineHeight(subSize) + CAPTION_GAP;
  const sourceH = sourceLines.length > 0 ? SOURCE_GAP + sourceLines.length * lineHeight(sourceSize) : 0;
  const pageH = geo.bottom - geo.top;
  const maxH = Math.max(40, Math.min(pageH * MAX_PAGE_SHARE, pageH - captionH - sourceH - 2));
  const full = figureSize(fig, available, maxH);
  let drawn = full;

  let div: StructElem | null = null;
  const slices: Slice[] = [];

  slices.push({
    height: captionH,
    spaceBefore,
    keepWithNext: true,
    draw: (y) => {
      const caption = lineTarget(ctx, tagger.element(div!, 'Caption'), 'Caption');
      let top = y;
      for (const line of titleLines) {
        drawLine(ctx, line, x, top, size, caption);
        top += lineHeight(size);
      }
      for (const line of subLines) {
        drawLine(ctx, line, x, top, subSize, caption);
        top += lineHeight(subSize);
      }
      caption.elem.end();
    },
  });

  slices.push({
    height: full.height,
    spaceBefore: 0,
    keepWithNext: sourceLines.length > 0,
    minHeight: full.height * MIN_SCALE,
    setHeight(height: number) {
      // Same aspect ratio, smaller: the width follows the height.
      drawn = { height, width: full.width * (height / full.height) };
      this.height = height;
    },
    draw: (y) => {
      const figure = tagger.element(div!, 'Figure', {
        alt: fig.alt,
        bbox: [x, y, x + drawn.width, y + drawn.height],
        placement: 'Block',
      });
      tagger.content(figure, 'Figure', () => {
        const plain = plainSvg(fig.svg);
        if (plain && drawable(doc, plain)) {
          drawPlainSvg(doc, plain, x, y, { width: drawn.width, height: drawn.height, font: svgFontCallback });
          return;
        }
        const warnings: string[] = [];
        withGlyphsActualText(doc, () =>
          drawSvg(doc, fig.svg, x, y, {
            width: drawn.width,
            height: drawn.height,
            preserveAspectRatio: 'xMidYMid meet',
            fontCallback: svgFontCallback,
            warningCallback: (message: string) => warnings.push(message),
          }),
        );
        // svg-to-pdfkit only warns; an undrawable chart or font must fail the build.
        const fatal = warnings.find((w) => /font|does not look like a valid SVG|can't be rendered directly/i.test(w));
        if (fatal) throw new Error(`PDF: figure "${fig.id}" could not be drawn: ${fatal}`);
      });
      figure.end();
    },
  });

  if (sourceLines.length > 0) {
    slices.push({
      height: sourceH,
      spaceBefore: 0,
      draw: (y) => {
        const p = lineTarget(ctx, tagger.element(div!, 'P'), 'P');
        sourceLines.forEach((line, k) => drawLine(ctx, line, x, y + SOURCE_GAP + k * lineHeight(sourceSize), sourceSize, p, MUTED_COLOR));
        p.elem.end();
      },
    });
  }

  return {
    slices,
    open: () => {
      div = tagger.element(parent, 'Div');
    },
    close: () => div!.end(),
  };
}

/** What the ActualText wrapper reads of pdfkit's fonts: the id ("F3") and glyph id -> code points. */
interface FontInternals {
  id: string;
  unicode?: (number[] | undefined)[];
}

/**
 * svg-to-pdfkit draws every glyph with its own text matrix. Text extractors (poppler,
 * copy and paste) then tear rotated axis labels apart ("Se", "p", "20", "15"). Each text
 * object it writes therefore gets the string its glyphs spell (read back through the
 * embedded font's glyph-to-Unicode map) as ActualText, so "Sep 2015" is extracted whole.
 */
function withGlyphsActualText(doc: Doc, draw: () => void): void {
  const target = doc as unknown as { _fontFamilies?: Record<string, FontInternals> };
  const fonts = (): Map<string, FontInternals> => {
    const map = new Map<string, FontInternals>();
    for (const font of Object.values(target._fontFamilies ?? {})) if (font && typeof font.id === 'string') map.set(font.id, font);
    return map;
  };
  withActualText(doc, (ops) => actualText(ops, fonts()), draw);
}

/** The string spelled by the `<gid> Tj` operators of one text object ('' if unknown). */
function actualText(ops: readonly string[], fonts: Map<string, FontInternals>): string {
  let font: FontInternals | undefined;
  let text = '';
  for (const op of ops) {
    const tf = /^\/(\S+) [-\d.]+ Tf$/.exec(op);
    if (tf) font = fonts.get(tf[1]!);
    const tj = /^<([0-9a-fA-F]+)> Tj$/.exec(op);
    if (!tj) continue;
    if (!font?.unicode) return '';
    for (let i = 0; i + 4 <= tj[1]!.length; i += 4) {
      const points = font.unicode[parseInt(tj[1]!.slice(i, i + 4), 16)];
      if (!points) return '';
      text += String.fromCodePoint(...points);
    }
  }
  return text;
}
