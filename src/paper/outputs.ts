/**
 * Rendering a built paper to the chosen formats. Renderers are imported on first use,
 * so a DOCX-only run never loads pdfkit and a check never loads either.
 */
import path from 'node:path';
import { InputError } from '../data/errors.js';
import type { Paper } from '../document/model.js';

export type Format = 'docx' | 'pdf';
export const FORMATS: Format[] = ['docx', 'pdf'];

/**
 * `source` names the file the paper came from in messages: a paper the PDF writer
 * refuses as inaccessible (no title, language or alt text) is the user's to fix.
 */
export async function renderFormat(paper: Paper, format: Format, source = '(paper)'): Promise<Uint8Array> {
  if (format === 'docx') {
    const { renderDocx } = await import('../render/docx/index.js');
    return renderDocx(paper);
  }
  const { AccessibilityError, renderPdf } = await import('../render/pdf/index.js');
  try {
    return await renderPdf(paper);
  } catch (e) {
    if (e instanceof AccessibilityError) throw inaccessible(e.problems, source);
    throw e;
  }
}

/**
 * Import the writers of `formats` (and let them get ready) in the background: in a cold run
 * the paper's charts are drawn on the chart worker thread meanwhile, and the main thread
 * would only wait for them.
 */
export function warmUpRenderers(formats: readonly Format[]): void {
  const ignore = () => undefined;
  if (formats.includes('pdf')) import('../render/pdf/index.js').then((m) => m.warmUp(), ignore);
  if (formats.includes('docx')) import('../render/docx/index.js').catch(ignore);
}

/** The PDF writer's accessibility problems as the user's input error, against `file`. */
export function inaccessible(problems: string[], file: string): InputError {
  return new InputError(problems.map((message) => ({ file, message: `not written, as it would not be accessible: ${message.replace(/^PDF: /, '')}` })));
}

export function outputName(dataFile: string, outDir: string, format: Format): string {
  return path.join(outDir, `${path.basename(dataFile).replace(/\.ya?ml$/i, '')}.${format}`);
}
