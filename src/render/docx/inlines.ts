/**
 * Inline nodes to docx runs. Text goes in literally: docx escapes XML, nothing here
 * reads markup (a `*` or `<` in a value is printed as is).
 */
import { ExternalHyperlink, TextRun } from 'docx';
import type { Inline } from '../../document/model.js';
import type { RenderContext } from './context.js';

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

/**
 * Runs of `inlines`. Page references need the context: in a pack they become PAGEREF
 * fields to the part's bookmark, in a single paper their value as text.
 */
export function renderInlines(inlines: readonly Inline[], ctx: RenderContext, format: RunFormat = {}): InlineChild[] {
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
        out.push(...renderInlines(node.children, ctx, { ...format, bold: true }));
        break;
      case 'emphasis':
        out.push(...renderInlines(node.children, ctx, { ...format, italics: true }));
        break;
      case 'link': {
        const runs = renderInlines(node.children, ctx, { ...format, style: 'Hyperlink' }).filter(
          (c): c is TextRun => c instanceof TextRun,
        );
        const children = runs.length > 0 ? runs : [new TextRun({ text: node.url, ...format, style: 'Hyperlink' })];
        out.push(new ExternalHyperlink({ link: node.url, children }));
        break;
      }
      case 'pageRef':
        out.push(...ctx.pageRef(node, format));
        break;
      default: {
        const never: never = node;
        throw new Error(`DOCX: unknown inline node ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}
