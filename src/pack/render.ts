/**
 * Laying out a pack until the agenda's page ranges are the real ones: lay out with
 * placeholders, read where each paper starts and ends, rebuild the agenda with those
 * numbers, and lay out again until nothing moves (an agenda that grows a page shifts
 * every paper after it).
 */
import type { Pack } from '../document/model.js';
import type { BuildPaperOptions } from '../paper/build.js';
import { inaccessible } from '../paper/outputs.js';
import { assemblePack, placeholderRanges, type PackSource, type PageRanges } from './build.js';

export interface LaidOutPack {
  pack: Pack;
  pdf: Uint8Array;
  pages: PageRanges;
  passes: number;
}

const same = (a: PageRanges, b: PageRanges) => JSON.stringify(a) === JSON.stringify(b);

export async function layOutPack(source: PackSource, options: Omit<BuildPaperOptions, 'pages'>): Promise<LaidOutPack> {
  const { AccessibilityError, renderPackPdf } = await import('../render/pdf/index.js');
  let shown = placeholderRanges(source);
  for (let pass = 1; pass <= 5; pass++) {
    const pack = await assemblePack(source, shown, options);
    let out;
    try {
      out = await renderPackPdf(pack);
    } catch (e) {
      if (!(e instanceof AccessibilityError)) throw e;
      throw inaccessible(e.problems, source.file);
    }
    const actual: PageRanges = Object.fromEntries(Object.entries(out.pages).filter(([id]) => id in shown));
    if (same(actual, shown)) return { pack, pdf: out.bytes, pages: out.pages, passes: pass };
    shown = actual;
  }
  throw new Error('the pack\'s page ranges did not settle after 5 layouts');
}
