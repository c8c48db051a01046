/**
 * Where a paper's templates live: the `templates/` folder nearest above its data file,
 * holding `layouts/<layout>/` (house layout) and `papers/<type>/` (paper types).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../data/errors.js';
import { readYamlFile } from '../data/yaml.js';
import type { HouseLayout } from '../document/model.js';
import { defaultHouseStyle, type HouseStyle } from '../template/format.js';

export function findTemplatesDir(dataFile: string, explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  let dir = path.dirname(path.resolve(dataFile));
  for (;;) {
    const candidate = path.join(dir, 'templates');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve('templates');
}

export interface PaperType {
  name: string;
  dir: string;
  schemaFile: string;
  layout: Layout;
}

export interface Layout {
  name: string;
  dir: string;
  house: HouseLayout;
  style: HouseStyle;
  /** Templates of the document properties, e.g. title: "{{meta.subject}}". */
  meta: { title: string; subject?: string; author: string; lang: string; date: string };
  file: string;
}

const layoutCache = new Map<string, { key: string; layout: Layout }>();

function mtimeKey(file: string): string {
  const s = statSync(file);
  return `${s.mtimeMs}:${s.size}`;
}

export function loadPaperType(templatesDir: string, name: string, where: { file: string; line?: number; column?: number }): PaperType {
  const dir = path.join(templatesDir, 'papers', name);
  const typeFile = path.join(dir, 'paper.yaml');
  if (!existsSync(typeFile)) {
    throw new InputError({ ...where, path: 'paper', message: `no paper type "${name}": expected a folder ${path.relative(process.cwd(), dir)} with paper.yaml` });
  }
  const loaded = readYamlFile(typeFile);
  const spec = loaded.value as { layout?: unknown };
  if (typeof spec?.layout !== 'string') {
    const p = loaded.locate(['layout']);
    throw new InputError({ file: typeFile, ...p, path: 'layout', message: 'expected the name of a house layout (a folder of templates/layouts/)' });
  }
  const layout = loadLayout(templatesDir, spec.layout, { file: typeFile, ...loaded.locate(['layout']) });
  return { name, dir, schemaFile: path.join(dir, 'schema.json'), layout };
}

const houseKeys: (keyof HouseLayout)[] = ['font', 'fontSize', 'headingSizes', 'marginsMm', 'footer', 'numberColumnMm'];

function loadLayout(templatesDir: string, name: string, where: { file: string; line?: number; column?: number }): Layout {
  const dir = path.join(templatesDir, 'layouts', name);
  const file = path.join(dir, 'layout.yaml');
  if (!existsSync(file)) throw new InputError({ ...where, message: `no house layout "${name}": expected ${path.relative(process.cwd(), file)}` });
  const key = mtimeKey(file);
  const hit = layoutCache.get(file);
  if (hit?.key === key) return hit.layout;
  const loaded = readYamlFile(file);
  const v = loaded.value as { house?: Record<string, unknown>; style?: Partial<HouseStyle>; meta?: Record<string, string> };
  const problems = [];
  for (const k of houseKeys) {
    if (v?.house?.[k] === undefined) problems.push({ file, ...loaded.locate(['house']), path: `house.${k}`, message: 'missing setting of the house layout' });
  }
  for (const k of ['title', 'author', 'lang', 'date']) {
    if (typeof v?.meta?.[k] !== 'string') problems.push({ file, ...loaded.locate(['meta']), path: `meta.${k}`, message: 'missing document property template (text)' });
  }
  for (const k of Object.keys(v?.style ?? {})) {
    if (!(k in defaultHouseStyle)) problems.push({ file, ...loaded.locate(['style', k], true), path: `style.${k}`, message: `unknown house style setting: expected one of ${Object.keys(defaultHouseStyle).join(', ')}` });
  }
  if (problems.length) throw new InputError(problems);
  const layout: Layout = {
    name,
    dir,
    file,
    house: v.house as unknown as HouseLayout,
    style: { ...defaultHouseStyle, ...(v.style ?? {}) },
    meta: v.meta as unknown as Layout['meta'],
  };
  layoutCache.set(file, { key, layout });
  return layout;
}
