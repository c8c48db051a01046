/**
 * build --watch: rebuild the papers a change affects (its data file, or a template,
 * partial, schema, layout or chart spec it was made from). Errors are shown and the
 * last good outputs stay; watching goes on.
 */
import { readdirSync, statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { afterWork } from '../bundle/young-generation.js';
import { displayPath } from '../data/errors.js';

export interface BuildResult {
  ok: boolean;
  /** Every file the paper was made from; empty when the build failed before knowing. */
  sources: string[];
}

/**
 * How long the files must be left alone before a rebuild: a save is one or two events
 * (truncate and write, or write a copy and rename it) well within a millisecond, and a
 * checkout of several templates a burst of them. Every millisecond here is added to what the
 * user waits after saving (a rebuild of the example takes some 100 ms); a burst longer than
 * this is rebuilt again once it ends, and the last good output stays meanwhile.
 */
const QUIET_MS = 20;

/**
 * Rebuilds practised in memory once watching has started, until the first change, so that
 * the first saves are rebuilt about as fast as later ones. A process compiles its code for
 * speed only once the code has run for a while, each thread its own, and the PDF worker has
 * rendered only the two papers it got ready on: with saves 400 ms apart, a figure in a chart
 * each, the first five were rebuilt in 82-160 ms, the tenth to twentieth in 59-87 ms.
 * Measured as the command, 20 such saves from 3 s after it started watching, three runs each
 * in turn with practice and without: the first five saves' median 90-110 ms against
 * 103-113, the other fifteen's 57-63 against 66-72. Practice takes about a second of both
 * cores after the first build. A change's rebuild waits for at most the practice rebuild
 * under way, and stops practice: a save 0.3 s after watching started took 293-433 ms against
 * 262-334 without practice.
 */
export const PRACTICE = Object.freeze({
  /** At most this many rebuilds, */
  rebuilds: 15,
  /** taking at most this long in all, */
  totalMs: 1500,
  /** and none after one that took longer than this (a long paper's rebuilds compile it themselves). */
  eachMs: 250,
  /** Practice waits this long at most for the process to be ready for it (the PDF worker). */
  waitMs: 10_000,
});

/** Whether to practise another rebuild after `done` of them, `spentMs` in all, the last `lastMs`. */
export function practiseMore(done: number, spentMs: number, lastMs: number): boolean {
  return done < PRACTICE.rebuilds && spentMs < PRACTICE.totalMs && lastMs <= PRACTICE.eachMs;
}

/** A rebuild to practise on: in memory, nothing written. */
export interface Practice {
  /** Whether the process is ready to practise: its rebuilds would be rebuilt as a save's. */
  ready(): boolean;
  /** False: the paper does not build (no more practice). */
  rebuild(): Promise<boolean>;
}

/**
 * Watches every folder of the tree at `root`, each on its own, and folders made in it later.
 * Not node's recursive watch: on Linux (node 20) it watches each file, and loses a file once
 * an editor has saved it by writing a copy and renaming it over the old one (vim, sed -i): its
 * later saves went unseen. A folder's watch sees every save of the files in it.
 */
function watchTree(root: string, onChange: (file: string) => void, watchers: FSWatcher[]): void {
  const watched = new Map<string, FSWatcher>();
  const add = (dir: string): void => {
    if (watched.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = fsWatch(dir, (_e, name) => {
        if (!name) return;
        const full = path.join(dir, name.toString());
        onChange(full);
        if (isFolder(full)) add(full);
        else forget(full); // a folder removed (or a file): made again later, it is watched again
      });
    } catch {
      return; // gone meanwhile
    }
    watcher.on('error', () => forget(dir));
    watched.set(dir, watcher);
    watchers.push(watcher);
    for (const entry of entriesOf(dir)) if (entry.isDirectory()) add(path.join(dir, entry.name));
  };
  const forget = (dir: string): void => {
    for (const [d, watcher] of watched) {
      if (d === dir || d.startsWith(dir + path.sep)) {
        watcher.close();
        watched.delete(d);
        // Closed: not kept for the end (a folder made and removed again and again would add one each time).
        watchers.splice(watchers.indexOf(watcher), 1);
      }
    }
  };
  add(root);
}

/**
 * On Windows a watched folder that is removed or renamed ends its watch with an 'error'
 * (EPERM), which without a handler would end the process, and with it the watching of every
 * other paper. It is reported instead, and that folder is no longer watched.
 */
export function reportWatchError(watcher: FSWatcher, dir: string, log: (line: string) => void): void {
  watcher.on('error', (err: NodeJS.ErrnoException) => {
    watcher.close();
    log(`stopped watching ${displayPath(dir)} (${err.code ?? err.message}: moved or removed?); its papers are no longer rebuilt`);
  });
}

function entriesOf(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

export function watchPapers(
  dataFiles: string[],
  templatesDirs: string[],
  buildOne: (file: string) => Promise<BuildResult>,
  log: (line: string) => void,
  practice?: Practice,
): { close(): void; ready: Promise<void>; practised(): number } {
  const sources = new Map<string, Set<string>>();
  const watchers: FSWatcher[] = [];
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  // Rebuilds, and practice rebuilds, are followed by a young-generation collection (afterWork).
  const run = (files: string[]) =>
    afterWork(async () => {
      for (const f of files) {
        const started = performance.now();
        const r = await buildOne(f);
        if (r.sources.length) sources.set(f, new Set(r.sources.map((s) => path.resolve(s))));
        log(`${r.ok ? 'rebuilt' : 'failed'} ${f} in ${Math.round(performance.now() - started)} ms${r.ok ? '' : ' (last good output kept)'}`);
      }
    });

  const affected = (changed: string[]): string[] =>
    dataFiles.filter((d) => {
      const known = sources.get(d);
      // A paper whose last build failed early is rebuilt on any change.
      return changed.some((c) => c === path.resolve(d) || !known || known.has(c));
    });

  let changed = false;
  let closed = false;
  let practised = 0;

  const onChange = (file: string) => {
    changed = true; // no more practice: the rebuilds are the user's from now on
    pending.add(path.resolve(file));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changed = [...pending];
      pending = new Set();
      const papers = affected(changed);
      if (papers.length) running = running.then(() => run(papers));
    }, QUIET_MS);
  };

  const ready = run(dataFiles).then(() => {
    // Watch folders, not files: editors (and sed -i) save by replacing the file.
    const wanted = new Set(dataFiles.map((d) => path.resolve(d)));
    for (const dir of new Set(dataFiles.map((d) => path.dirname(path.resolve(d))))) {
      const watcher = fsWatch(dir, (_e, name) => {
        const full = name ? path.join(dir, name.toString()) : '';
        if (wanted.has(full)) onChange(full);
      });
      reportWatchError(watcher, dir, log);
      watchers.push(watcher);
    }
    for (const dir of templatesDirs) watchTree(dir, onChange, watchers);
    log(`watching ${dataFiles.length} paper${dataFiles.length === 1 ? '' : 's'} and ${templatesDirs.join(', ')} (Ctrl+C to stop)`);
  });
  running = ready;

  // One practice rebuild at a time, on the chain the rebuilds take: a change's rebuild waits
  // for at most the one under way, and no other is started once a change has come.
  let spentMs = 0;
  const practise = (giveUpAt: number, lastMs: number): void => {
    if (!practice || changed || closed || !practiseMore(practised, spentMs, lastMs)) return;
    if (!practice.ready()) {
      if (performance.now() < giveUpAt) setTimeout(() => practise(giveUpAt, lastMs), 50).unref();
      return;
    }
    running = running.then(async () => {
      if (changed || closed) return;
      const started = performance.now();
      const ok = await afterWork(() => practice.rebuild().catch(() => false));
      const ms = performance.now() - started;
      practised++;
      spentMs += ms;
      if (ok) setImmediate(() => practise(giveUpAt, ms));
    });
  };
  void ready.then(() => practise(performance.now() + PRACTICE.waitMs, 0));

  return {
    ready,
    /** Rebuilds practised so far (for the tests). */
    practised: () => practised,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
