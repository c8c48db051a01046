/**
 * Styles: the house font and size for the whole document (document defaults), en-GB as
 * the proofing language, built-in Heading 1-3 with outline levels, Caption for table and
 * figure captions, Hyperlink (blue, underlined).
 */
import { UnderlineType, type IStylesOptions } from 'docx';
import type { HouseLayout } from '../../document/model.js';
import {
  ptToHalfPt,
  SPACE_AFTER_HEADING,
  SPACE_AFTER_PARAGRAPH,
  SPACE_BEFORE_HEADING,
  type PageMetrics,
} from './units.js';

export const CAPTION_STYLE = 'Caption';
export const HYPERLINK_STYLE = 'Hyperlink';
export const SOURCE_STYLE = 'FigureSource';

export function stylesOptions(layout: HouseLayout, lang: string, metrics: PageMetrics): IStylesOptions {
  const font = layout.font;
  const heading = (level: 0 | 1 | 2) => ({
    run: { font, size: ptToHalfPt(layout.headingSizes[level]), bold: true, italics: false, color: '000000' },
    paragraph: {
      outlineLevel: level,
      keepNext: true,
      keepLines: true,
      spacing: { before: SPACE_BEFORE_HEADING, after: SPACE_AFTER_HEADING },
    },
  });
  return {
    default: {
      document: {
        run: {
          font: { ascii: font, hAnsi: font, cs: font, eastAsia: font },
          size: metrics.bodySize,
          language: { value: lang, eastAsia: lang, bidirectional: lang },
        },
        paragraph: {
          spacing: { before: 0, after: SPACE_AFTER_PARAGRAPH },
        },
      },
      heading1: heading(0),
      heading2: heading(1),
      heading3: heading(2),
      caption: {
        run: { font, size: metrics.bodySize, bold: true, italics: false, color: '000000' },
        paragraph: { keepNext: true, keepLines: true, spacing: { before: SPACE_AFTER_HEADING, after: SPACE_AFTER_HEADING } },
      },
      hyperlink: {
        run: { color: '0563C1', underline: { type: UnderlineType.SINGLE } },
      },
    },
    paragraphStyles: [
      {
        id: SOURCE_STYLE,
        name: 'Figure Source',
        basedOn: 'Normal',
        next: 'Normal',
        quickFormat: true,
        run: { size: metrics.smallSize },
      },
    ],
  };
}
