/**
 * An operation is written ONCE as a generator that yields kernel jobs and gets
 * back each job's per-chunk partials. The engine drives the same generator
 * synchronously (`sumSync`) or asynchronously (`await sum`), which is why the two
 * forms give bit-identical results: same jobs, same chunks, same combine order.
 * `try/finally` inside an op frees scratch memory on every path: when a job fails
 * (or is cancelled) the driver hands the error back with `generator.throw(err)`, so
 * it surfaces at the op's `yield` and unwinds through the op's own `finally` blocks.
 */
import type { Dtype } from '../memory/dtypes.js';
import type { JobOutcome } from '../runtime/job-outcome.js';

export type { Partials } from '../runtime/job-outcome.js';

/** A handle to an exported kernel of a module loaded on every thread. */
export interface KernelRef {
  /** Slot of the module in the engine's module table (0 = the built-in kernels). */
  readonly module: number;
  /** Index of the export in that module's kernel table. */
  readonly index: number;
  readonly name: string;
}

export interface KernelJob {
  /** Export name in the built-in module (e.g. 'sum_f64'), or a handle to a user kernel. */
  kernel: string | KernelRef;
  /** Elements: the kernel runs over [0, n) in chunks. */
  n: number;
  /**
   * Chunk size in elements. Boundaries are multiples of it; it must depend only on
   * the problem (n, op), never on the thread count, so results are reproducible.
   * Omitted: chosen by the scheduler from n and `cost`.
   */
  chunk?: number;
  /** Arguments after (start, end): byte addresses and numbers (at most MAX_ARGS = 16, runtime/protocol.ts). */
  args: readonly number[];
  /** Collect each chunk's f64 return value; the op receives them in chunk order. */
  partials?: boolean;
  /**
   * Relative cost per element (1 = a streaming copy, ~20 = sin). Drives the inline
   * threshold (small jobs run on the calling thread only) and the chunk size.
   */
  cost?: number;
}

/** The driver sends each job's outcome (per-chunk partials, or nothing) back into the generator. */
export type Op<T> = Generator<KernelJob, T, JobOutcome>;

/** One staged or in-place array argument, as seen by an op. */
export interface ArrayArg {
  /** Byte address of element 0 in the shared memory. */
  readonly ptr: number;
  readonly length: number;
  readonly dtype: Dtype;
  /** The array on the shared memory (the user's own, or the staging copy). */
  readonly view: ArrayBufferView & { length: number };
}

export type { Dtype };
