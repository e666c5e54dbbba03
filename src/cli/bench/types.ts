/**
 * The shapes the benchmark is built from: a workload names its contenders, each
 * contender is a factory that returns a Runner (or throws Skip with the reason).
 */
import type { BenchContext } from './context.js';

/** Every contender the report names, in report order. */
export const CONTENDERS = ['wasmpar', 'wasm-1t', 'plain-js', 'piscina', 'tinypool', 'workerpool', 'native', 'numpy', 'numexpr', 'tfjs-wasm'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

/** Thrown by a contender factory that cannot run here; `reason` goes into the report. */
export class Skip extends Error {
  override name = 'Skip';
}

/** Something timed: `time(budgetMs)` runs it repeatedly for about that long and returns ms per op, one per rep. */
export interface Runner {
  time(budgetMs: number): Promise<number[]>;
  dispose?(): void | Promise<void>;
}

export type ContenderFactory = (ctx: BenchContext, n: number) => Promise<Runner>;

export interface Workload {
  /** The id `--filter` matches. */
  name: string;
  /** One line for people, e.g. "map('sin') f64". */
  title: string;
  /** Throughput unit, e.g. 'Melem/s', 'GFLOP/s', 'tasks/s'. */
  unit: string;
  /** Problem size (elements, matrix order, tasks) in quick and full runs. */
  size: { quick: number; full: number };
  /** Units of work in one op of size n: throughput = work(n) / seconds. */
  work(n: number): number;
  /** Size for people, e.g. "8M f64". */
  describe(n: number): string;
  /** Contenders this workload has a form for; the others are "n/a" in the report. */
  contenders: Partial<Record<ContenderName, ContenderFactory>>;
  /** Extra words for the report (what each side does). */
  notes?: string;
}

/** A workload file's default export. */
export type WorkloadModule = { default: Workload };
