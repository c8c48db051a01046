/**
 * Inline nodes to docx runs. Text goes in literally: docx escapes XML, nothing here
 * reads markup (a `*` or `<` in a value is printed as is).
 */
import { ExternalHyperlink, TextRun } from 'docx';
import type { Inline } from '../../document/model.js';

export type InlineChild = TextRun | ExternalHyperlink;

/** Formatting inherited from the enclosing nodes (or set by the block, e.g. a header cell). */
export interface RunFormat {
  bold?: boolean;
  italics?: boolean;
  /** Half-points. */
  size?: number;
  /** Character style id, e.g. "Hyperlink". */
  style?: string;
}

export function renderInlines(inlines: readonly Inline[], format: RunFormat = {}): InlineChild[] {
  const out: InlineChild[] = [];
  for (const node of inlines) {
    switch (node.type) {
      case 'text':
        if (node.value !== '') out.push(new TextRun({ text: node.value, ...format }));
        break;
      case 'break':
        out.push(new TextRun({ break: 1, ...format }));
        break;
      case 'strong':
        out.push(...renderInlines(node.children, { ...format, bold: true }));
        break;
      case 'emphasis':
        out.push(...renderInlines(node.children, { ...format, italics: true }));
        break;
      case 'link': {
        const runs = renderInlines(node.children, { ...format, style: 'Hyperlink' }).filter(
          (c): c is TextRun => c instanceof TextRun,
        );
        const children = runs.length > 0 ? runs : [new TextRun({ text: node.url, ...format, style: 'Hyperlink' })];
        out.push(new ExternalHyperlink({ link: node.url, children }));
        break;
      }
      default: {
        const never: never = node;
        throw new Error(`DOCX: unknown inline node ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}
