/**
 * Charts' PNGs (each SVG's fallback) in the DOCX. A chart's PNG may still be being drawn,
 * off the JavaScript thread, when the DOCX is built; the document does not need its bytes
 * until they are zipped. So each figure's ImageRun gets a stand-in, and the PNG takes the
 * stand-in's place among the package's files after docx has compiled the document: the
 * DOCX is built while the PNGs are drawn, not after.
 *
 * One stand-in per distinct SVG: docx stores equal images once, and equal SVGs have equal
 * PNGs, so a chart placed twice is still stored once.
 */
import type { Figure } from '../../document/model.js';
import type { PackageFiles } from './deterministic.js';

const MARK = 'committee-papers: the PNG of chart ';

export class PngSlots {
  /** By SVG: the stand-in's text and the PNG (or its promise). */
  private readonly bySvg = new Map<string, { standIn: string; png: Figure['png']; id: string }>();
  /** By stand-in text: the SVG's slot. */
  private readonly byStandIn = new Map<string, { png: Figure['png']; id: string }>();

  /** The stand-in bytes for `figure`'s PNG. */
  standIn(figure: Pick<Figure, 'svg' | 'png' | 'id'>): Uint8Array {
    let slot = this.bySvg.get(figure.svg);
    if (!slot) {
      slot = { standIn: `${MARK}${this.bySvg.size + 1}`, png: figure.png, id: figure.id };
      this.bySvg.set(figure.svg, slot);
      this.byStandIn.set(slot.standIn, slot);
    }
    return Buffer.from(slot.standIn, 'latin1');
  }

  /** `files` with every stand-in replaced by its PNG, once each is drawn. */
  async fill(files: PackageFiles): Promise<PackageFiles> {
    const out = new Map(files);
    const filled = new Set<string>();
    for (const [name, data] of files) {
      if (!(data instanceof Uint8Array) || data.length > MARK.length + 12 || data.length < MARK.length) continue;
      const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
      const slot = this.byStandIn.get(text);
      if (!slot) continue;
      const png = await slot.png;
      if (!(png instanceof Uint8Array)) throw new Error(`DOCX: figure "${slot.id}" has no PNG`);
      out.set(name, png);
      filled.add(text);
    }
    for (const text of this.byStandIn.keys()) {
      if (!filled.has(text)) throw new Error(`DOCX: docx did not store the PNG of figure "${this.byStandIn.get(text)!.id}"`);
    }
    return out;
  }
}
