import { Resvg } from '@resvg/resvg-js';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { ChartError, clearChartCache, describeChart, drawChart, PALETTE, renderChart, type ChartInput } from '../src/charts/index.js';
import { emWidth } from '../src/charts/text-metrics.js';
import { resvgOptions } from '../src/charts/png.js';
import { textAsPaths } from '../src/charts/text-paths.js';
import { readPng } from './support/png.js';

// Each render below draws for real, not from the process's chart cache.
beforeEach(() => clearChartCache());

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtureDir = path.join(here, 'fixtures', 'charts-specs');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(fixtureDir, name), 'utf8')) as Record<string, unknown>;

const MONTHS = ['2015-10', '2015-11', '2015-12', '2016-01', '2016-02', '2016-03', '2016-04', '2016-05', '2016-06', '2016-07', '2016-08', '2016-09'];
// Sum 10,922: average 910.17, which rounds to 910. Lowest in August, highest in May.
const REFERRALS = [900, 950, 800, 920, 940, 980, 910, 1032, 1000, 880, 671, 939];
const monthly = (nums: number[]) => MONTHS.map((month, i) => ({ month, referrals: nums[i]! }));

const barSpec = {
  data: { name: 'values' },
  mark: 'bar',
  encoding: {
    x: { field: 'month', type: 'ordinal', timeUnit: 'yearmonth', axis: { format: '%b %Y' } },
    y: { field: 'referrals', type: 'quantitative', title: 'Monthly referrals' },
  },
};

const FILE = 'templates/papers/test/charts/referrals.vl.json';
const input = (spec: unknown, values: Record<string, unknown>[] = monthly(REFERRALS)): ChartInput => ({
  id: 'referrals',
  file: FILE,
  spec,
  values,
});

/** The rejection of a render, as a ChartError (fails the test if it resolved or threw something else). */
async function chartError(promise: Promise<unknown>): Promise<ChartError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChartError);
  return err as ChartError;
}

/** `<text ...attrs>content</text>` elements of an SVG. */
function texts(svg: string): { attrs: string; content: string }[] {
  return [...svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)].map((m) => ({ attrs: m[1]!, content: m[2]! }));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('renderChart', () => {
  it('draws a bar chart as SVG whose axis labels are <text> in Arimo', async () => {
    const out = await renderChart(input(barSpec));
    const labels = texts(out.svg);
    for (const label of ['Oct 2015', 'May 2016', 'Sep 2016', '1,000', 'Monthly referrals']) {
      const t = labels.find((x) => x.content === label);
      expect(t, label).toBeDefined();
      expect(t!.attrs).toContain('font-family="Arimo"');
    }
    // Every piece of text is in Arimo, nothing else.
    expect(labels.length).toBeGreaterThan(10);
    expect(labels.every((t) => t.attrs.includes('font-family="Arimo"'))).toBe(true);
    // House look: white background, first palette colour for the bars, fitted to the default width.
    expect(out.svg).toMatch(/^<svg[^>]* width="600"/);
    expect(out.svg).toContain('<rect width="600" height="' + out.height + '" fill="white"/>');
    expect(out.svg).toContain(`fill="${PALETTE[0]}"`);
    expect(out.width).toBe(600);
    expect(out.height).toBeGreaterThan(300);
  });

  it('fits the chart to the width asked for', async () => {
    const out = await renderChart({ ...input(barSpec), width: 420 });
    expect(out.width).toBe(420);
    expect(out.svg).toMatch(/^<svg[^>]* width="420"/);
  });

  it('writes a PNG at twice the SVG size', async () => {
    const out = await renderChart(input(barSpec));
    expect([...out.png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const view = new DataView(out.png.buffer, out.png.byteOffset, out.png.byteLength);
    expect(view.getUint32(16)).toBe(Math.ceil(out.width * 2)); // IHDR width
    expect(view.getUint32(20)).toBe(Math.ceil(out.height * 2)); // IHDR height
  });

  it('gives identical SVG and PNG for the same spec and values, also with clip ids and concurrent renders', async () => {
    const clipped = { ...barSpec, mark: { type: 'bar', clip: true } };
    const a = await renderChart(input(clipped));
    await renderChart(input(fixture('two-series-line.vl.json'), lineValues()));
    clearChartCache();
    const [b, c] = await Promise.all([renderChart(input(clipped)), renderChart({ ...input(clipped), id: 'second' })]);
    expect(a.svg).toContain('clip-path="url(#clip1)"');
    for (const other of [b, c]) {
      expect(other.svg).toBe(a.svg);
      expect(Buffer.from(other.png).equals(Buffer.from(a.png))).toBe(true);
    }
  });

  it('draws the same chart whatever the machine’s time zone (dates are read in UTC)', async () => {
    const spec = fixture('monthly-bar-average.vl.json');
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = await renderChart(input(spec));
      const utcLine = await renderChart(input(fixture('two-series-line.vl.json'), lineValues()));
      process.env.TZ = 'America/New_York';
      expect(new Date(Date.UTC(2016, 0, 1)).getMonth()).toBe(11); // the zone really changed
      clearChartCache();
      const ny = await renderChart(input(spec));
      const nyLine = await renderChart(input(fixture('two-series-line.vl.json'), lineValues()));
      process.env.TZ = 'Europe/London';
      clearChartCache();
      const london = await renderChart(input(fixture('two-series-line.vl.json'), lineValues()));
      expect(texts(ny.svg).map((t) => t.content)).toContain('Oct 2015');
      expect(ny.svg).toBe(utc.svg);
      expect(nyLine.svg).toBe(utcLine.svg);
      expect(london.svg).toBe(utcLine.svg);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('drops the title: titles are written in the document', async () => {
    const out = await renderChart(input({ ...barSpec, title: 'A title inside the image' }));
    expect(out.svg).not.toContain('A title inside the image');
  });

  it('measures text with the Arimo metrics, not the 0.8 x size guess', async () => {
    await renderChart(input(barSpec));
    const vega = (await import('vega')) as unknown as {
      textMetrics: { width: (item: object, text: string) => number };
    };
    // Arimo (= Arial) digits are 1139/2048 em, the comma 569/2048 em.
    expect(vega.textMetrics.width({ fontSize: 11 }, '1,000')).toBeCloseTo(((4 * 1139 + 569) / 2048) * 11, 3);
    expect(vega.textMetrics.width({ fontSize: 11, fontWeight: 'bold' }, 'Referrals')).toBeGreaterThan(
      vega.textMetrics.width({ fontSize: 11 }, 'Referrals'),
    );
  });

  it('does not change the caller’s values or spec', async () => {
    const values = monthly(REFERRALS);
    const before = JSON.stringify(values);
    const spec = fixture('monthly-bar-average.vl.json');
    const specBefore = JSON.stringify(spec);
    await renderChart(input(spec, values));
    expect(JSON.stringify(values)).toBe(before);
    expect(Object.getOwnPropertySymbols(values[0]!)).toEqual([]);
    expect(JSON.stringify(spec)).toBe(specBefore);
  });

  it('draws the fixture charts (bar with average rule, two-series line) in the house palette', async () => {
    const bar = await renderChart(input(fixture('monthly-bar-average.vl.json')));
    expect(texts(bar.svg).map((t) => t.content)).toContain('Dashed line: average 910 a month');
    const line = await renderChart(input(fixture('two-series-line.vl.json'), lineValues()));
    expect(line.svg).toContain(`stroke="${PALETTE[0]}"`);
    expect(line.svg).toContain(`stroke="${PALETTE[1]}"`);
    expect(line.svg).toContain('stroke-dasharray="8,4"'); // second series dashed
    expect(line.warnings).toEqual([]);
  });
});

describe('renderChart refuses', () => {
  it('data.url', async () => {
    const err = await chartError(renderChart(input({ ...barSpec, data: { url: '/etc/passwd' } })));
    expect(err.message).toContain(`${FILE}: chart "referrals": `);
    expect(err.message).toContain('"url" is not allowed (at data.url)');
  });

  it('a layer’s data.url', async () => {
    const spec = {
      data: { name: 'values' },
      layer: [barSpec, { data: { url: 'https://example.org/x.csv' }, mark: 'rule', encoding: { y: { field: 'referrals', type: 'quantitative' } } }],
    };
    const err = await chartError(renderChart(input(spec)));
    expect(err.message).toContain(FILE);
    expect(err.message).toContain('layer[1].data.url');
  });

  it('an image mark with a url', async () => {
    const spec = {
      mark: 'image',
      encoding: { x: { field: 'month', type: 'ordinal' }, url: { value: '/etc/hosts' } },
    };
    const err = await chartError(renderChart(input(spec)));
    expect(err.message).toContain(FILE);
    expect(err.message).toContain('encoding.url');
    const noUrl = await chartError(renderChart(input({ mark: 'image', encoding: { x: { field: 'month', type: 'ordinal' } } })));
    expect(noUrl.message).toContain('image marks are not allowed');
  });

  it('inline values and other data sources in the spec', async () => {
    const inline = await chartError(renderChart(input({ ...barSpec, data: { values: [{ month: '2016-01', referrals: 1 }] } })));
    expect(inline.message).toContain(`${FILE}: chart "referrals": data at data has inline values`);
    const layerData = await chartError(
      renderChart(input({ layer: [{ ...barSpec, data: { sequence: { start: 0, stop: 3 } } }] })),
    );
    expect(layerData.message).toContain('data at layer[0].data');
  });

  it('an invalid spec (mark "barr")', async () => {
    const err = await chartError(renderChart(input({ ...barSpec, mark: 'barr' })));
    expect(err.message).toMatch(new RegExp(`^${FILE}: chart "referrals": not a valid Vega-Lite spec: unknown mark type "barr"`));
  });

  it('a spec Vega-Lite cannot compile', async () => {
    const err = await chartError(
      renderChart(input({ ...barSpec, encoding: { x: { field: 'month', type: 'ordinall' } } })),
    );
    expect(err.message).toContain(`${FILE}: chart "referrals": not a valid Vega-Lite spec: `);
  });

  it('a field the values lack, naming it and the fields there are', async () => {
    const spec = { ...barSpec, encoding: { ...barSpec.encoding, y: { field: 'refferals', type: 'quantitative' } } };
    const err = await chartError(renderChart(input(spec)));
    expect(err.message).toBe(
      `${FILE}: chart "referrals": field "refferals" (encoding.y) is not in the chart's data (fields: month, referrals)`,
    );
  });

  it('a missing field in a layer, a tooltip or a colour condition', async () => {
    const layered = { layer: [barSpec, { mark: 'rule', encoding: { y: { field: 'target', type: 'quantitative' } } }] };
    expect((await chartError(renderChart(input(layered)))).message).toContain('field "target" (layer[1].encoding.y)');
    const tooltip = { ...barSpec, encoding: { ...barSpec.encoding, tooltip: [{ field: 'month' }, { field: 'note' }] } };
    expect((await chartError(renderChart(input(tooltip)))).message).toContain('field "note" (encoding.tooltip[1])');
  });

  it('but accepts fields made by transforms', async () => {
    const spec = {
      transform: [
        { calculate: 'datum.referrals / 10', as: 'tens' },
        { fold: ['referrals', 'tens'] },
      ],
      mark: 'line',
      encoding: {
        x: { field: 'month', type: 'temporal' },
        y: { field: 'value', type: 'quantitative' },
        color: { field: 'key', type: 'nominal' },
      },
    };
    const out = await renderChart(input(spec));
    expect(out.svg).toContain('<svg');
  });

  it('empty values', async () => {
    const err = await chartError(renderChart(input(barSpec, [])));
    expect(err.message).toBe(`${FILE}: chart "referrals": the chart has no values to draw`);
  });
});

describe('chart stage imports', () => {
  it('imports vega, vega-lite and resvg lazily (no static value import in src/charts)', () => {
    const dir = path.join(here, '..', 'src', 'charts');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const src = readFileSync(path.join(dir, f), 'utf8');
      const heavy = /^\s*import\s+(?!type\b)[^;]*from\s+['"](vega|vega-lite|@resvg\/resvg-js|fontkit)['"]/m;
      expect(src, f).not.toMatch(heavy);
    }
  });
});

describe('resvg memory', () => {
  // resvg's allocator reads MIMALLOC_PURGE_DELAY once, when its addon loads (png.ts): the first
  // PNG must have set it in the process's environment, and a value the user set stays.
  const afterFirstPng = (env: NodeJS.ProcessEnv): string => {
    const png = pathToFileURL(path.join(here, '..', 'dist', 'charts', 'png.js')).href;
    const script = `const { rasterize } = await import(${JSON.stringify(png)});
      const bytes = await rasterize('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="10" height="10" fill="#005EA5"/></svg>');
      if (bytes[1] !== 0x50) throw new Error('not a PNG');
      process.stdout.write(String(process.env.MIMALLOC_PURGE_DELAY));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout;
  };
  it('keeps freed memory for the next chart unless the user says otherwise', () => {
    const { MIMALLOC_PURGE_DELAY: _, ...env } = process.env;
    expect(afterFirstPng(env)).toBe('-1');
    expect(afterFirstPng({ ...env, MIMALLOC_PURGE_DELAY: '10' })).toBe('10');
  });

  it('gives the same PNG for the same SVG whatever was drawn before or alongside it (row buffers are reused)', async () => {
    const { rasterize } = await import('../src/charts/png.js');
    const svg = (w: number, h: number, fill: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="${fill}"/><circle cx="${w / 2}" cy="${h / 2}" r="${h / 3}" fill="#005EA5"/></svg>`;
    const big = svg(600, 400, '#fff');
    const otherBig = svg(600, 400, '#fe0');
    const small = svg(40, 30, '#fff');
    const bigFirst = await rasterize(big);
    const smallAfterBig = await rasterize(small);
    const otherAlone = await rasterize(otherBig);
    const together = await Promise.all([big, otherBig, small, big, otherBig, small].map((s) => rasterize(s)));
    const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    for (const i of [0, 3]) same(together[i]!, bigFirst);
    for (const i of [1, 4]) same(together[i]!, otherAlone);
    for (const i of [2, 5]) same(together[i]!, smallAfterBig);
    // The small one holds its own rows only (2x: 80 x 60 pixels), nothing left from the big one.
    const small2x = readPng(smallAfterBig);
    expect([small2x.width, small2x.height]).toEqual([80, 60]);
    expect(Buffer.from(small2x.rgba).equals(resvgPixels(small))).toBe(true);
  });
});

describe('the PNG fallback', () => {
  it("writes a chart's PNG with a palette, holding exactly the pixels resvg draws", async () => {
    const out = await renderChart(input(fixture('two-series-line.vl.json'), lineValues()));
    const png = readPng(out.png);
    expect(png.colourType).toBe(3);
    expect(png.paletteSize).toBeGreaterThan(2); // anti-aliased edges, not two flat colours
    expect(png.paletteSize).toBeLessThanOrEqual(256);
    const drawn = textAsPaths(out.svg) ?? out.svg;
    expect(Buffer.from(png.rgba).equals(resvgPixels(drawn))).toBe(true);
  });

  it('writes a drawing of more than 256 colours as RGBA, the same pixels', async () => {
    const { rasterize } = await import('../src/charts/png.js');
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><defs><linearGradient id="g">' +
      '<stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/></linearGradient></defs>' +
      '<rect width="300" height="50" fill="url(#g)"/><rect y="50" width="300" height="50" fill="#005EA5" opacity="0.5"/></svg>';
    const png = readPng(await rasterize(svg));
    expect(png.colourType).toBe(6);
    expect(Buffer.from(png.rgba).equals(resvgPixels(svg))).toBe(true);
  });

  it('keeps transparency in a palette (tRNS), and reads pixels at any offset in memory', async () => {
    const { encodePng } = await import('../src/charts/png.js');
    // 3 x 2 pixels: opaque red, half-transparent blue, clear; then clear, red, red.
    const pixels = [255, 0, 0, 255, 0, 0, 255, 128, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0, 255];
    const aligned = new Uint8Array(pixels);
    const shifted = new Uint8Array(pixels.length + 1).subarray(1); // byteOffset 1
    shifted.set(pixels);
    const png = await encodePng(aligned, 3, 2);
    const decoded = readPng(png);
    expect([decoded.colourType, decoded.paletteSize]).toEqual([3, 3]);
    expect([...decoded.rgba]).toEqual(pixels);
    expect(Buffer.from(await encodePng(shifted, 3, 2)).equals(Buffer.from(png))).toBe(true);
  });
});

/** What resvg draws for `svg` as the charts' PNGs are drawn (2x, white background), RGBA. */
function resvgPixels(svg: string): Buffer {
  return Buffer.from(new Resvg(svg, resvgOptions(svg)).render().pixels);
}

function lineValues(): Record<string, unknown>[] {
  const months = ['2023-04', '2023-05', '2023-06', '2023-07', '2023-08', '2023-09', '2023-10', '2023-11', '2023-12', '2024-01', '2024-02', '2024-03'];
  const a = [12, 13, 13, 14, 12, 11, 11, 10, 10, 9, 9, 9];
  const b = [20, 19, 21, 22, 22, 23, 24, 24, 23, 24, 25, 25];
  return [
    ...months.map((month, i) => ({ month, service: 'Service A', weeks: a[i]! })),
    ...months.map((month, i) => ({ month, service: 'Service B', weeks: b[i]! })),
  ];
}

describe('describeChart', () => {
  it('a 12-month series: average rounded, lowest and highest with months, range with years', () => {
    expect(describeChart(barSpec, monthly(REFERRALS))).toBe(
      'Bar chart of monthly referrals, October 2015 to September 2016: average 910 a month, lowest 671 in August, highest 1,032 in May.',
    );
  });

  it('names the measure from the options and reads Date values', () => {
    const values = MONTHS.map((m, i) => ({ month: new Date(`${m}-01T00:00:00Z`), referrals: REFERRALS[i]! }));
    const spec = { ...barSpec, encoding: { ...barSpec.encoding, y: { field: 'referrals', type: 'quantitative' } } };
    expect(describeChart(spec, values, { measure: 'referrals a month', per: 'each month' })).toBe(
      'Bar chart of referrals a month, October 2015 to September 2016: average 910 each month, lowest 671 in August, highest 1,032 in May.',
    );
    // Without a title or option, the field name.
    expect(describeChart(spec, values)).toMatch(/^Bar chart of referrals, October 2015/);
  });

  it('ties: "highest 1,032 in May and June"', () => {
    const nums = [...REFERRALS];
    nums[8] = 1032; // June
    nums[3] = 671; // January
    nums[10] = 671; // August
    expect(describeChart(barSpec, monthly(nums))).toBe(
      'Bar chart of monthly referrals, October 2015 to September 2016: average 892 a month, lowest 671 in January and August, highest 1,032 in May and June.',
    );
  });

  it('adds the year to a month that occurs in two years of the range', () => {
    const months = [...MONTHS, '2016-10', '2016-11', '2016-12'];
    const values = months.map((month, i) => ({ month, referrals: i === 13 ? 500 : i === 1 ? 1200 : 900 }));
    expect(describeChart(barSpec, values)).toBe(
      'Bar chart of monthly referrals, October 2015 to December 2016: average 893 a month, lowest 500 in November 2016, highest 1,200 in November 2015.',
    );
  });

  it('several series (colour): first and last value of each', () => {
    expect(describeChart(fixture('two-series-line.vl.json'), lineValues())).toBe(
      'Line chart of waiting time (weeks) by service, April 2023 to March 2024: Service A from 12 to 9; Service B from 20 to 25.',
    );
    // A series that starts late says when.
    const values = lineValues().filter((r) => !(r.service === 'Service B' && String(r.month) < '2023-07'));
    expect(describeChart(fixture('two-series-line.vl.json'), values, { measure: 'median wait in weeks' })).toBe(
      'Line chart of median wait in weeks by service, April 2023 to March 2024: Service A from 12 to 9; Service B from 22 in July 2023 to 25.',
    );
  });

  it('parts of a whole (arc): each part with its value and share', () => {
    const values = [
      { source: 'GP', referrals: 120 },
      { source: 'School', referrals: 90 },
      { source: 'Self', referrals: 90 },
    ];
    expect(describeChart(fixture('referrals-by-source.vl.json'), values)).toBe(
      'Donut chart of referrals by source, total 300: GP 120 (40%), School 90 (30%) and Self 90 (30%).',
    );
    const pie = { mark: 'arc', encoding: { theta: { field: 'n', type: 'quantitative' }, color: { field: 'team', type: 'nominal' } } };
    expect(
      describeChart(pie, [
        { team: 'North', n: 1 },
        { team: 'South', n: 2 },
        { team: 'East', n: 1997 },
      ]),
    ).toBe('Pie chart of n by team, total 2,000: East 1,997 (100%), South 2 (under 1%) and North 1 (under 1%).');
  });

  it('categories on a horizontal bar chart; the rule layer is not the chart type', () => {
    const spec = {
      layer: [
        {
          mark: 'bar',
          encoding: {
            y: { field: 'team', type: 'nominal', title: 'Team' },
            x: { field: 'cases', type: 'quantitative', title: 'Open cases' },
          },
        },
        { mark: 'rule', encoding: { x: { aggregate: 'mean', field: 'cases' } } },
      ],
    };
    const values = [
      { team: 'North', cases: 12.5 },
      { team: 'South', cases: 40 },
      { team: 'West', cases: 22 },
    ];
    expect(describeChart(spec, values)).toBe(
      'Bar chart of open cases by team: average 24.8, lowest 12.5 for North, highest 40 for South.',
    );
  });

  it('falls back to "Chart" for other marks', () => {
    const spec = { mark: 'point', encoding: { x: { field: 'month', type: 'temporal' }, y: { field: 'referrals', type: 'quantitative' } } };
    expect(describeChart(spec, monthly(REFERRALS))).toMatch(/^Chart of referrals, October 2015 to September 2016: /);
    expect(describeChart('not a spec', [])).toBe('Chart.');
  });
});

describe('chart cache', () => {
  it('redraws a chart only when its spec, data or width changed', async () => {
    const a = await renderChart(input(barSpec));
    const again = await renderChart(input(barSpec));
    expect(again).toBe(a);
    const values = input(barSpec).values.map((v, i) => (i === 0 ? { ...v, referrals: Number((v as { referrals: number }).referrals) + 100 } : v));
    const changed = await renderChart({ ...input(barSpec), values });
    expect(changed).not.toBe(a);
    expect(changed.svg).not.toBe(a.svg);
  });
});

describe('charts without a PNG', () => {
  // A run that writes no DOCX (a PDF only, a check) needs no PNG, the dearer half of a chart.
  it('draws the same SVG without making a PNG, and makes one when a later paper asks', async () => {
    const without = await drawChart({ ...input(barSpec), png: false });
    await expect(without.png).rejects.toThrow(/referrals\.vl\.json: chart "referrals": drawn without a PNG, as this run writes no DOCX/);
    const withPng = await drawChart(input(barSpec));
    expect(withPng).not.toBe(without); // not the cached drawing without a PNG
    expect(withPng.svg).toBe(without.svg);
    const png = await withPng.png;
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(await drawChart({ ...input(barSpec), png: false })).toBe(without); // cached as it was
  });
});

describe('vega-lite compilations and vega parses', () => {
  it('a chart drawn from the compilation and parse of the same spec with other values is the chart drawn from scratch', async () => {
    for (const spec of [barSpec, fixture('monthly-bar-average.vl.json')]) {
      const other = monthly(REFERRALS.map((n, i) => n + 37 * i));
      clearChartCache();
      await renderChart(input(spec));
      const reused = await renderChart(input(spec, other));
      clearChartCache();
      const fresh = await renderChart(input(spec, other));
      expect(reused).not.toBe(fresh);
      expect(reused.svg).toBe(fresh.svg);
      expect(reused.warnings).toEqual(fresh.warnings);
      expect(Buffer.from(await reused.png).equals(Buffer.from(await fresh.png))).toBe(true);
    }
  });
});

describe('text widths for chart labels', () => {
  it('do not depend on what was measured before (a soft hyphen after a hyphen)', () => {
    const plain = emWidth('cooperation');
    emWidth('co-operation'); // makes Arimo's hyphen glyph, which the soft hyphen shares
    expect(emWidth('co\u00ADoperation')).toBe(plain);
    expect(emWidth('co-operation')).toBeGreaterThan(plain);
  });
});
