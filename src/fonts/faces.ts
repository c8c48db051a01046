/**
 * The Arimo faces parsed by fontkit, for every part that lays text out (the PDF writer, the
 * charts' text widths). Each caller gets a font object of its own (a fontkit font keeps
 * per-glyph state that depends on what it laid out), but all the objects of a face share
 * one set of decoded tables: decoding a face's tables (cmap, hmtx, GSUB, GPOS...) is most of
 * the cost of its first layouts, and the tables, once decoded, are only read.
 *
 * fontkit is imported as an ES module, as pdfkit imports it: its CommonJS build would be a
 * second copy of it to load and compile.
 */
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import { fontFiles, type FontStyle } from './files.js';

/** Per face: the file's bytes, and the decoded tables every font object of the face shares. */
const faces = new Map<FontStyle, { bytes: Buffer; tables: Record<string, unknown> }>();

/** A new fontkit font object for `style`, over the face's shared tables. */
export function openFace(style: FontStyle): unknown {
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
