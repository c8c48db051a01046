/**
 * Rendering a built paper to the chosen formats. Renderers are imported on first use,
 * so a DOCX-only run never loads pdfkit and a check never loads either.
 */
import path from 'node:path';
import type { Paper } from '../document/model.js';

export type Format = 'docx' | 'pdf';
export const FORMATS: Format[] = ['docx', 'pdf'];

export async function renderFormat(paper: Paper, format: Format): Promise<Uint8Array> {
  if (format === 'docx') {
    const { renderDocx } = await import('../render/docx/index.js');
    return renderDocx(paper);
  }
  const { renderPdf } = await import('../render/pdf/index.js');
  return renderPdf(paper);
}

export function outputName(dataFile: string, outDir: string, format: Format): string {
  return path.join(outDir, `${path.basename(dataFile).replace(/\.ya?ml$/i, '')}.${format}`);
}
