/**
 * The Arimo faces parsed by fontkit, for every part that lays text out (the PDF writer, the
 * charts' text widths). Each caller gets a font object of its own (a fontkit font keeps
 * per-glyph state that depends on what it laid out), but all the objects of a face share
 * one set of decoded tables: decoding a face's tables (cmap, hmtx, GSUB, GPOS...) is most of
 * the cost of its first layouts, and the tables, once decoded, are only read.
 *
 * fontkit is loaded on first use (a run that lays out nothing does not pay for it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fontFiles, type FontStyle } from './files.js';

/** The bit of fontkit used here (fontkit ships no types). */
interface Fontkit {
  create(buffer: Buffer): unknown;
}

let fontkit: Fontkit | undefined;

/** Per face: the file's bytes, and the decoded tables every font object of the face shares. */
const faces = new Map<FontStyle, { bytes: Buffer; tables: Record<string, unknown> }>();

/** A new fontkit font object for `style`, over the face's shared tables. */
export function openFace(style: FontStyle): unknown {
  fontkit ??= createRequire(import.meta.url)('fontkit') as Fontkit;
  let face = faces.get(style);
  if (!face) {
    face = { bytes: readFileSync(fontFiles[style]), tables: {} };
    faces.set(style, face);
  }
  const font = fontkit.create(Buffer.from(face.bytes)) as { _tables?: Record<string, unknown> };
  // fontkit decodes a table on first use into font._tables (TTFFont._getTable).
  if (typeof font._tables === 'object' && font._tables !== null) font._tables = face.tables;
  return font;
}
