/**
 * The PDF writer draws text with its own copy of pdfkit's _fragment (context.ts, writeFragment)
 * and TJ operands made per word (layout-cache.ts, textOperand). These tests render the same
 * papers with that writing and with pdfkit's own (textOperand made to refuse every text) and
 * require the same bytes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Block, Inline } from '../src/document/model.js';
import { renderPdf } from '../src/render/pdf/index.js';
import { samplePaper, sampleSvg } from './fixtures/sample-paper.js';

const writer = vi.hoisted(() => ({ own: true, used: 0, refused: 0 }));

vi.mock('../src/render/pdf/layout-cache.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/render/pdf/layout-cache.js')>();
  return {
    ...original,
    textOperand(font: object, text: string): string | null {
      if (!writer.own) return null;
      const operand = original.textOperand(font, text);
      if (operand === null) writer.refused++;
      else writer.used++;
      return operand;
    },
  };
});

const t = (value: string): Inline => ({ type: 'text', value });

/** Text with kerned pairs (AV, To, Ty, WA), a decomposed accent (a glyph offset), links, bold and italic. */
const kerned: Block[] = [
  { type: 'heading', level: 1, number: '7', children: [t('AVAILABILITY: To Wales, Tyne and WAVE')] },
  {
    type: 'paragraph',
    number: '7.1',
    children: [
      t('“Yes,” AVOW Tony’s team: VAT, LTA, P.A.Y.E. and 1,234,567.89 – 12% in 2016/17 '),
      { type: 'strong', children: [t('WAVY Tea.')] },
      t(' '),
      { type: 'emphasis', children: [t('Yvonne’s AV kit')] },
      t(' and a cafe\u0301 at '),
      { type: 'link', url: 'https://www.example.gov.uk/AVAILABLE/To', children: [t('Tywyn To AVA')] },
      t('.'),
    ],
  },
  {
    type: 'table',
    caption: 'TAVY: totals',
    head: [{ cells: [{ children: [t('Year')] }, { children: [t('WAVE To')], align: 'right' }] }],
    body: [
      { cells: [{ children: [t('2016/17')] }, { children: [t('1,077')], align: 'right' }] },
      { cells: [{ children: [t('2017/18 AV')] }, { children: [t('€1,234')], align: 'right' }] },
    ],
  },
  {
    type: 'figure',
    id: 'kerned',
    title: 'Tyne WAVES',
    alt: 'Two bars, AV and To.',
    svg: sampleSvg.replace('>August<', '>AVAILABLE To<').replace('>May<', '>WAVY Te\u0301a<'),
    png: new Uint8Array(),
    width: 400,
    height: 200,
  },
];

async function both(blocks: Block[]): Promise<{ own: Buffer; pdfkit: Buffer }> {
  writer.own = true;
  const own = Buffer.from(await renderPdf(samplePaper(blocks)));
  writer.own = false;
  const pdfkit = Buffer.from(await renderPdf(samplePaper(blocks)));
  writer.own = true;
  return { own, pdfkit };
}

describe('PDF text writing', () => {
  afterEach(() => {
    writer.own = true;
  });

  it('writes the bytes pdfkit writes, for kerned text, links, tables and chart labels', async () => {
    writer.used = 0;
    writer.refused = 0;
    const { own, pdfkit } = await both(kerned);
    expect(writer.used).toBeGreaterThan(50);
    // The decomposed accent is offset: that string is left to pdfkit.
    expect(writer.refused).toBeGreaterThan(0);
    expect(own.equals(pdfkit)).toBe(true);
  });

  it('writes the bytes pdfkit writes when the same words come back in later papers', async () => {
    await both(kerned);
    const second = await both([...kerned].reverse());
    expect(second.own.equals(second.pdfkit)).toBe(true);
  });
});
