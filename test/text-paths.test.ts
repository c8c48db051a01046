/**
 * A chart's PNG is drawn from its SVG with the text turned into glyph outlines
 * (src/charts/text-paths.ts): it must look as resvg draws the text itself, and text it does
 * not know must be left to resvg.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearChartCache, renderChart, type ChartInput } from '../src/charts/index.js';
import { resvgOptions } from '../src/charts/png.js';
import { textAsPaths } from '../src/charts/text-paths.js';
import { loadChartStage } from '../src/cli/charts.js';
import { buildPaper } from '../src/paper/build.js';
import type { Block, Figure } from '../src/document/model.js';
import { root } from './support/project.js';

const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');

function pixels(svg: string): Uint8Array {
  return new Resvg(svg, resvgOptions(svg)).render().pixels;
}

/** How many of the two images' channel values differ, as a share of all, and by how much at most. */
function difference(a: Uint8Array, b: Uint8Array): { share: number; max: number } {
  expect(a.length).toBe(b.length);
  let n = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d) {
      n++;
      max = Math.max(max, d);
    }
  }
  return { share: n / a.length, max };
}

function figures(blocks: readonly Block[]): Figure[] {
  return blocks.flatMap((b) => (b.type === 'figure' ? [b] : []));
}

/** A chart with bold labels, an italic axis title, and labels with characters XML escapes. */
const awkward: ChartInput = {
  id: 'awkward',
  file: 'templates/papers/test/charts/awkward.vl.json',
  spec: {
    data: { name: 'values' },
    mark: 'bar',
    encoding: {
      x: { field: 'team', type: 'nominal', title: 'Team (A & B)', axis: { labelFontWeight: 'bold', titleFontStyle: 'italic' } },
      y: { field: 'spend', type: 'quantitative', title: 'Spend, £' },
    },
  },
  values: [
    { team: 'Children’s & young people', spend: 1_200_000 },
    { team: 'Adults <65', spend: 800_000 },
    { team: '“Other”', spend: 150_000 },
  ],
};

describe('textAsPaths', () => {
  it('draws the charts of the example papers, and bold, italic and escaped text, as resvg draws their text', async () => {
    const svgs: string[] = [];
    for (const file of ['data/camhs-contract-performance-2016-09.yaml', 'data/camhs-section-76-2019-01.yaml']) {
      const built = await buildPaper(path.join(root, file), { charts: loadChartStage });
      svgs.push(...figures(built.paper.blocks).map((f) => f.svg));
    }
    clearChartCache();
    const drawn = await renderChart(awkward);
    expect(drawn.svg).toMatch(/font-weight="bold"/);
    expect(drawn.svg).toMatch(/font-style="italic"/);
    expect(drawn.svg).toContain('&amp;');
    expect(drawn.svg).toContain('&lt;');
    svgs.push(drawn.svg);
    expect(svgs.length).toBe(6);

    for (const svg of svgs) {
      const outlined = textAsPaths(svg);
      expect(outlined).not.toBeNull();
      expect(outlined).not.toContain('<text');
      const { share, max } = difference(pixels(outlined!), pixels(svg));
      // The same outlines filled the same way; float rounding of their positions may move the
      // anti-aliasing of an edge pixel a little (measured: at most 6 of 2.8 million values).
      expect(share).toBeLessThan(1e-5);
      if (share > 0) expect(max).toBeLessThan(64);
    }
  });

  it('draws no outlines for labels Vega hid (opacity 0), and keeps the paint of the others', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">' +
      '<text text-anchor="end" transform="translate(50,20)" font-family="Arimo" font-size="12px" fill="#0b0c0c" opacity="0">Hidden</text>' +
      '<text text-anchor="middle" transform="translate(50,30)" font-family="Arimo" font-size="12px" fill="#005EA5" fill-opacity="0.5" opacity="1">Shown</text>' +
      '</svg>';
    const outlined = textAsPaths(svg)!;
    expect(outlined.match(/<g /g)).toHaveLength(1);
    expect(outlined).toContain('fill="#005EA5" fill-opacity="0.5" opacity="1"');
    expect(difference(pixels(outlined), pixels(svg)).share).toBeLessThan(1e-3);
  });

  it.each([
    ['a tspan', '<text x="5" y="20" font-size="12"><tspan x="5" dy="1.2em">two</tspan></text>'],
    ['per-glyph positions', '<text x="5 12 19" y="20" font-size="12">abc</text>'],
    ['a baseline of its own', '<text x="5" y="20" font-size="12" dominant-baseline="middle">abc</text>'],
    ['a stroke', '<text x="5" y="20" font-size="12" stroke="red">abc</text>'],
    ['a font set on its group', '<g font-size="20"><text x="5" y="20">abc</text></g>'],
    ['right-to-left letters', '<text x="5" y="20" font-size="12">שלום</text>'],
  ])('leaves text with %s to resvg', (_why, text) => {
    expect(textAsPaths(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">${text}</svg>`)).toBeNull();
  });

  it('leaves an SVG without text as it is', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="10" height="10" fill="#005EA5"/></svg>';
    expect(textAsPaths(svg)).toBe(svg);
  });
});
