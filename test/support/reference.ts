/**
 * The reference paper's sentences (test/reference/, a copy of the published text), with the
 * obvious typing slips of the original corrected, for comparison with what we render.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../reference/camhs-contract-performance-paper.txt', import.meta.url));

/** Slips in the published text that the example corrects. */
export const corrections: [RegExp, string][] = [
  [/well manged/g, 'well managed'],
  [/This lead to/g, 'This led to'],
  [/re aligned/g, 're-aligned'],
  [/under pinned/g, 'underpinned'],
  [/Councils commissioning/g, 'Council’s commissioning'],
  [/Childrens/g, 'Children’s'],
];

export function normalise(text: string): string {
  return text
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every sentence of the body, from "Summary:" to the Background Documents heading. */
export function referenceSentences(): string[] {
  let text = readFileSync(file, 'utf8');
  text = text.slice(text.indexOf('Summary:'), text.indexOf('11. Background Documents'));
  for (const [re, to] of corrections) text = text.replace(re, to);
  const SEP = '\u0000';
  const lines = text.split('\n').map((l) => {
    if (/^\s*\d+\.\s+[A-Z][^.]*$/.test(l) || /^\s*\d+\.\d+\s+[A-Z][^.]*$/.test(l.trim()) && l.trim().split(' ').length < 7) return SEP; // a heading
    return l
      .replace(/^ (?=[A-Za-z])/, SEP)
      .replace(/^\s*\d+\.\d+(\.\d+)*\s*/, SEP)
      .replace(/^\s*[ab]\)\s*/, SEP)
      .replace(/^\s*(Summary|Recommendation\(s\)):\s*/, SEP);
  });
  return lines
    .join('\n')
    .split(SEP)
    .flatMap((segment) => normalise(segment).split(/(?<=[.;:])\s+(?=[A-Z0-9])/))
    .map((s) => s.trim())
    .filter((s) => s.split(' ').length >= 3);
}

export const referenceLinks = [
  'https://democracy.kent.gov.uk/documents/s63942/C1%20-%20Procurement%20of%20Children%20and%20Young%20Peoples%20Mental%20Health%20Service.pdf',
  'https://democracy.kent.gov.uk/documents/s59415/B2%20-%20Emotional%20Health%20and%20Wellbeing%20Strategy%20Cover%20Report%20-%20Final.pdf',
];
