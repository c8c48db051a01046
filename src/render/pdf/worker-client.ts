/**
 * The PDF worker thread, from the main thread's side. In a process that rebuilds papers as
 * their files change (build --watch), the PDF is rendered there while the main thread
 * renders the DOCX: the two writers rebuild whole documents from the model after any change,
 * and on their own threads a rebuild waits for the longer of them, not for both.
 *
 * Not for a run that builds papers and ends: the worker's start (an isolate loading pdfkit
 * and the fonts, its code compiled afresh) costs more than a paper's PDF, and a batch keeps
 * both cores busy already. So it is started after the first PDF the main thread renders,
 * with that paper to get ready on (worker.ts), and used once it is ready; until then, and if
 * it fails, PDFs are rendered on the main thread. The worker runs the same code on the same
 * model, so the PDF is the same bytes.
 */
import { workerEntry } from '../../bundle/running.js';
import { JobWorker, workerFileExists } from '../../bundle/worker-thread.js';
import type { Paper } from '../../document/model.js';
import { AccessibilityError } from './checks.js';
import type { PdfReply, PdfRequest } from './worker.js';

/** worker.ts, or its bundle when the CLI runs from its bundle. */
const WORKER_FILE = workerEntry(new URL('./worker.js', import.meta.url), 'pdf-worker');

/** The worker stopped: the PDF it was asked for is to be rendered on this thread. */
export class PdfWorkerGone extends Error {}

interface Job {
  resolve(pdf: Uint8Array): void;
  reject(err: Error): void;
}

/**
 * The model as it crosses to the worker: a figure's PNG (the DOCX's, perhaps still being
 * drawn: a promise) is not the PDF's to use, and a promise cannot be copied to a thread.
 */
function withoutPngs(paper: Paper): Paper {
  return { ...paper, blocks: paper.blocks.map((b) => (b.type === 'figure' ? { ...b, png: new Uint8Array(0) } : b)) };
}

export class PdfWorker extends JobWorker<Job, PdfReply> {
  /** PDFs the worker has rendered (for the tests). */
  rendered = 0;

  constructor() {
    super(WORKER_FILE, 'PDF worker');
  }

  protected abandon(job: Job, err: Error): void {
    job.reject(new PdfWorkerGone(err.message));
  }

  protected receive(job: Job, msg: Exclude<PdfReply, { type: 'ready' }>): void {
    this.done(msg.id);
    if (msg.type === 'done') {
      this.rendered++;
      job.resolve(msg.pdf);
    } else if (msg.type === 'inaccessible') job.reject(new AccessibilityError(msg.problems));
    else job.reject(new Error(`the PDF worker: ${msg.internal}`));
  }

  /** Start the worker if it is not, to get ready on `paper` (rendered on the main thread meanwhile). */
  warmUp(paper: Paper): void {
    if (this.broken || this.worker) return;
    const worker = this.start();
    worker.postMessage({ id: -1, paper: withoutPngs(paper), warmUp: true } satisfies PdfRequest);
    worker.unref(); // getting ready does not keep the process alive
  }

  /** `paper`'s PDF, rendered on the worker; rejects with PdfWorkerGone if the worker stops first. */
  render(paper: Paper): Promise<Uint8Array> {
    if (!this.worker || !this.ready) return Promise.reject(new PdfWorkerGone('the PDF worker is not ready'));
    const request = withoutPngs(paper);
    return new Promise<Uint8Array>((resolve, reject) => this.send({ resolve, reject }, (id) => ({ id, paper: request }) satisfies PdfRequest));
  }
}

let instance: PdfWorker | null | undefined;
let allowed = false;

/** Whether this process renders its PDFs on a PDF worker once it has one ready (build --watch sets it). */
export function allowPdfWorker(allow: boolean): void {
  allowed = allow;
}

/** The PDF worker, or null where there is none to start. */
export function pdfWorker(): PdfWorker | null {
  if (!allowed) return null;
  if (instance === undefined) {
    instance = workerFileExists(WORKER_FILE) ? new PdfWorker() : null;
  }
  return instance;
}
