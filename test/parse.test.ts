import { describe, expect, it } from 'vitest';
import { cutText, parseText, parseWhole } from '../src/document/parse.js';
import { buildPaper } from '../src/paper/build.js';
import { loadChartStage } from '../src/cli/charts.js';
import { loadPackItems, placeholderRanges } from '../src/pack/build.js';
import { root } from './support/project.js';

/** The tree as JSON: positions included, so a piece put in the wrong place shows. */
const json = (tree: unknown): string => JSON.stringify(tree);

const cases: Record<string, string> = {
  'headings and paragraphs': '# One\n\nFirst paragraph\nwith two lines.\n\n## Two\n\nSecond.\n\nThird.\n',
  'a loose list (blank lines between items)': 'Intro.\n\n- first\n\n- second\n\n- third\n\nAfter the list.\n',
  'a list item with a paragraph after a blank line': '1. first\n\n   still the first item\n\n2. second\n\nAfter.\n',
  'a tight list then a paragraph': 'a) not a list\n\n* one\n* two\n\nNext paragraph.\n',
  'fenced code with blank lines and a heading-like line': 'Before.\n\n```\ncode\n\n# not a heading\n\n- not a list\n```\n\nAfter.\n',
  'a tilde fence not closed by backticks': '~~~\na\n\n```\n\nb\n~~~\n\nEnd.\n',
  'a container directive with blank lines inside': ':::front\n- From:\n  - Someone\n\n- To:\n  - Committee\n:::\n\n# Heading\n\nText.\n',
  'nested containers': '::::unnumbered\nOuter.\n\n:::title\nInner\n\nstill inner\n:::\n\nstill outer\n::::\n\nAfter.\n',
  'tables, leaf directives and breaks': '| A | B |\n| - | -: |\n| 1 | 2 |\n\n::chart{ref=0}\n\n---\n\n::pagebreak\n\nLine one\\\nline two.\n',
  'an indented code block after a paragraph': 'Text.\n\n    code\n\n    more code\n\nText again.\n',
  'a block quote': '> quoted\n\n> another quote\n\nplain\n',
  'no final newline': '# A\n\nlast line',
  'CRLF line endings': '# A\r\n\r\nOne.\r\n\r\n- x\r\n\r\n- y\r\n\r\nTwo.\r\n',
  'an HTML comment over blank lines (parsed whole)': 'Before.\n\n<!-- a\n\nb -->\n\nAfter.\n',
  'a link reference definition (parsed whole)': 'See [the report][r].\n\n[r]: https://example.org/report\n',
};

describe('parseText (piece by piece)', () => {
  for (const [name, text] of Object.entries(cases)) {
    it(`gives the tree a whole parse gives: ${name}`, () => {
      expect(json(parseText(text))).toBe(json(parseWhole(text)));
    });
  }

  it('cuts a paper at blank lines, but never inside code, containers or lists', () => {
    expect(cutText(cases['headings and paragraphs']!).map((p) => p.text.trim())).toEqual(['# One', 'First paragraph\nwith two lines.', '## Two', 'Second.', 'Third.']);
    // Not before a list item, which may be the next item of a loose list.
    expect(cutText(cases['a loose list (blank lines between items)']!).map((p) => p.text.trim())).toEqual(['Intro.\n\n- first\n\n- second\n\n- third', 'After the list.']);
    expect(cutText(cases['fenced code with blank lines and a heading-like line']!)).toHaveLength(3);
    expect(cutText(cases['nested containers']!)).toHaveLength(2);
    expect(cutText(cases['an HTML comment over blank lines (parsed whole)']!)).toHaveLength(1);
  });

  it('puts pieces parsed for an earlier text in their new places', () => {
    const first = '# A\n\nShared paragraph.\n\n- shared\n- list\n';
    const second = '# A\n\nNew paragraph\nover two lines.\n\nShared paragraph.\n\n- shared\n- list\n';
    parseText(first);
    expect(json(parseText(second))).toBe(json(parseWhole(second)));
  });

  it('gives the whole-parse tree for every example paper and the pack agenda', async () => {
    const texts: string[] = [];
    for (const file of ['data/camhs-contract-performance-2016-09.yaml', 'data/camhs-section-76-2019-01.yaml', 'data/hosc-cover-report-2019-01.yaml']) {
      texts.push((await buildPaper(`${root}/${file}`, { charts: loadChartStage })).text);
    }
    const pack = `${root}/data/packs/hosc-2019-01-29.yaml`;
    const source = await loadPackItems(pack, { charts: loadChartStage });
    texts.push((await buildPaper(pack, { charts: loadChartStage, pages: placeholderRanges(source) })).text);
    for (const text of texts) {
      expect(cutText(text).length).toBeGreaterThan(2);
      expect(json(parseText(text))).toBe(json(parseWhole(text)));
    }
  });
});
