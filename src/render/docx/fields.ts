/**
 * Page references of a pack: the bookmarks that mark where each part starts and ends, and
 * the PAGEREF fields that point at them.
 *
 * A field is written as runs (begin / instruction / separate / result / end) with the page
 * number the PDF layout gave as its result, so the number shows at once and Word keeps it
 * right when it updates fields. (docx's `PageReference` writes an empty, dirty result.)
 */
import { createHash } from 'node:crypto';
import { BuilderElement, NextAttributeComponent, TextRun, XmlComponent } from 'docx';
import type { RunFormat } from './inlines.js';

/** Longest bookmark name Word keeps. */
export const MAX_BOOKMARK_NAME = 40;

export interface PartBookmarks {
  start: string;
  end: string;
}

/**
 * Bookmark names of parts, by part id: `<id>_start` / `<id>_end` with every character that
 * is not a letter, digit or underscore made an underscore ("item-5" -> "item_5_start"),
 * a "p" before a name that would not start with a letter, and long or clashing ids
 * shortened / told apart by a hash of the id. Throws on a repeated part id.
 */
export function partBookmarkNames(ids: readonly string[]): Map<string, PartBookmarks> {
  const out = new Map<string, PartBookmarks>();
  const used = new Set<string>();
  for (const id of ids) {
    if (out.has(id)) throw new Error(`DOCX: part id "${id}" is used twice in the pack`);
    let base = id.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(base)) base = `p${base}`;
    // Room for "_start" (the longer edge).
    const room = MAX_BOOKMARK_NAME - '_start'.length;
    if (base.length > room || used.has(base.toLowerCase())) {
      const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
      base = `${base.slice(0, room - hash.length - 1)}_${hash}`;
    }
    // Word compares bookmark names without regard to case.
    if (used.has(base.toLowerCase())) throw new Error(`DOCX: cannot give part "${id}" a bookmark name of its own`);
    used.add(base.toLowerCase());
    out.set(id, { start: `${base}_start`, end: `${base}_end` });
  }
  return out;
}

/** Whether `name` is a valid Word bookmark name. */
export function isBookmarkName(name: string): boolean {
  return name.length <= MAX_BOOKMARK_NAME && /^[A-Za-z][A-Za-z0-9_]*$/.test(name);
}

function fieldChar(type: 'begin' | 'separate' | 'end'): XmlComponent {
  return new BuilderElement({ name: 'w:fldChar', attributes: { type: { key: 'w:fldCharType', value: type } } });
}

class FieldInstruction extends XmlComponent {
  constructor(instruction: string) {
    super('w:instrText');
    this.root.push(new NextAttributeComponent({ space: { key: 'xml:space', value: 'preserve' } }));
    this.root.push(instruction);
  }
}

/** A PAGEREF field to `bookmark` showing `value`, as runs in `format`. */
export function pageRefRuns(bookmark: string, value: string, format: RunFormat): TextRun[] {
  if (!isBookmarkName(bookmark)) throw new Error(`DOCX: "${bookmark}" is not a Word bookmark name`);
  return [
    new TextRun({ ...format, children: [fieldChar('begin')] }),
    new TextRun({ ...format, children: [new FieldInstruction(` PAGEREF ${bookmark} \\h `)] }),
    new TextRun({ ...format, children: [fieldChar('separate')] }),
    new TextRun({ ...format, text: value }),
    new TextRun({ ...format, children: [fieldChar('end')] }),
  ];
}

/** A bookmark with no extent: where a part starts or ends. `id` is renumbered afterwards. */
export function pointBookmark(id: number, name: string): string {
  return `<w:bookmarkStart w:id="${id}" w:name="${name}"/><w:bookmarkEnd w:id="${id}"/>`;
}
