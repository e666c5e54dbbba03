/**
 * What a workload file exports: a workload names its contenders, each contender
 * a factory that returns a Runner (or throws Skip with the reason).
 */
import type { BenchContext } from './context.js';
import type { ContenderName, Runner } from './runner.js';

export { CONTENDERS, Skip, type ContenderName, type Runner } from './runner.js';

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
export type WorkloadModule = { default: Workload | Workload[] };
