/**
 * The footer: the layout's text, centred, with {page} and {pages} as PAGE and NUMPAGES fields.
 */
import { AlignmentType, Footer, PageNumber, Paragraph, TextRun } from 'docx';
import type { PageMetrics } from './units.js';

type FooterPart = string | (typeof PageNumber)[keyof typeof PageNumber];

/** Splits "Page {page} of {pages}" into text and fields. */
export function footerParts(template: string): FooterPart[] {
  const parts: FooterPart[] = [];
  for (const piece of template.split(/(\{page\}|\{pages\})/)) {
    if (piece === '{page}') parts.push(PageNumber.CURRENT);
    else if (piece === '{pages}') parts.push(PageNumber.TOTAL_PAGES);
    else if (piece !== '') parts.push(piece);
  }
  return parts;
}

export function renderFooter(template: string, metrics: PageMetrics): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { before: 0, after: 0 },
        children: [new TextRun({ children: footerParts(template), size: metrics.smallSize })],
      }),
    ],
  });
}
