/**
 * Post-processing of the package docx writes, so that the same Paper gives the same bytes:
 *
 * - docProps/core.xml is written here: dates are the paper's date at 00:00:00Z (docx writes
 *   the clock), and dc:language is added (docx has no such property);
 * - relationship ids docx draws at random (hyperlinks) become rId<n>;
 * - drawing (`wp:docPr`) and bookmark ids, process-wide counters in docx, are numbered
 *   from 1 in each document;
 * - the zip is written with fixed entry dates, a fixed entry order and fixed compression.
 *
 * It works on the package's files as docx's compiler gives them, before anything is zipped:
 * Packer.toBuffer would deflate every part only for us to inflate and deflate it again.
 *
 * It also adds what docx cannot write: `w:tblCaption` on captioned tables, the bookmarks
 * where the parts of a pack start and end, and marks the legal lists as multi-level lists.
 */
import { Packer, type Document } from 'docx';
import type { DocumentMeta } from '../../document/model.js';
import { pointBookmark } from './fields.js';
import { zipEntries } from './zip.js';

export interface PostProcessOptions {
  /** Caption of each table of word/document.xml, in order ('' for none). */
  tableCaptions: readonly string[];
  /**
   * For a pack, the bookmark names of each part, in order: one part per section of
   * document.xml. Each start is put at the part's first paragraph, each end at its last.
   */
  partBookmarks?: readonly { start: string; end: string }[];
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The paper's date as a Date at 00:00:00Z; throws unless `date` is YYYY-MM-DD. */
export function paperDate(date: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) {
    throw new Error(`DOCX: meta.date "${date}" is not a date like 2016-12-06`);
  }
  return d;
}

export function coreXml(meta: DocumentMeta): string {
  const when = `${paperDate(meta.date).toISOString().slice(0, 10)}T00:00:00Z`;
  const el = (name: string, value: string | undefined) => (value ? `<${name}>${escapeXml(value)}</${name}>` : '');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    el('dc:title', meta.title) +
    el('dc:subject', meta.subject) +
    el('dc:creator', meta.author) +
    el('cp:keywords', meta.keywords?.join(', ')) +
    el('cp:lastModifiedBy', meta.author) +
    el('dc:language', meta.lang) +
    '<cp:revision>1</cp:revision>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

/** Numbers the values of `attr` in `xml` from `first`, in order of appearance, one number per old value. */
function renumber(xml: string, pattern: RegExp, map: Map<string, number>, first: number): string {
  return xml.replace(pattern, (_all, before: string, id: string, after: string) => {
    if (!map.has(id)) map.set(id, first + map.size);
    return `${before}${map.get(id)}${after}`;
  });
}

/**
 * Replaces relationship ids that are not rId<n> with rId<n> past the highest in use, in one
 * pass over each of the two texts (a long paper's document.xml is a megabyte, with a link
 * relationship per hyperlink).
 */
function fixRelationshipIds(rels: string, part: string): { rels: string; part: string } {
  const ids = [...rels.matchAll(/\bId="([^"]+)"/g)].map((m) => m[1]!);
  let next = Math.max(0, ...ids.map((id) => (/^rId(\d+)$/.exec(id) ? Number(id.slice(3)) : 0))) + 1;
  const fresh = new Map<string, string>();
  for (const id of ids) if (!/^rId\d+$/.test(id)) fresh.set(id, `rId${next++}`);
  if (fresh.size === 0) return { rels, part };
  const alternatives = [...fresh.keys()].map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return {
    rels: rels.replace(new RegExp(`\\bId="(${alternatives})"`, 'g'), (_all, id: string) => `Id="${fresh.get(id)}"`),
    part: part.replace(new RegExp(`"(${alternatives})"`, 'g'), (_all, id: string) => `"${fresh.get(id)}"`),
  };
}

/** Adds `w:tblCaption` to each top-level table of document.xml that has a caption. */
function addTableCaptions(xml: string, captions: readonly string[]): string {
  let i = 0;
  const out = xml.replace(/<w:tbl>(<w:tblPr>[\s\S]*?)<\/w:tblPr>/g, (_all, props: string) => {
    const caption = captions[i++];
    if (caption === undefined) throw new Error('DOCX: more tables in the document than were rendered');
    return `<w:tbl>${props}${caption ? `<w:tblCaption w:val="${escapeXml(caption)}"/>` : ''}</w:tblPr>`;
  });
  if (i !== captions.length) throw new Error(`DOCX: ${captions.length} tables rendered, ${i} written`);
  return out;
}

/** Where the paragraph that opens at `from` (at `<w:p>` or `<w:p `) has its content: after its properties. */
function paragraphContentStart(xml: string, from: number): number {
  const open = xml.indexOf('>', from) + 1;
  if (xml.startsWith('<w:pPr>', open)) return xml.indexOf('</w:pPr>', open) + '</w:pPr>'.length;
  if (xml.startsWith('<w:pPr/>', open)) return open + '<w:pPr/>'.length;
  return open;
}

const PARAGRAPH_OPEN = /<w:p[ >]/g;

/**
 * Puts each part's start bookmark at the start of its first paragraph (in a table cell when
 * the part opens with a table) and its end bookmark at the end of its last paragraph: the one
 * that carries its section's properties, or for the last part the last paragraph of the body.
 * Bookmark ids count on from `firstId`.
 */
export function addPartBookmarks(xml: string, parts: readonly { start: string; end: string }[], firstId: number): string {
  const bodyStart = xml.indexOf('<w:body>');
  const bodyEnd = xml.lastIndexOf('</w:body>');
  if (bodyStart < 0 || bodyEnd < 0) throw new Error('DOCX: document.xml has no body');
  // Section ends: a sectPr in a paragraph's properties ends a section at that paragraph's end;
  // the body's own sectPr ends the last one.
  const ends: number[] = [];
  for (const m of xml.slice(0, bodyEnd).matchAll(/<w:sectPr[ >]/g)) {
    const at = m.index;
    const inParagraph = xml.lastIndexOf('<w:pPr>', at) > xml.lastIndexOf('</w:pPr>', at);
    if (inParagraph) ends.push(xml.indexOf('</w:p>', at));
    else ends.push(xml.lastIndexOf('</w:p>', at));
  }
  if (ends.length !== parts.length) throw new Error(`DOCX: ${parts.length} parts rendered, ${ends.length} sections written`);

  const inserts: { at: number; text: string }[] = [];
  let from = bodyStart;
  let id = firstId;
  for (const [i, part] of parts.entries()) {
    const end = ends[i]!;
    PARAGRAPH_OPEN.lastIndex = from;
    const first = PARAGRAPH_OPEN.exec(xml);
    if (!first || first.index > end || end < from) throw new Error(`DOCX: part ${i + 1} (${part.start}) has no paragraph`);
    inserts.push({ at: paragraphContentStart(xml, first.index), text: pointBookmark(id++, part.start) });
    inserts.push({ at: end, text: pointBookmark(id++, part.end) });
    from = end + '</w:p>'.length;
  }
  let out = xml;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

/** The legal list is one multi-level list (docx writes every list as hybridMultilevel). */
function markLegalMultilevel(xml: string): string {
  return xml.replace(/<w:abstractNum [^>]*>[\s\S]*?<\/w:abstractNum>/g, (abs) =>
    abs.includes('<w:isLgl/>') ? abs.replace('<w:multiLevelType w:val="hybridMultilevel"/>', '<w:multiLevelType w:val="multilevel"/>') : abs,
  );
}

const TEXT_PART = /\.(xml|rels)$/;

/** Parts compressed already (raster images): stored in the zip as they are. */
const STORED = /\.(png|jpe?g|gif)$/i;

/** Order of entries in the written zip: content types and package relationships first, then by name. */
function entryOrder(a: string, b: string): number {
  const rank = (n: string) => (n === '[Content_Types].xml' ? 0 : n === '_rels/.rels' ? 1 : 2);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A package's files by path, as docx's compiler gives them (XML as strings, media as bytes). */
export type PackageFiles = ReadonlyMap<string, string | Uint8Array>;

/** The part of docx's Packer that turns a Document into its package's files (not in docx's types). */
interface DocxCompiler {
  compile(file: Document): Map<string, string | Uint8Array | ArrayBuffer>;
  formatter?: { format(input: object, context: unknown): unknown };
}

/**
 * A package part whose XML is fully determined by `key` (the options docx made it from):
 * its XML is kept after the first document, and docx does not format it again.
 */
export interface RememberedPart {
  /** The docx component docx's compiler formats as the part (such as `document.Styles`). */
  component: object;
  path: string;
  key: string;
}

/** XML of remembered parts, by path and key. */
const rememberedXml = new Map<string, string>();
const MAX_REMEMBERED_XML = 64;

function rememberedKey(part: RememberedPart): string {
  return `${part.path}\0${part.key}`;
}

/** Forget the remembered parts' XML (for the tests: the next documents make it afresh). */
export function forgetRememberedParts(): void {
  rememberedXml.clear();
}

/** What docx formats in place of a remembered part: replaced by the part's XML afterwards. */
const STAND_IN = Object.freeze({ 'cp:remembered': Object.freeze({}) });

/**
 * The files of `document`'s package, unzipped: what Packer.toBuffer would zip. docx's
 * Packer.pack is `zip(compiler.compile(file))`; the compiler is a private static of Packer.
 * The `remembered` parts known from an earlier document are not formatted again.
 */
export function compileDocument(document: Document, remembered: readonly RememberedPart[] = []): PackageFiles {
  const compiler = (Packer as unknown as { compiler?: DocxCompiler }).compiler;
  if (typeof compiler?.compile !== 'function') throw new Error('DOCX: this docx has no Packer.compiler.compile(); check the docx version (9.15 expected)');
  const formatter = compiler.formatter;
  const format = typeof formatter?.format === 'function' ? formatter.format : undefined;
  const known = new Map<object, string>();
  if (format) {
    for (const part of remembered) {
      const xml = rememberedXml.get(rememberedKey(part));
      if (xml !== undefined) known.set(part.component, xml);
    }
  }
  const standIns = formatter && format && known.size > 0;
  if (standIns) {
    formatter.format = function (this: unknown, input: object, context: unknown) {
      return known.has(input) ? STAND_IN : format.call(this, input, context);
    };
  }
  const files = new Map<string, string | Uint8Array>();
  try {
    for (const [name, data] of compiler.compile(document)) {
      files.set(name, typeof data === 'string' || data instanceof Uint8Array ? data : new Uint8Array(data));
    }
  } finally {
    if (standIns) formatter.format = format;
  }
  for (const part of remembered) {
    const xml = known.get(part.component);
    if (xml !== undefined) {
      if (!String(files.get(part.path)).includes('<cp:remembered/>')) throw new Error(`DOCX: ${part.path} was not formatted where expected`);
      files.set(part.path, xml);
    } else {
      const made = files.get(part.path);
      if (typeof made !== 'string') continue;
      if (rememberedXml.size >= MAX_REMEMBERED_XML) rememberedXml.delete(rememberedXml.keys().next().value as string);
      rememberedXml.set(rememberedKey(part), made);
    }
  }
  return files;
}

export function makeDeterministic(files: PackageFiles, meta: DocumentMeta, options: PostProcessOptions): Uint8Array {
  const date = paperDate(meta.date);
  // Folders hold nothing; the zip has no entries for them.
  const names = [...files.keys()].filter((n) => !n.endsWith('/')).sort(entryOrder);

  const text = new Map<string, string>();
  const binary = new Map<string, Uint8Array>();
  const utf8 = new TextDecoder();
  for (const name of names) {
    const data = files.get(name)!;
    if (TEXT_PART.test(name)) text.set(name, typeof data === 'string' ? data : utf8.decode(data));
    else binary.set(name, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  text.set('docProps/core.xml', coreXml(meta));

  // Relationship ids, per part and its .rels.
  for (const name of names) {
    const m = /^(.*)_rels\/(.+)\.rels$/.exec(name);
    if (!m) continue;
    const partName = `${m[1]}${m[2]}`;
    const part = text.get(partName);
    if (part === undefined) continue;
    const fixed = fixRelationshipIds(text.get(name)!, part);
    text.set(name, fixed.rels);
    text.set(partName, fixed.part);
  }

  // Drawing and bookmark ids: unique in the document, counted from 1 over its parts in order.
  let drawings = 0;
  const bookmarks = new Map<string, number>();
  const storyParts = names.filter((n) => /^word\/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$/.test(n));
  for (const name of storyParts) {
    let xml = text.get(name)!;
    // Each drawing gets a number of its own.
    xml = xml.replace(/(<wp:docPr\b[^>]*?\bid=")(\d+)(")/g, (_a, b: string, _id: string, c: string) => `${b}${++drawings}${c}`);
    xml = renumber(xml, /(<w:bookmark(?:Start|End)\b[^>]*?\bw:id=")(\d+)(")/g, bookmarks, 1);
    text.set(name, xml);
  }

  let document = text.get('word/document.xml');
  if (document === undefined) throw new Error('DOCX: docx wrote no word/document.xml');
  document = addTableCaptions(document, options.tableCaptions);
  if (options.partBookmarks) document = addPartBookmarks(document, options.partBookmarks, bookmarks.size + 1);
  text.set('word/document.xml', document);
  const numbering = text.get('word/numbering.xml');
  if (numbering !== undefined) text.set('word/numbering.xml', markLegalMultilevel(numbering));

  const utf8Out = new TextEncoder();
  return zipEntries(
    names.map((name) => {
      const xml = text.get(name);
      return { name, data: xml === undefined ? binary.get(name)! : utf8Out.encode(xml), store: STORED.test(name) };
    }),
    date,
  );
}
