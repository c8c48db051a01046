/**
 * How far V8 lets the JavaScript heap grow between full collections, for runs that build one
 * paper or one pack and end.
 *
 * By default V8 collects the old generation again only when it has grown to some three to four
 * times what was live after the last collection: a long-running server's trade, memory for fewer
 * collections. A 100-page paper's build had about 38 MB live when it was read, so its heap grew
 * to some 130 MB used (170 MB reserved) before the next collection. That headroom was most of
 * what set its peak of 325-350 MiB. Letting the heap grow by a quarter instead gave 270-300 MiB
 * in the same time (five runs each, built by the CLI), and the example paper's cold build was
 * unchanged.
 *
 * Not for a batch or --watch: there every collection marks the same code and fonts again, and a
 * batch of 120 papers took 15-35% longer.
 *
 * V8 reads this flag each time it sets the heap's next limit, so setting it once the process
 * runs takes effect at the next full collection.
 */
import v8 from 'node:v8';

export const ONE_OFF_HEAP_GROWTH_PERCENT = 25;

export function keepHeapSmall(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${ONE_OFF_HEAP_GROWTH_PERCENT}`);
}
