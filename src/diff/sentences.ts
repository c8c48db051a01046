/**
 * The readable sentences of a paper, each tagged with where it stands (its paragraph
 * number, or the section it is in), and a side-by-side diff of two papers' sentences.
 */
import type { Block, Inline, Paper } from '../document/model.js';

export interface Sentence {
  where: string;
  text: string;
}

function plain(list: Inline[]): string {
  return list.map((i) => (i.type === 'text' ? i.value : i.type === 'break' ? ' ' : i.type === 'pageRef' ? i.value : plain(i.children))).join('');
}

export function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    // A sentence starts with a capital, a digit, £, ( or an opening quote (“ ‘ "), written
    // as escapes: the CLI's bundle is ASCII only (bundle/make.ts).
    .split(/(?<=[.;!?])\s+(?=[A-Z0-9\u00a3(\u201c\u2018"])/)
    .filter(Boolean);
}

export function paperSentences(paper: Paper): Sentence[] {
  const out: Sentence[] = [];
  let section = 'Front';
  let last = 'Front';
  const push = (where: string, text: string) => splitSentences(text).forEach((t) => out.push({ where, text: t }));
  for (const row of paper.front) push(`Front: ${row.label.replace(/:$/, '')}`, row.value.map(plain).join('; '));
  const block = (b: Block) => {
    switch (b.type) {
      case 'heading':
        section = `${b.number ? b.number + ' ' : ''}${plain(b.children)}`;
        last = section;
        push(section, plain(b.children));
        break;
      case 'paragraph':
        last = b.number ?? section;
        push(last, plain(b.children));
        break;
      case 'list':
        b.items.forEach((it) => push(`${last} ${it.label}`, plain(it.children)));
        break;
      case 'table':
        if (b.caption) push(`${last} table`, b.caption);
        [...b.head, ...b.body].forEach((r, i) => push(`${last} table row ${i + 1}`, r.cells.map((c) => plain(c.children)).join(' | ')));
        break;
      case 'figure':
        push(`${last} chart "${b.id}" title`, b.title);
        if (b.subtitle) push(`${last} chart "${b.id}" subtitle`, b.subtitle);
        push(`${last} chart "${b.id}" alt text`, b.alt);
        if (b.table) block(b.table);
        break;
      case 'pageBreak':
        break;
    }
  };
  paper.blocks.forEach(block);
  return out;
}

export interface SentenceChange {
  where: string;
  old?: string;
  new?: string;
}

/** Longest-common-subsequence alignment; runs of removed and added sentences are paired. */
export function diffSentences(a: Sentence[], b: Sentence[]): SentenceChange[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i].text === b[j].text ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const changes: SentenceChange[] = [];
  let i = 0;
  let j = 0;
  let removed: Sentence[] = [];
  let added: Sentence[] = [];
  const flush = () => {
    const k = Math.max(removed.length, added.length);
    for (let x = 0; x < k; x++) {
      const o = removed[x];
      const nw = added[x];
      changes.push({ where: (nw ?? o).where, ...(o ? { old: o.text } : {}), ...(nw ? { new: nw.text } : {}) });
    }
    removed = [];
    added = [];
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i].text === b[j].text) {
      flush();
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(b[j++]);
    else removed.push(a[i++]);
  }
  flush();
  return changes;
}
