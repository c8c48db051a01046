/**
 * A meeting's pack: the agenda (a paper whose data lists the items) and each item's paper,
 * bound into one document. Page ranges on the agenda come from the real layout: the pack is
 * laid out, the ranges read back, and the agenda rebuilt until they agree.
 */
import path from 'node:path';
import { InputError, type InputProblem } from '../data/errors.js';
import { readYamlFile } from '../data/yaml.js';
import type { Pack, PackPart, Paper } from '../document/model.js';
import { buildPaper, type BuildPaperOptions } from '../paper/build.js';
import { itemPartId } from '../template/helpers.js';

export interface AgendaItem {
  number: number;
  title: string;
  paper?: string;
}

export interface PackSource {
  file: string;
  items: { number: number; title: string; dataFile: string; paper: Paper; sources: string[] }[];
  sources: string[];
}

export type PageRanges = Record<string, { start: number; end: number }>;

/** Load and build every item's paper; errors name the pack file line and the paper's own error. */
export async function loadPackItems(file: string, options: Omit<BuildPaperOptions, 'pages'>): Promise<PackSource> {
  const loaded = readYamlFile(file);
  const agenda = (loaded.value as { agenda?: { items?: AgendaItem[] }[] } | null)?.agenda;
  const problems: InputProblem[] = [];
  const items: PackSource['items'] = [];
  const sources = [file];
  if (!Array.isArray(agenda)) {
    // The schema check of the agenda paper reports this properly.
    return { file, items, sources };
  }
  for (const [pi, part] of agenda.entries()) {
    for (const [ii, item] of (part?.items ?? []).entries()) {
      if (!item || typeof item.paper !== 'string') continue;
      const dataFile = path.resolve(path.dirname(file), item.paper);
      const at = loaded.locate(['agenda', pi, 'items', ii, 'paper']);
      try {
        const built = await buildPaper(dataFile, options);
        items.push({ number: item.number, title: item.title, dataFile, paper: built.paper, sources: built.sources });
        sources.push(...built.sources);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        problems.push({
          file,
          ...at,
          path: `agenda[${pi}].items[${ii}].paper`,
          message: `item ${item.number}'s paper ${item.paper} has ${e.problems.length === 1 ? 'a problem' : `${e.problems.length} problems`} (below)`,
        });
        problems.push(...e.problems);
      }
    }
  }
  if (problems.length) throw new InputError(problems);
  return { file, items, sources };
}

/** The pack with the agenda built for the given page ranges. */
export async function assemblePack(source: PackSource, pages: PageRanges, options: Omit<BuildPaperOptions, 'pages'>): Promise<Pack> {
  const agenda = await buildPaper(source.file, { ...options, pages });
  const parts: PackPart[] = [
    { id: 'agenda', title: 'Agenda', paper: agenda.paper },
    ...source.items.map((i) => ({ id: itemPartId(i.number), title: `${i.number}. ${i.title}`, paper: i.paper })),
  ];
  return { type: 'pack', meta: agenda.paper.meta, parts };
}

/** Placeholder ranges for the first layout pass: wide enough numbers that the agenda does not shrink later. */
export function placeholderRanges(source: PackSource): PageRanges {
  return Object.fromEntries(source.items.map((i) => [itemPartId(i.number), { start: 888, end: 888 }]));
}
