/**
 * The names and the timing contract every part of the bench shares. This file
 * imports nothing, so that the context, the servers and the workloads can all
 * depend on it without an import cycle.
 */

/** Every contender the report names, in report order. */
export const CONTENDERS = ['wasmpar', 'wasm-1t', 'plain-js', 'piscina', 'tinypool', 'workerpool', 'native', 'native-1t', 'libm', 'numpy', 'numexpr', 'tfjs-wasm'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

/** Thrown by a contender factory that cannot run here; `message` (the reason) goes into the report. */
export class Skip extends Error {
  override name = 'Skip';
}

/** Something timed: `time(budgetMs)` runs it repeatedly for about that long and returns ms per op, one per rep. */
export interface Runner {
  time(budgetMs: number): Promise<number[]>;
  dispose?(): void | Promise<void>;
}
