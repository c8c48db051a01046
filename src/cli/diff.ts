/** committee-papers diff: what changed between two editions of a paper, figures and sentences. */
import { displayPath } from '../data/errors.js';
import { readYamlFile } from '../data/yaml.js';
import { diffFigures } from '../diff/figures.js';
import { diffSentences, paperSentences } from '../diff/sentences.js';
import { buildPaper } from '../paper/build.js';
import { loadChartStage } from './charts.js';

const show = (v: unknown) => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v));

export async function diffReport(oldFile: string, newFile: string, templates?: string): Promise<string> {
  const opts = { templatesDir: templates, charts: () => loadChartStage({ png: false }) }; // writes nothing
  const [a, b] = [await buildPaper(oldFile, opts), await buildPaper(newFile, opts)];
  const lines: string[] = [];
  const newYaml = readYamlFile(newFile);
  const figures = diffFigures(readYamlFile(oldFile).value, newYaml.value);
  lines.push(`Figures that changed (${figures.length}), ${displayPath(oldFile)} -> ${displayPath(newFile)}:`);
  if (figures.length === 0) lines.push('  none');
  for (const c of figures) {
    const at = newYaml.locate(c.parts);
    lines.push(`  ${c.path}: ${show(c.old)} -> ${show(c.new)}   (${displayPath(newFile)}:${at.line})`);
  }
  const sentences = diffSentences(paperSentences(a.paper), paperSentences(b.paper));
  lines.push('', `Sentences that read differently (${sentences.length}):`);
  if (sentences.length === 0) lines.push('  none');
  for (const s of sentences) {
    lines.push(`  ${s.where}`);
    lines.push(`    old: ${s.old ?? '(not in the old paper)'}`);
    lines.push(`    new: ${s.new ?? '(not in the new paper)'}`);
  }
  return lines.join('\n') + '\n';
}
