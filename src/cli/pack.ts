/** committee-papers pack: a meeting's agenda and papers as one PDF and one DOCX. */
import { displayPath, formatProblem, isInputError } from '../data/errors.js';
import { writeAllAtomic } from '../output/write.js';
import { loadPackItems } from '../pack/build.js';
import { layOutPack } from '../pack/render.js';
import { outputName, type Format } from '../paper/outputs.js';
import { loadChartStage } from './charts.js';

export async function buildPack(file: string, out: string, formats: Format[], templates?: string): Promise<boolean> {
  const png = formats.includes('docx');
  const options = { templatesDir: templates, charts: () => loadChartStage({ png }) };
  try {
    const source = await loadPackItems(file, options);
    const laid = await layOutPack(source, options);
    const outputs: { file: string; bytes: Uint8Array }[] = [];
    for (const format of formats) {
      if (format === 'pdf') outputs.push({ file: outputName(file, out, 'pdf'), bytes: laid.pdf });
      else {
        const { renderPackDocx } = await import('../render/docx/index.js');
        outputs.push({ file: outputName(file, out, 'docx'), bytes: await renderPackDocx(laid.pack) });
      }
    }
    writeAllAtomic(outputs);
    for (const o of outputs) process.stdout.write(`wrote ${displayPath(o.file)}\n`);
    const ranges = laid.pack.parts
      .filter((p) => p.id in laid.pages)
      .map((p) => `  ${p.title}: pages ${laid.pages[p.id].start}-${laid.pages[p.id].end}`);
    process.stdout.write(ranges.join('\n') + '\n');
    return true;
  } catch (e) {
    if (!isInputError(e)) throw e;
    for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write(`${file}: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing written for this pack\n`);
    return false;
  }
}
