/**
 * Rendering a built paper to the chosen formats. Renderers are imported on first use,
 * so a DOCX-only run never loads pdfkit and a check never loads either.
 */
import path from 'node:path';
import { InputError } from '../data/errors.js';
import type { Paper } from '../document/model.js';
import { pdfWorker, PdfWorkerGone } from '../render/pdf/worker-client.js';

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
  // Asked for before anything is awaited: the DOCX, rendered on this thread at the same time,
  // would otherwise hold the request up until its own document is built.
  const fromWorker = pdfFromWorker(paper);
  const { AccessibilityError, renderPdf } = await import('../render/pdf/index.js');
  try {
    const pdf = (await fromWorker) ?? (await renderPdf(paper));
    if (!fromWorker) pdfWorker()?.warmUp(paper);
    return pdf;
  } catch (e) {
    if (e instanceof AccessibilityError) throw inaccessible(e.problems, source);
    throw e;
  }
}

/**
 * `paper`'s PDF from the PDF worker, where the process has one ready (build --watch:
 * render/pdf/worker-client.ts); undefined where it has none, or it stopped (the PDF is then
 * rendered here, and a paper rendered here gets the worker ready if the process may have one).
 */
function pdfFromWorker(paper: Paper): Promise<Uint8Array | undefined> | undefined {
  const worker = pdfWorker();
  if (!worker?.ready) return undefined;
  return worker.render(paper).catch((e: unknown) => {
    if (e instanceof PdfWorkerGone) return undefined;
    throw e;
  });
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
