/** pdfjs-dist reading helpers shared by the PDF tests: open a PDF, text items with their marking. */
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

export async function open(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  return getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
}

export interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  /** 'mcid' when inside tagged marked content, 'artifact' inside an Artifact, 'none' otherwise. */
  marking: 'mcid' | 'artifact' | 'none';
  /** pdfjs id of the innermost tagged marked content ("p10R_mc3"), matching the struct tree's content ids. */
  mc?: string;
}

/** Text items of a page with their marked-content context. */
export async function pageItems(doc: PDFDocumentProxy, n: number): Promise<Item[]> {
  const page = await doc.getPage(n);
  const content = await page.getTextContent({ includeMarkedContent: true });
  const stack: string[] = [];
  const ids: (string | undefined)[] = [];
  const out: Item[] = [];
  for (const item of content.items as any[]) {
    if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') {
      stack.push(item.tag === 'Artifact' ? 'artifact' : item.id != null ? 'mcid' : 'other');
      ids.push(item.id ?? undefined);
    } else if (item.type === 'endMarkedContent') {
      stack.pop();
      ids.pop();
    } else if (typeof item.str === 'string') {
      const marking = stack.includes('artifact') ? 'artifact' : stack.includes('mcid') ? 'mcid' : 'none';
      const mc = [...ids].reverse().find((id) => id !== undefined);
      out.push({ str: item.str, x: item.transform[4], y: item.transform[5], width: item.width, marking, ...(mc ? { mc } : {}) });
    }
  }
  return out;
}
