/**
 * The PDF worker thread (see worker-client.ts): papers in, PDF files out. pdfkit, the fonts
 * and the PDF writer's caches live here, so that in a long-running process the main thread
 * writes the DOCX while this thread writes the PDF.
 */
import { parentPort } from 'node:worker_threads';
import type { Paper } from '../../document/model.js';
import { codeCacheCheckpoint } from '../../bundle/running.js';
import { afterWork, collectBetweenRebuilds } from '../../bundle/young-generation.js';
import { AccessibilityError, renderPdf, warmUp } from './index.js';

const port = parentPort!;
// There is a PDF worker only in build --watch: it collects its young generation between papers.
collectBetweenRebuilds(true);

export type PdfRequest = { id: number; paper: Paper; warmUp?: false } | { id: -1; paper: Paper; warmUp: true };

export type PdfReply =
  | { id: number; type: 'done'; pdf: Uint8Array }
  | { id: number; type: 'inaccessible'; problems: string[] }
  | { id: number; type: 'failed'; internal: string }
  | { id: -1; type: 'ready' };

/**
 * Renders of a paper the main thread rendered itself, to get ready on: pdfkit's and the
 * layout's code is compiled here for this process's papers before the worker takes them over.
 * Two, not more: while it gets ready the worker shares the cores with the main thread, and a
 * save in the first seconds of watching was rebuilt some 100-250 ms later with four (its
 * later renders go on compiling the code, as the main thread's did).
 */
const WARM_UP_RENDERS = 2;
let warming: Promise<void> | undefined;

async function getReady(paper: Paper): Promise<void> {
  warmUp();
  for (let i = 0; i < WARM_UP_RENDERS; i++) await renderPdf(paper);
  port.postMessage({ id: -1, type: 'ready' } satisfies PdfReply);
  codeCacheCheckpoint();
}

async function render(id: number, paper: Paper): Promise<void> {
  try {
    const pdf = await renderPdf(paper);
    // Copied to the main thread, not transferred: a small file may sit in the Buffer pool.
    port.postMessage({ id, type: 'done', pdf } satisfies PdfReply);
  } catch (e) {
    if (e instanceof AccessibilityError) port.postMessage({ id, type: 'inaccessible', problems: e.problems } satisfies PdfReply);
    else port.postMessage({ id, type: 'failed', internal: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies PdfReply);
  }
}

port.on('message', (msg: PdfRequest) => {
  if (msg.warmUp) {
    warming ??= getReady(msg.paper).catch(() => {
      // not ready: the main thread goes on rendering its PDFs itself
    });
    return;
  }
  void afterWork(() => render(msg.id, msg.paper));
});
