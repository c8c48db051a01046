/**
 * The shipped example reproduces the published CAMHS paper, read back from the DOCX and
 * the PDF by independent readers.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { example, root, run, tempProject } from './support/project.js';
import { docxParagraphs, docxParts, has, libreofficePdfPages, libreofficeText, pdffonts, pdfinfo, pdftotext } from './support/readers.js';
import { normalise, referenceLinks, referenceSentences } from './support/reference.js';

let dir: string;
let docx: string;
let pdf: string;

beforeAll(() => {
  dir = tempProject();
  const r = run(dir, ['build', example]);
  expect(r.status, r.stderr).toBe(0);
  docx = path.join(dir, 'output/camhs-contract-performance-2016-09.docx');
  pdf = path.join(dir, 'output/camhs-contract-performance-2016-09.pdf');
});

const sentences = referenceSentences();

describe('DOCX of the example paper', () => {
  it('has every sentence of the reference paper, figures included', async () => {
    const parts = await docxParts(docx);
    const text = normalise(docxParagraphs(parts['word/document.xml']).join(' '));
    expect(sentences.length).toBeGreaterThan(70);
    const missing = sentences.filter((s) => !text.includes(s));
    expect(missing).toEqual([]);
  });

  it('has the headings as Word headings, in order', async () => {
    const xml = (await docxParts(docx))['word/document.xml'];
    const headings = (xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? [])
      .filter((p) => /<w:pStyle w:val="Heading1"\/>/.test(p))
      .map((p) => docxParagraphs(p)[0].trim());
    expect(headings).toEqual([
      'Introduction', 'Background', 'Contract performance', 'Contract management', 'Commissioning update',
      'Procurement timeline', 'Financial Implications', 'Legal Implications', 'Conclusion', 'Recommendation',
      'Background Documents', 'Contact details',
    ]);
  });

  it('links the background documents', async () => {
    const parts = await docxParts(docx);
    const rels = parts['word/_rels/document.xml.rels'];
    for (const url of referenceLinks) expect(rels).toContain(url.replace(/&/g, '&amp;'));
    expect(parts['word/document.xml']).toMatch(/<w:hyperlink [^>]*r:id=/);
  });

  it('puts the paper\'s title and language in the core properties', async () => {
    const core = (await docxParts(docx))['docProps/core.xml'];
    expect(core).toContain('<dc:title>Child and Adolescent Mental Health Service Contract Performance</dc:title>');
    expect(core).toContain('en-GB');
  });

  it.skipIf(!has('soffice'))('opens in LibreOffice with each paragraph number next to its paragraph', () => {
    const text = libreofficeText(docx);
    expect(text).toMatch(/3\.1\.4\s+Currently \(September 2016\) there are 624 children and young people on the waiting list/);
    expect(text).toMatch(/1\.1\s+The current child and adolescent mental health service/);
    expect(text).toMatch(/3\.2\.2\s+73% of children and young people have an assessment within six weeks/);
    expect(text).toMatch(/5\.4\.2\s+The Council is one of just six Local Authorities/);
    expect(text).toMatch(/9\.2\s+The services described above/);
    expect(text).toMatch(/a\)\s+That Kent County Council enter into/);
    expect(text).toMatch(/b\)\s+To delegate authority/);
  });
});

describe('PDF of the example paper', () => {
  it('is tagged, A4, titled, in English', () => {
    const info = pdfinfo(pdf);
    expect(info.Tagged).toBe('yes');
    expect(info['Page size']).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(info.Title).toBe('Child and Adolescent Mental Health Service Contract Performance');
  });

  it('embeds every font', () => {
    const fonts = pdffonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f.emb, f.name).toBe('yes');
  });

  it('shows each paragraph number at the start of its paragraph\'s first line', () => {
    const text = pdftotext(pdf);
    expect(text).toMatch(/^\s*3\.1\.4\s+Currently \(September 2016\) there are 624/m);
    expect(text).toMatch(/^\s*3\.2\.1\s+In September 2016 there were 315 CiC/m);
    expect(text).toMatch(/^\s*11\.\s+Background Documents/m);
  });

  it('has every sentence of the reference paper', () => {
    // Page furniture (footers) is dropped before comparing running text.
    const text = normalise(pdftotext(pdf, false).replace(/^Page \d+ of \d+$/gm, ' ').replace(/\f/g, ' '));
    const missing = sentences.filter((s) => !text.includes(s));
    expect(missing).toEqual([]);
  });

  it.skipIf(!has('soffice'))('has within one page of what LibreOffice makes of the DOCX', () => {
    const ours = Number(pdfinfo(pdf).Pages);
    const theirs = libreofficePdfPages(docx);
    expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(1);
  });
});

describe('values from the data print literally', () => {
  it('a provider name full of markup characters comes out as written in DOCX and PDF', async () => {
    const d = tempProject();
    const name = 'Acme *Care* _Trust_ #1 <NHS> & [Partners]';
    const file = path.join(d, example);
    const src = readFileSync(file, 'utf8').replace('name: Sussex Partnership Foundation Trust', `name: "${name}"`);
    (await import('node:fs')).writeFileSync(file, src);
    const r = run(d, ['build', example]);
    expect(r.status, r.stderr).toBe(0);
    const parts = await docxParts(path.join(d, 'output/camhs-contract-performance-2016-09.docx'));
    const text = docxParagraphs(parts['word/document.xml']).join('\n');
    expect(text).toContain(`provided by ${name} (SPFT)`);
    const pdfText = normalise(pdftotext(path.join(d, 'output/camhs-contract-performance-2016-09.pdf'), false));
    expect(pdfText).toContain(`provided by ${name} (SPFT)`);
  });
});

describe('charts of the example paper', () => {
  it('the DOCX holds an SVG and a PNG per chart, each drawing with alt text and a caption', async () => {
    const JSZip = (await import('jszip')).default;
    const zip = await JSZip.loadAsync(readFileSync(docx));
    const media = Object.keys(zip.files).filter((f) => f.startsWith('word/media/'));
    expect(media.filter((f) => f.endsWith('.svg'))).toHaveLength(4);
    expect(media.filter((f) => f.endsWith('.png'))).toHaveLength(4);
    const xml = await zip.files['word/document.xml'].async('string');
    const descr = [...xml.matchAll(/<wp:docPr [^>]*descr="([^"]*)"/g)].map((m) => m[1]);
    expect(descr).toHaveLength(4);
    expect(descr[0]).toBe('Bar chart of monthly referrals, October 2015 to September 2016: average 910 a month, lowest 671 in August, highest 1,032 in May.');
    for (const d of descr) expect(d.length).toBeGreaterThan(40);
    const text = docxParagraphs(xml).join('\n');
    expect(text).toContain('Referrals averaged 910 a month; the lowest was 671 in August');
    expect(text).toContain('The waiting list fell from 980 to 624 in a year');
  });

  it('the PDF draws chart axis labels as real text', () => {
    const text = pdftotext(pdf, false);
    for (const label of ['Referrals', 'Children in care', 'Specialist CiC mental health team', 'Sep 2015']) expect(text).toContain(label);
  });

  // A process's first paper draws its charts on the main thread; from the second on the
  // chart worker thread starts, and draws them once it is ready. The bytes are the same.
  it('gives the same DOCX and PDF whether its charts were drawn on the main thread or the chart worker', () => {
    const script = `
      const dist = ${JSON.stringify(path.join(root, 'dist'))};
      const { buildOne } = await import(dist + '/batch/build-one.js');
      const { chartWorker } = await import(dist + '/charts/worker-client.js');
      const { clearChartCache } = await import(dist + '/charts/index.js');
      const { readFileSync } = await import('node:fs');
      const runs = [];
      for (let i = 0; i < 6 && !runs.some((r) => r.worker); i++) {
        clearChartCache();
        const worker = Boolean(chartWorker()?.ready);
        const out = 'out-' + i;
        const r = await buildOne(${JSON.stringify(example)}, { out, formats: ['docx', 'pdf'], write: true });
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        const bytes = (ext) => readFileSync(out + '/camhs-contract-performance-2016-09.' + ext).toString('base64');
        runs.push({ worker, docx: bytes('docx'), pdf: bytes('pdf') });
        await new Promise((resolve) => setTimeout(resolve, 500)); // time for the worker to get ready
      }
      process.stdout.write(JSON.stringify(runs));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.status, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout) as { worker: boolean; docx: string; pdf: string }[];
    expect(runs[0]!.worker).toBe(false);
    expect(runs.some((x) => x.worker)).toBe(true);
    for (const x of runs) {
      expect(x.pdf === runs[0]!.pdf, 'PDF').toBe(true);
      expect(x.docx === runs[0]!.docx, 'DOCX').toBe(true);
    }
  });

  // build --watch renders its PDFs on the PDF worker once that is ready (render/pdf/worker-client.ts).
  it('gives the same PDF from the PDF worker, fails an inaccessible paper there as here, and goes on without the worker once it stops', () => {
    const layout = 'templates/layouts/kent-cabinet-committee/layout.yaml';
    const script = `
      const dist = ${JSON.stringify(path.join(root, 'dist'))};
      const { buildOne } = await import(dist + '/batch/build-one.js');
      const { allowPdfWorker, pdfWorker } = await import(dist + '/render/pdf/worker-client.js');
      const { readFileSync, writeFileSync } = await import('node:fs');
      const build = async (out, formats = ['docx', 'pdf']) => buildOne(${JSON.stringify(example)}, { out, formats, write: true });
      const pdfOf = (out) => readFileSync(out + '/camhs-contract-performance-2016-09.pdf').toString('base64');
      const rendered = () => pdfWorker()?.rendered ?? 0;
      allowPdfWorker(true);
      const runs = [];
      for (let i = 0; i < 20 && rendered() === 0; i++) {
        const r = await build('out-pdfw-' + i);
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        runs.push({ worker: rendered(), pdf: pdfOf('out-pdfw-' + i) });
        if (rendered() === 0) await new Promise((resolve) => setTimeout(resolve, 500)); // time for the worker to get ready
      }
      const layout = readFileSync(${JSON.stringify(layout)}, 'utf8');
      writeFileSync(${JSON.stringify(layout)}, layout.replace('lang: en-GB', 'lang: ""'));
      const bad = await build('out-pdfw-bad', ['pdf']);
      writeFileSync(${JSON.stringify(layout)}, layout);
      const good = await build('out-pdfw-good');
      const beforeStop = rendered();
      // The worker stops while it renders a paper.
      const worker = pdfWorker();
      const render = worker.render.bind(worker);
      worker.render = (paper) => { const pdf = render(paper); void worker.worker.terminate(); return pdf; };
      const stopped = await build('out-pdfw-stopped');
      const after = await build('out-pdfw-after');
      process.stdout.write(JSON.stringify({
        runs, bad: bad.problems.map((p) => p.message), good: good.ok && pdfOf('out-pdfw-good'), beforeStop,
        stopped: stopped.ok && pdfOf('out-pdfw-stopped'), after: after.ok && pdfOf('out-pdfw-after'), afterStop: rendered(),
      }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { runs: { worker: number; pdf: string }[]; bad: string[]; good: string; beforeStop: number; stopped: string; after: string; afterStop: number };
    const published = readFileSync(pdf).toString('base64');
    expect(out.runs[0]!.worker).toBe(0);
    expect(out.runs.at(-1)!.worker).toBe(1);
    for (const x of out.runs) expect(x.pdf === published, 'PDF').toBe(true);
    // The worker refused the paper with the user's message, and took the next one.
    expect(out.bad.join('\n')).toMatch(/not written, as it would not be accessible: .*language/);
    expect(out.beforeStop).toBe(2);
    expect(out.good === published, 'PDF after a refused paper').toBe(true);
    // Stopped with a paper in hand: that PDF and the next are made on the main thread, the same bytes.
    expect(out.afterStop).toBe(2);
    expect(out.stopped === published, 'PDF the worker did not finish').toBe(true);
    expect(out.after === published, 'PDF without the worker').toBe(true);
  });

  // A batch lane hands every chart to its chart worker from the first paper on (batch/pool.ts).
  it('gives the same DOCX and PDF when a batch lane hands its first paper\'s charts to the worker', () => {
    const script = `
      const dist = ${JSON.stringify(path.join(root, 'dist'))};
      const { allowChartWorker, chartWorker } = await import(dist + '/charts/worker-client.js');
      const { buildOne } = await import(dist + '/batch/build-one.js');
      allowChartWorker(true, true);
      const atOnce = chartWorker()?.ready === true;
      const r = await buildOne(${JSON.stringify(example)}, { out: 'out-at-once', formats: ['docx', 'pdf'], write: true });
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      process.stdout.write(JSON.stringify({ atOnce, worker: chartWorker()?.ready === true }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ atOnce: true, worker: true });
    const built = (ext: string) => readFileSync(path.join(dir, 'out-at-once', `camhs-contract-performance-2016-09.${ext}`));
    expect(built('pdf').equals(readFileSync(pdf)), 'PDF').toBe(true);
    expect(built('docx').equals(readFileSync(docx)), 'DOCX').toBe(true);
  });
});
