/**
 * DOCX writer: a Paper (the document model) to a Word document, byte for byte the same
 * for the same Paper. Reads only the model.
 */
import { Document, Packer, PageOrientation } from 'docx';
import type { Paper } from '../../document/model.js';
import { listsOf, renderBlocks } from './blocks.js';
import { RenderContext } from './context.js';
import { makeDeterministic } from './deterministic.js';
import { renderFooter } from './footer.js';
import { renderFront, renderHeading } from './front.js';
import { numberingOptions } from './numbering.js';
import { stylesOptions } from './styles.js';
import { A4, mmToTwip } from './units.js';

/** Builds the docx Document of `paper` and the facts its post-processing needs. */
export function buildDocument(paper: Paper): { document: Document; tableCaptions: readonly string[] } {
  const { layout, meta } = paper;
  const ctx = new RenderContext(layout);
  const m = layout.marginsMm;
  const children = [...renderHeading(paper.heading, ctx), ...renderFront(paper.front, ctx), ...renderBlocks(paper.blocks, ctx)];

  const document = new Document({
    title: meta.title,
    subject: meta.subject ?? '',
    creator: meta.author,
    lastModifiedBy: meta.author,
    keywords: (meta.keywords ?? []).join(', '),
    revision: 1,
    styles: stylesOptions(layout, meta.lang, ctx.metrics),
    numbering: numberingOptions(ctx.metrics, layout.font, listsOf(paper.blocks)),
    sections: [
      {
        properties: {
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
      },
    ],
  });
  return { document, tableCaptions: ctx.tableCaptions };
}

/** Renders `paper` as a DOCX file. The same Paper gives the same bytes, whatever the clock. */
export async function renderDocx(paper: Paper): Promise<Uint8Array> {
  const { document, tableCaptions } = buildDocument(paper);
  const packed = await Packer.toBuffer(document);
  return makeDeterministic(packed, paper.meta, { tableCaptions });
}
