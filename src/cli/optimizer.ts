/**
 * How soon V8 optimises a function (TurboFan): after it has run 8 times as much as V8's
 * default asks (its "interrupt budget": bytecode run between checks, 66 KB).
 *
 * TurboFan compiles on V8's helper threads, and on two cores that is processor time taken
 * from the papers. At V8's default a cold build of the example optimised some 270 functions,
 * and a batch of 40 papers some 960, going on with more as they grew warm: in a batch of 120
 * the helper threads spent 5-6 s compiling, a fifth of the batch's processor time. At 8 times
 * the budget, some 95 and 270: the code that matters is still optimised, and what runs a few
 * times a paper stays in the baseline tiers (Ignition, Sparkplug). Measured against V8's
 * default, each way run in turn: a cold build of the example 1.55-2.0 s against 1.93-2.15
 * (processor time 1.9-2.3 s against 2.7-2.9); the 99-page paper 2.9 s against 3.3; a
 * `--watch` rebuild 63-74 ms against 72-82 (medians); 120 papers with two jobs 13.1 s against
 * 14.2 (4 times: 13.7; 16 and 32 times were slower than 8).
 *
 * V8 reads the budget each time it sets a function's, so setting it once the process runs
 * takes effect: the CLI sets it first thing, before the bundle and its code cache are loaded
 * (V8 checks the cache against its flags) and before any worker thread starts (V8's flags are
 * the process's). A budget given to node (`node --interrupt-budget=N`; node refuses it in
 * NODE_OPTIONS) is left as it is.
 *
 * Only on the V8 this was measured on (11.3, node 20): later ones tier up differently (Maglev
 * between the baseline and TurboFan, with a budget of its own and TurboFan's default at
 * 132 KB), and a V8 without the flag would print "unrecognized flag" at every run.
 */
import v8 from 'node:v8';

const INTERRUPT_BUDGET_KB = 8 * 66;

/** Whether this node's V8 is the one the budget was measured on. */
export const MEASURED_V8 = /^11\.3\./.test(process.versions.v8);

export function optimiseOnlyHotCode(): void {
  const given = process.execArgv.some((arg) => /^--interrupt[-_]budget=/.test(arg));
  if (MEASURED_V8 && !given) v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET_KB * 1024}`);
}
