/**
 * DOCX writer: a Paper (the document model) to a Word document, byte for byte the same
 * for the same Paper; and a Pack (several papers bound into one) to one Word document
 * with a section per part. Reads only the model.
 */
import { Document, PageOrientation, Paragraph, SectionType, Table, type ISectionOptions, type IStylesOptions } from 'docx';
import type { DocumentMeta, HouseLayout, Pack, Paper } from '../../document/model.js';
import { listsOf, renderBlocks } from './blocks.js';
import { RenderContext } from './context.js';
import { compileDocument, makeDeterministic, type PackageFiles, type RememberedPart } from './deterministic.js';
import { partBookmarkNames, type PartBookmarks } from './fields.js';
import { renderFooter } from './footer.js';
import { renderFront, renderHeading } from './front.js';
import { numberingOptions, paperNumbering } from './numbering.js';
import { ChartImages } from './chart-images.js';
import { stylesOptions } from './styles.js';
import { A4, mmToTwip } from './units.js';

/** The children of a paper's section: heading, front block, body. */
function paperChildren(paper: Paper, ctx: RenderContext): ISectionOptions['children'] {
  return [...renderHeading(paper.heading, ctx), ...renderFront(paper.front, ctx), ...renderBlocks(paper.blocks, ctx)];
}

/** A section with `layout`'s page, margins and footer. Page numbers run on from the section before. */
function section(layout: HouseLayout, ctx: RenderContext, children: ISectionOptions['children'], newPage: boolean): ISectionOptions {
  const m = layout.marginsMm;
  return {
    properties: {
      ...(newPage ? { type: SectionType.NEXT_PAGE } : {}),
      page: {
        size: { width: mmToTwip(A4.widthMm), height: mmToTwip(A4.heightMm), orientation: PageOrientation.PORTRAIT },
        margin: {
          top: mmToTwip(m.top),
          right: mmToTwip(m.right),
          bottom: mmToTwip(m.bottom),
          left: mmToTwip(m.left),
          header: mmToTwip(Math.min(12.5, m.top / 2)),
          footer: mmToTwip(Math.min(12.5, m.bottom / 2)),
        },
      },
    },
    footers: { default: renderFooter(layout.footer, ctx.metrics) },
    children,
  };
}

function coreOptions(meta: DocumentMeta) {
  return {
    title: meta.title,
    subject: meta.subject ?? '',
    creator: meta.author,
    lastModifiedBy: meta.author,
    keywords: (meta.keywords ?? []).join(', '),
    revision: 1,
  };
}

/** Builds the docx Document of `paper` and the facts its post-processing needs. */
export function buildDocument(paper: Paper): { document: Document; tableCaptions: readonly string[]; images: ChartImages; remembered: RememberedPart[] } {
  const { layout, meta } = paper;
  const ctx = new RenderContext(layout);
  const children = paperChildren(paper, ctx);

  const styles = stylesOptions(layout, meta.lang, ctx.metrics);
  const document = new Document({
    ...coreOptions(meta),
    styles,
    numbering: numberingOptions(ctx.metrics, layout.font, listsOf(paper.blocks)),
    sections: [section(layout, ctx, children, false)],
  });
  return { document, tableCaptions: ctx.tableCaptions, images: ctx.images, remembered: rememberedParts(document, styles) };
}

/**
 * The parts of the package made from nothing but their options: the styles (from the
 * house layout, language and sizes) and docx's theme (no options). Their XML is kept
 * across documents (deterministic.ts), a tenth of a paper's DOCX.
 */
function rememberedParts(document: Document, styles: IStylesOptions): RememberedPart[] {
  return [
    { component: document.Styles, path: 'word/styles.xml', key: JSON.stringify(styles) },
    { component: document.Theme, path: 'word/theme/theme1.xml', key: 'docx default theme' },
  ];
}

/**
 * The files of `built`'s package, with what the rest of the writing needs. A function of its
 * own so that the docx Document (a long paper's whole object tree) is garbage once compiled: an
 * async function's locals stay alive across its awaits, and the DOCX writer then waits for the
 * charts' PNGs while the PDF is rendered (a 100-page paper's peak was 10-20 MiB higher).
 */
function compiled<T extends { document: Document; remembered: readonly RememberedPart[] }>(built: T): Omit<T, 'document' | 'remembered'> & { files: PackageFiles } {
  const { document, remembered, ...rest } = built;
  return { ...rest, files: compileDocument(document, remembered) };
}

/** Renders `paper` as a DOCX file. The same Paper gives the same bytes, whatever the clock. */
export async function renderDocx(paper: Paper): Promise<Uint8Array> {
  const { files, tableCaptions, images } = compiled(buildDocument(paper));
  return makeDeterministic(await images.fill(files), paper.meta, { tableCaptions });
}

/**
 * Builds the docx Document of `pack`: one section per part, each on a new page with its
 * paper's page, margins and footer, page numbers running on. Styles come from the first
 * part's layout (a part with other heading sizes gets them as direct formatting); each
 * part has its own lists, so its paragraph numbers start at 1 again.
 */
export function buildPackDocument(pack: Pack): { document: Document; tableCaptions: readonly string[]; bookmarks: readonly PartBookmarks[]; images: ChartImages; remembered: RememberedPart[] } {
  const first = pack.parts[0];
  if (!first) throw new Error('DOCX: the pack has no parts');
  const styleLayout = first.paper.layout;
  for (const part of pack.parts) {
    const l = part.paper.layout;
    if (l.font !== styleLayout.font || l.fontSize !== styleLayout.fontSize) {
      throw new Error(
        `DOCX: part "${part.id}" is set in ${l.font} ${l.fontSize} pt, part "${first.id}" in ${styleLayout.font} ${styleLayout.fontSize} pt; ` +
          'one Word document has one body font and size',
      );
    }
  }
  const bookmarks = partBookmarkNames(pack.parts.map((p) => p.id));
  const tableCaptions: string[] = [];
  const images = new ChartImages();
  const numbering = [];
  const sections: ISectionOptions[] = [];
  for (const [k, part] of pack.parts.entries()) {
    const ctx = new RenderContext(part.paper.layout, { numberingPrefix: `part${k + 1}-`, tableCaptions, bookmarks, styleLayout, images });
    const children = [...paperChildren(part.paper, ctx)];
    // A part ends with a paragraph, not a table: its end bookmark (the target of the
    // agenda's PAGEREF) must stand in the body, where every reader finds it.
    if (children[children.length - 1] instanceof Table) children.push(new Paragraph({ spacing: { before: 0, after: 0 } }));
    numbering.push(...paperNumbering(ctx.metrics, part.paper.layout.font, listsOf(part.paper.blocks), ctx.numberingPrefix));
    sections.push(section(part.paper.layout, ctx, children, true));
  }
  const styles = stylesOptions(styleLayout, pack.meta.lang, new RenderContext(styleLayout).metrics);
  const document = new Document({
    ...coreOptions(pack.meta),
    styles,
    numbering: { config: numbering },
    sections,
  });
  return { document, tableCaptions, bookmarks: pack.parts.map((p) => bookmarks.get(p.id)!), images, remembered: rememberedParts(document, styles) };
}

/**
 * Renders `pack` as one DOCX file: a section per part, bookmarks `<part>_start` / `<part>_end`
 * at each part's first and last paragraph, page references as PAGEREF fields to them.
 * The same Pack gives the same bytes, whatever the clock.
 */
export async function renderPackDocx(pack: Pack): Promise<Uint8Array> {
  const { files, tableCaptions, bookmarks, images } = compiled(buildPackDocument(pack));
  return makeDeterministic(await images.fill(files), pack.meta, { tableCaptions, partBookmarks: bookmarks });
}
