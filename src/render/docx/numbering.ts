/**
 * Word numbering: one multi-level legal list for numbered headings and paragraphs
 * ("3.", "3.2", "3.1.4") and one list definition per list style and indentation.
 *
 * The model carries the numbers; Word computes its own from counters. `LegalTracker`
 * replays Word's counter rules (a level counts on, deeper levels start again) and says
 * whether Word will print the model's number. When it would not (a skipped level, a number
 * not starting at 1), the paragraph gets the model's number as literal text instead, so
 * the printed numbers always equal the model's.
 */
import { AlignmentType, LevelFormat, LevelSuffix, type INumberingOptions } from 'docx';
import type { List } from '../../document/model.js';
import { mmToTwip, type PageMetrics } from './units.js';

export const LEGAL_REFERENCE = 'legal';
/** Deepest legal level: 0 = "3.", 1 = "3.2", 2 = "3.1.4". */
export const LEGAL_MAX_LEVEL = 2;

/** Hanging indent of list items (marker to text), in millimetres. */
const LIST_HANG_MM: Record<List['style'], number> = { bullet: 6, letter: 10, decimal: 10 };

/** Parses "3.1.4" into [3, 1, 4]; throws on anything else. */
export function parseNumber(number: string): number[] {
  if (!/^[1-9]\d*(\.[1-9]\d*)*$/.test(number)) {
    throw new Error(`DOCX: "${number}" is not a paragraph number like "3" or "3.1.4"`);
  }
  const parts = number.split('.').map(Number);
  if (parts.length - 1 > LEGAL_MAX_LEVEL) {
    throw new Error(`DOCX: "${number}" is deeper than ${LEGAL_MAX_LEVEL + 1} levels`);
  }
  return parts;
}

/** The number as printed: level 0 gets a trailing dot ("3."), deeper levels none ("3.1"). */
export function printedNumber(number: string): string {
  return number.includes('.') ? number : `${number}.`;
}

/** Replays Word's counters of the legal list, paragraph by paragraph. */
export class LegalTracker {
  /** Current value of each level; 0 = not used since the level above last counted. */
  private counters: number[] = [0, 0, 0];

  /**
   * The list level to give a paragraph numbered `number`, or `undefined` when Word would
   * print another number (the caller then prints it as text; the counters do not move).
   */
  place(number: string): number | undefined {
    const parts = parseNumber(number);
    const level = parts.length - 1;
    const next = this.counters.slice(0, level + 1);
    next[level] = (next[level] ?? 0) + 1;
    if (next.some((v, i) => v !== parts[i])) return undefined;
    this.counters = [...next, ...new Array<number>(LEGAL_MAX_LEVEL - level).fill(0)];
    return level;
  }
}

/** The numbering reference of a list: its style, and whether it sits in the text column. */
export function listReference(list: Pick<List, 'style' | 'indented'>): string {
  return `${list.style}${list.indented ? '-indented' : ''}`;
}

/** Paragraph indent of a list item, in twips. */
export function listIndent(metrics: PageMetrics, list: Pick<List, 'style' | 'indented'>): { left: number; hanging: number } {
  const start = list.indented ? metrics.numberColumnMm : 0;
  const hang = LIST_HANG_MM[list.style];
  return { left: mmToTwip(start + hang), hanging: mmToTwip(hang) };
}

/** Paragraph indent of a numbered paragraph or heading: number at the margin, text after the column. */
export function numberedIndent(metrics: PageMetrics): { left: number; hanging: number } {
  const col = mmToTwip(metrics.numberColumnMm);
  return { left: col, hanging: col };
}

const LIST_LEVEL: Record<List['style'], { format: (typeof LevelFormat)[keyof typeof LevelFormat]; text: string }> = {
  bullet: { format: LevelFormat.BULLET, text: '\u2022' },
  letter: { format: LevelFormat.LOWER_LETTER, text: '%1)' },
  decimal: { format: LevelFormat.DECIMAL, text: '%1.' },
};

/**
 * The numbering of a paper: the legal list, and the list definitions `lists` uses, with
 * references starting with `prefix` (each part of a pack has its own, so its lists count from 1).
 */
export function paperNumbering(
  metrics: PageMetrics,
  font: string,
  lists: readonly Pick<List, 'style' | 'indented'>[],
  prefix = '',
): INumberingOptions['config'] {
  const legalIndent = numberedIndent(metrics);
  const legalTexts = ['%1.', '%1.%2', '%1.%2.%3'];
  const legal = {
    reference: prefix + LEGAL_REFERENCE,
    levels: legalTexts.map((text, level) => ({
      level,
      format: LevelFormat.DECIMAL,
      text,
      start: 1,
      alignment: AlignmentType.LEFT,
      suffix: LevelSuffix.TAB,
      isLegalNumberingStyle: true,
      style: { paragraph: { indent: legalIndent } },
    })),
  };

  const seen = new Set<string>();
  const listConfigs = [];
  for (const list of lists) {
    const reference = prefix + listReference(list);
    if (seen.has(reference)) continue;
    seen.add(reference);
    const indent = listIndent(metrics, list);
    const { format, text } = LIST_LEVEL[list.style];
    listConfigs.push({
      reference,
      levels: [
        {
          level: 0,
          format,
          text,
          start: 1,
          alignment: AlignmentType.LEFT,
          suffix: LevelSuffix.TAB,
          style: {
            paragraph: { indent },
            run: { font },
          },
        },
      ],
    });
  }
  return [legal, ...listConfigs];
}

/** The document's numbering for a single paper. */
export function numberingOptions(metrics: PageMetrics, font: string, lists: readonly Pick<List, 'style' | 'indented'>[]): INumberingOptions {
  return { config: paperNumbering(metrics, font, lists) };
}
