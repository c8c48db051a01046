/**
 * Build step (`npm run build`, after tsc): the CLI's main thread, its chart worker, its
 * batch worker and its PDF worker, each as one CommonJS file in dist/bundled/, which `committee-papers`
 * (dist/cli/bin.js) and the worker threads it starts run with V8's code cache (load.ts).
 *
 * Why: a cold run of the example spent some 0.45 s of its 2.2 s finding, reading and
 * compiling the 733 ES modules it loads (666 of them in node_modules: vega and vega-lite are
 * most), and more compiling their functions on first call. One file is found and read at
 * once, and its compiled code can be cached (Node 20 has no code cache for ES modules).
 * Measured in turn on the example paper: 2.2 s from the modules, 1.8 s from one file,
 * 1.5-1.6 s from one file with its code cache.
 *
 * The modules under dist/ stay as they are: `node dist/cli/main.js` runs the same program
 * from them, and so does the command if the bundles are missing.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const dist = fileURLToPath(new URL('..', import.meta.url));
const root = path.dirname(dist);
/** Where the bundle and its code cache go (not dist/bundle/: that is this module's own folder). */
export const BUNDLE_DIR = path.join(dist, 'bundled');

/**
 * Every module keeps its own `import.meta.url`, the file it was bundled from: the worker
 * threads' entry files (`new URL('./worker.js', import.meta.url)`) and the package lookups
 * (`createRequire(import.meta.url)`) then find what they found before bundling.
 */
const ownModuleUrl: Plugin = {
  name: 'own-module-url',
  setup(b) {
    b.onLoad({ filter: /\.(c|m)?js$/ }, async (args) => {
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return undefined;
      const rel = path.relative(BUNDLE_DIR, args.path).split(path.sep).join('/');
      return { contents: contents.replaceAll('import.meta.url', `__moduleUrl(${JSON.stringify(rel)})`), loader: 'js' };
    });
  },
};

/** The bundles: the CLI's main thread and its three kinds of worker thread, each from its module under dist/. */
const BUNDLES = [
  { name: 'cli', entry: 'cli/main.js' },
  { name: 'chart-worker', entry: 'charts/worker.js' },
  { name: 'batch-worker', entry: 'batch/worker.js' },
  { name: 'pdf-worker', entry: 'render/pdf/worker.js' },
] as const;

/**
 * A worker thread's entry file (running.ts's workerEntry): runs its bundle with runBundle. A
 * worker saves its code cache at a checkpoint of its own (running.ts).
 */
function workerStarter(name: string): string {
  return `import { runBundle } from '../bundle/load.js';\nrunBundle(new URL('./${name}.cjs', import.meta.url));\n`;
}

export async function makeBundles(): Promise<void> {
  // New bundles invalidate the old code caches (load.ts also checks each bundle's hash).
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await Promise.all(
    BUNDLES.map(({ name, entry }) =>
      build({
        entryPoints: [path.join(dist, entry)],
        outfile: path.join(BUNDLE_DIR, `${name}.cjs`),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        // resvg is a native addon: loaded from node_modules at run time, with require().
        external: ['@resvg/resvg-js'],
        // import() of what is not bundled becomes require(): the bundle runs as a plain script.
        supported: { 'dynamic-import': false },
        alias: {
          // vega-canvas's Node build awaits import('canvas') at its top (an optional package this
          // project does not use, so it finds none); its browser build does the same without it.
          'vega-canvas': path.join(root, 'node_modules', 'vega-canvas', 'build', 'vega-canvas.browser.js'),
        },
        banner: { js: "const __moduleUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;" },
        plugins: [ownModuleUrl],
        // Without comments and spaces the file is a third of the size to read, and pure ASCII,
        // which V8 keeps in one byte a character (a non-ASCII comment made it decode 50 ms slower).
        minifyWhitespace: true,
        minifySyntax: true,
        charset: 'ascii',
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
  for (const { name } of BUNDLES) if (name !== 'cli') writeFileSync(path.join(BUNDLE_DIR, `${name}.mjs`), workerStarter(name));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await makeBundles();
}
