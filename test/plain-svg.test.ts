/**
 * Charts drawn straight from Vega's SVG (plain-svg.ts): which SVGs are read as plain, and
 * that a plain drawing looks as svg-to-pdfkit's drawing of the same SVG does (both pages
 * rasterised by poppler and compared pixel by pixel), with every label extracted whole.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderChart } from '../src/charts/index.js';
import type { Paper } from '../src/document/model.js';
import { renderPdf } from '../src/render/pdf/index.js';
import { plainSvg } from '../src/render/pdf/plain-svg.js';
import { fontsSvg } from './fixtures/pdf-papers.js';
import { sampleSvg } from './fixtures/sample-paper.js';
import { pdfFolder, run } from './support/pdf-files.js';

const save = pdfFolder('plain-svg');

const MONTHS = ['2015-10', '2015-11', '2015-12', '2016-01', '2016-02', '2016-03', '2016-04', '2016-05', '2016-06', '2016-07', '2016-08', '2016-09'];
const lineSpec = JSON.parse(readFileSync(new URL('./fixtures/charts-specs/two-series-line.vl.json', import.meta.url), 'utf8')) as unknown;
const lineValues = MONTHS.flatMap((month, i) => [
  { month, service: 'Mainstream', weeks: 10 + ((i * 7) % 9) },
  { month, service: 'Specialist', weeks: 4 + ((i * 5) % 6) },
]);
const barSpec = {
  data: { name: 'values' },
  mark: { type: 'bar', opacity: 0.8 },
  encoding: {
    x: { field: 'month', type: 'ordinal', axis: { labelAngle: -45 } },
    y: { field: 'referrals', type: 'quantitative', title: 'Monthly referrals' },
  },
};
const barValues = MONTHS.map((month, i) => ({ month, referrals: 600 + ((i * 131) % 500) }));
/** Bars cut off at the top of a fixed scale: Vega clips the marks to the plot (a clip path). */
const clippedSpec = {
  data: { name: 'values' },
  mark: { type: 'bar', clip: true },
  encoding: {
    x: { field: 'month', type: 'ordinal' },
    y: { field: 'referrals', type: 'quantitative', scale: { domain: [0, 900] } },
  },
};

async function vegaSvgs(): Promise<string[]> {
  const line = await renderChart({ id: 'line', file: 'line.vl.json', spec: lineSpec, values: lineValues });
  const bar = await renderChart({ id: 'bar', file: 'bar.vl.json', spec: barSpec, values: barValues });
  const clipped = await renderChart({ id: 'clipped', file: 'clipped.vl.json', spec: clippedSpec, values: barValues });
  return [line.svg, bar.svg, clipped.svg];
}

/**
 * Clip paths inside clip paths: a black square, clipped to its top-left quarter and then,
 * inside, to a band that crosses it, with one clip path of two rectangles (their union).
 */
const nestedClipSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">' +
  '<defs><clipPath id="outer"><rect x="0" y="0" width="100" height="50"/></clipPath>' +
  '<clipPath id="two"><rect x="10" y="0" width="20" height="200"/><rect x="60" y="0" width="20" height="200"/></clipPath></defs>' +
  '<g clip-path="url(#outer)"><g transform="translate(5,5)" clip-path="url(#two)"><rect x="0" y="0" width="200" height="100" fill="#000"/></g></g>' +
  '<rect x="150" y="60" width="20" height="20" fill="#000"/>' +
  '</svg>';

const figurePaper = (svg: string): Paper => {
  const [width, height] = [/width="([\d.]+)"/, /height="([\d.]+)"/].map((re) => Number(re.exec(svg)![1]));
  return {
    type: 'paper',
    meta: { title: 'A chart', author: 'Test', lang: 'en-GB', date: '2016-12-06' },
    layout: { font: 'Arial', fontSize: 12, headingSizes: [14, 12, 12], marginsMm: { top: 20, right: 20, bottom: 20, left: 20 }, footer: 'Page {page} of {pages}', numberColumnMm: 15 },
    front: [],
    blocks: [{ type: 'figure', id: 'chart', title: 'A chart', alt: 'A chart.', svg, png: new Uint8Array(), width: width!, height: height! }],
  };
};

/** `svg` with an empty <metadata/>: the same picture, but not plain, so svg-to-pdfkit draws it. */
const notPlain = (svg: string) => svg.replace(/(<svg\b[^>]*>)/, '$1<metadata/>');

/** The first page's pixels (grey, 8 bits, rows of `width`) as poppler draws them at `dpi`. */
function pixels(file: string, dpi: number): { data: Buffer; width: number } {
  run('pdftoppm', ['-r', String(dpi), '-gray', '-singlefile', '-f', '1', '-l', '1', file, file]);
  const pgm = readFileSync(`${file}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error(`pdftoppm wrote no greyscale image for ${file}`);
  return { data: pgm.subarray(header[0].length), width: Number(header[1]) };
}

const base = (inner: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">${inner}</svg>`;

describe('plainSvg', () => {
  it('reads the SVG Vega writes (lines, points, bars, rotated labels, opacity) as plain', async () => {
    for (const svg of [...(await vegaSvgs()), sampleSvg, fontsSvg]) {
      const plain = plainSvg(svg);
      expect(plain, svg.slice(0, 200)).not.toBeNull();
      const texts = plain!.items.flatMap((item) => (item.kind === 'text' ? [item.text] : []));
      const written = [...svg.matchAll(/<text\b[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
      expect(texts).toEqual(written.filter((t) => t.trim() !== ''));
    }
  });

  it('reads a clip path as the rectangles it lets through, in the coordinates of the element using it', () => {
    const plain = plainSvg(nestedClipSvg)!;
    expect(plain).not.toBeNull();
    const [square, small] = plain.items;
    expect(square!.clip!.quads).toEqual([
      [15, 5, 35, 5, 35, 205, 15, 205],
      [65, 5, 85, 5, 85, 205, 65, 205],
    ]);
    expect(square!.clip!.parent!.quads).toEqual([[0, 0, 100, 0, 100, 50, 0, 50]]);
    expect(small!.clip).toBeNull();
    // A clip path with nothing in it lets nothing through.
    const empty = plainSvg(base('<defs><clipPath id="c"/></defs><g clip-path="url(#c)"><rect width="10" height="10"/><text>gone</text></g>'))!;
    expect(empty.items).toEqual([]);
  });

  it('leaves text that is hidden, transparent or empty out, and shapes without paint', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50">' +
      '<g display="none"><text x="1" y="10">hidden group</text></g>' +
      '<text x="1" y="20" opacity="0">transparent</text>' +
      '<text x="1" y="30" fill="none">unfilled</text>' +
      '<text x="1" y="40"> </text>' +
      '<path d="M0,0h10v10h-10Z" fill="none"/>' +
      '<line x1="0" y1="0" x2="10" y2="0"/>' +
      '<text x="1" y="45" fill="#123">shown &amp; kept</text>' +
      '</svg>';
    const plain = plainSvg(svg)!;
    expect(plain.items.map((i) => (i.kind === 'text' ? i.text : i.kind))).toEqual(['shown & kept']);
  });

  it.each([
    ['a gradient', base('<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs><rect width="10" height="10" fill="url(#g)"/>')],
    ['a clip path that is not defined', base('<g clip-path="url(#c)"><rect width="10" height="10"/></g><defs><clipPath id="d"><rect width="5" height="5"/></clipPath></defs>')],
    ['a round clip path', base('<defs><clipPath id="c"><circle r="5"/></clipPath></defs><g clip-path="url(#c)"><rect width="10" height="10"/></g>')],
    ['a clip path in bounding-box units', base('<defs><clipPath id="c" clipPathUnits="objectBoundingBox"><rect width="0.5" height="0.5"/></clipPath></defs><g clip-path="url(#c)"><rect width="10" height="10"/></g>')],
    ['a transformed clip rectangle', base('<defs><clipPath id="c"><rect width="5" height="5" transform="rotate(10)"/></clipPath></defs><g clip-path="url(#c)"><rect width="10" height="10"/></g>')],
    ['a gradient among the definitions', base('<defs><clipPath id="c"><rect width="5" height="5"/></clipPath><linearGradient id="g"/></defs>')],
    ['an image', base('<image href="x.png" width="10" height="10"/>')],
    ['a link', base('<a href="https://example.org"><text>link</text></a>')],
    ['CSS', base('<rect width="10" height="10" style="fill:red"/>')],
    ['a tspan', base('<text><tspan x="0" dy="1em">two</tspan></text>')],
    ['outlined text', base('<g stroke="black"><text>outlined</text></g>')],
    ['per-glyph positions', base('<text x="0 10 20">abc</text>')],
    ['group opacity', base('<g opacity="0.5"><rect width="10" height="10"/></g>')],
    ['an hsl colour', base('<rect width="10" height="10" fill="hsl(0, 50%, 50%)"/>')],
    ['a zero dash', base('<line x2="10" stroke="black" stroke-dasharray="0,4"/>')],
    ['a skew', base('<rect width="10" height="10" transform="skewX(10)"/>')],
    ['an offset viewBox', '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="10 0 100 50"/>'],
    ['single-quoted attributes', base("<rect width='10' height='10'/>")],
    ['a second root', `${base('')}<svg/>`],
  ])('leaves an SVG with %s to svg-to-pdfkit', (_what, svg) => {
    expect(plainSvg(svg)).toBeNull();
  });
});

describe('a plain chart in the PDF', () => {
  it('looks as svg-to-pdfkit draws it, and every label is extracted whole', async () => {
    const svgs = [...(await vegaSvgs()), fontsSvg, nestedClipSvg];
    expect(svgs[2]).toMatch(/<clipPath/);
    for (const svg of svgs) {
      expect(plainSvg(svg)).not.toBeNull();
      expect(plainSvg(notPlain(svg))).toBeNull();
      const plain = save(await renderPdf(figurePaper(svg)));
      const reference = save(await renderPdf(figurePaper(notPlain(svg))));
      const [{ data: a, width }, { data: b }] = [pixels(plain, 100), pixels(reference, 100)];
      expect(a.length).toBe(b.length);
      // svg-to-pdfkit clips with a soft mask, whose edges poppler anti-aliases inside a
      // group, and the plain drawing with a clipping path: along a clipped mark's edges the
      // two may differ by a pixel. So a pixel is compared with the reference's nearest match
      // among the pixels at its place and next to it: what is missing or moved still shows.
      const nearest = (i: number): number => {
        let best = 255;
        for (const dy of [0, -width, width]) for (const dx of [0, -1, 1]) {
          const r = b[i + dy + dx];
          if (r !== undefined) best = Math.min(best, Math.abs(a[i]! - r));
        }
        return best;
      };
      let far = 0;
      let total = 0;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        const d = nearest(i);
        total += d;
        if (d > 96) far++;
      }
      // Anti-aliasing differs where svg-to-pdfkit rounds; nothing is missing or moved.
      expect(far, 'pixels far from the reference').toBeLessThan(20);
      expect(total / a.length, 'mean difference').toBeLessThan(0.05);
      const text = run('pdftotext', [plain, '-']);
      for (const m of svg.matchAll(/<text\b[^>]*>([^<]+)<\/text>/g)) expect(text).toContain(m[1]!.replace(/&amp;/g, '&'));
    }
  });

  it('draws a paper with a plain chart to the same bytes every time', async () => {
    const [svg] = await vegaSvgs();
    const first = Buffer.from(await renderPdf(figurePaper(svg!)));
    expect(Buffer.from(await renderPdf(figurePaper(fontsSvg))).equals(first)).toBe(false);
    expect(Buffer.from(await renderPdf(figurePaper(svg!))).equals(first)).toBe(true);
  });
});
