/**
 * Measures of the page, derived once from the house layout. Word counts in twips
 * (1/20 pt, 1/1440 in), half-points for font sizes, and docx sizes images in CSS pixels.
 */
import type { HouseLayout } from '../../document/model.js';

export const A4 = { widthMm: 210, heightMm: 297 } as const;

export const mmToTwip = (mm: number): number => Math.round((mm * 1440) / 25.4);
export const mmToPx = (mm: number): number => (mm * 96) / 25.4;
export const ptToHalfPt = (pt: number): number => Math.round(pt * 2);
export const ptToTwip = (pt: number): number => Math.round(pt * 20);

export interface PageMetrics {
  /** Width between the margins. */
  textWidthMm: number;
  /** Height between the margins. */
  textHeightMm: number;
  /** Width of the number column of numbered paragraphs. */
  numberColumnMm: number;
  /** Body text size in half-points (docx `size`). */
  bodySize: number;
  /** Size of small print (figure source lines, footer) in half-points. */
  smallSize: number;
}

export function pageMetrics(layout: HouseLayout): PageMetrics {
  const m = layout.marginsMm;
  const textWidthMm = A4.widthMm - m.left - m.right;
  const textHeightMm = A4.heightMm - m.top - m.bottom;
  if (!(textWidthMm > 0) || !(textHeightMm > 0)) {
    throw new Error(`DOCX: the margins ${JSON.stringify(m)} leave no room on an A4 page`);
  }
  if (!(layout.numberColumnMm >= 0) || layout.numberColumnMm >= textWidthMm / 2) {
    throw new Error(`DOCX: numberColumnMm ${layout.numberColumnMm} does not fit the text width`);
  }
  return {
    textWidthMm,
    textHeightMm,
    numberColumnMm: layout.numberColumnMm,
    bodySize: ptToHalfPt(layout.fontSize),
    smallSize: ptToHalfPt(Math.max(layout.fontSize - 2, 8)),
  };
}

/** Width available to a block: the text width, less the number column when indented. */
export function availableWidthMm(metrics: PageMetrics, indented: boolean | undefined): number {
  return metrics.textWidthMm - (indented ? metrics.numberColumnMm : 0);
}

/** Spacing between blocks, in twips. */
export const SPACE_AFTER_PARAGRAPH = ptToTwip(8);
export const SPACE_AFTER_LIST_ITEM = ptToTwip(4);
export const SPACE_BEFORE_HEADING = ptToTwip(12);
export const SPACE_AFTER_HEADING = ptToTwip(6);
