/**
 * Charts' images in the DOCX: each figure's SVG and its PNG fallback. docx names an image
 * by a SHA-1 of its bytes, computed in JavaScript (a chart's SVG is tens of kilobytes), and
 * a chart's PNG may still be being drawn, off the JavaScript thread, when the DOCX is built;
 * the document needs neither's bytes until they are zipped. So each figure's ImageRun gets
 * short stand-ins, and the SVG and PNG take their places among the package's files after
 * docx has compiled the document: the DOCX is built while the PNGs are drawn, not after.
 *
 * One pair of stand-ins per distinct SVG: docx stores equal images once, and equal SVGs have
 * equal PNGs, so a chart placed twice is still stored once.
 */
import type { Figure } from '../../document/model.js';
import type { PackageFiles } from './deterministic.js';

const MARK = 'committee-papers: chart image ';

interface Slot {
  svg: string;
  png: Figure['png'];
  id: string;
  /** The stand-ins' texts: `${MARK}${n} svg` and `${MARK}${n} png`. */
  svgStandIn: string;
  pngStandIn: string;
}

export class ChartImages {
  /** By SVG: the chart's slot. */
  private readonly bySvg = new Map<string, Slot>();
  /** By stand-in text: the slot, and which of its images the stand-in is. */
  private readonly byStandIn = new Map<string, { slot: Slot; kind: 'svg' | 'png' }>();

  private slot(figure: Pick<Figure, 'svg' | 'png' | 'id'>): Slot {
    let slot = this.bySvg.get(figure.svg);
    if (!slot) {
      const n = this.bySvg.size + 1;
      slot = { svg: figure.svg, png: figure.png, id: figure.id, svgStandIn: `${MARK}${n} svg`, pngStandIn: `${MARK}${n} png` };
      this.bySvg.set(figure.svg, slot);
      this.byStandIn.set(slot.svgStandIn, { slot, kind: 'svg' });
      this.byStandIn.set(slot.pngStandIn, { slot, kind: 'png' });
    }
    return slot;
  }

  /** The stand-in bytes for `figure`'s SVG. */
  svg(figure: Pick<Figure, 'svg' | 'png' | 'id'>): Uint8Array {
    return Buffer.from(this.slot(figure).svgStandIn, 'latin1');
  }

  /** The stand-in bytes for `figure`'s PNG. */
  png(figure: Pick<Figure, 'svg' | 'png' | 'id'>): Uint8Array {
    return Buffer.from(this.slot(figure).pngStandIn, 'latin1');
  }

  /** `files` with every stand-in replaced by its image, once each PNG is drawn. */
  async fill(files: PackageFiles): Promise<PackageFiles> {
    const out = new Map(files);
    const filled = new Set<string>();
    for (const [name, data] of files) {
      if (!(data instanceof Uint8Array) || data.length > MARK.length + 16 || data.length < MARK.length) continue;
      const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
      const found = this.byStandIn.get(text);
      if (!found) continue;
      const { slot, kind } = found;
      if (kind === 'svg') out.set(name, Buffer.from(slot.svg, 'utf8'));
      else {
        const png = await slot.png;
        if (!(png instanceof Uint8Array)) throw new Error(`DOCX: figure "${slot.id}" has no PNG`);
        out.set(name, png);
      }
      filled.add(text);
    }
    for (const [text, { slot, kind }] of this.byStandIn) {
      if (!filled.has(text)) throw new Error(`DOCX: docx did not store the ${kind.toUpperCase()} of figure "${slot.id}"`);
    }
    return out;
  }
}
