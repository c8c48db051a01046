/**
 * How far V8 lets the JavaScript heap grow between full collections, for runs that build one
 * paper or one pack and end.
 *
 * By default V8 collects the old generation again only when it has grown to some three to four
 * times what was live after the last collection: a long-running server's trade, memory for fewer
 * collections. A 100-page paper's build had about 38 MB live while its charts were drawn, so its
 * heap grew to some 130 MB used (170 MB reserved) before the next collection, and that headroom
 * set most of its peak of 325-350 MiB. Letting the heap grow by 15% instead gave 245-249 MiB in
 * most CLI runs (294-295 in two of nine, with some 45 MiB more outside V8's heap); 25% gave
 * 259-277. It costs a little time: five cold builds of the example each way, in turn, took
 * 2.17-2.35 s with it, 2.08-2.29 s without. Set only once the paper was read, it saved none
 * of that and let the long paper reach 265-292 MiB.
 *
 * Not for a batch or --watch: there every collection marks the same code, fonts and caches again.
 * With 40%, a batch of 120 papers took 12-36% longer.
 *
 * Node warns that a V8 flag set once the process runs may do nothing, or worse. This one is a
 * number V8 reads each time it sets the heap's next limit (after each full collection); the
 * benchmark's long paper shows it taking effect.
 */
import v8 from 'node:v8';

const ONE_OFF_HEAP_GROWTH_PERCENT = 15;

export function keepHeapSmall(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${ONE_OFF_HEAP_GROWTH_PERCENT}`);
}

/** V8's own default (0: its heuristics), as a code cache made now must record it (bundle/load.ts). */
export function restoreHeapGrowth(): void {
  v8.setFlagsFromString('--heap-growing-percent=0');
}
