/** The options of parallel() (joblib's Parallel), shared by parallel.ts, its dispatch loop and parallelConfig. */
import { BULLMQ_OPTION_KEYS, type BullmqOptions } from './backends/bullmq-options.js';
import type { BackendName } from './backends/index.js';
import type { LogFn } from './verbose.js';

export type ParallelBackend = BackendName;
export type ReturnAs = 'list' | 'generator' | 'generator_unordered';

/** The option keys parallel() and parallelConfig() know (a backend that needs more adds its keys here). */
export const PARALLEL_OPTIONS = ['nJobs', 'backend', 'batchSize', 'preDispatch', 'returnAs', 'timeout', 'verbose', 'log', ...BULLMQ_OPTION_KEYS];

/** `connection`, `queue`, ... are for backend 'bullmq' (README "Scale-out"). */
export interface ParallelOptions extends BullmqOptions {
  /**
   * joblib arithmetic: n >= 1 workers; -1 all CPUs, -2 all but one, ...; 0 is an error. Default 1 (as joblib).
   * For 'bullmq': batches in flight (size it to the workers' total --concurrency); 1 does not mean sequential there.
   */
  nJobs?: number;
  backend?: ParallelBackend;
  /** Tasks per message to a worker; 'auto' (default) adapts, as joblib does. */
  batchSize?: 'auto' | number;
  /** Tasks read from the input ahead of completion: a number, 'all', or an expression like '2*n_jobs' (default). */
  preDispatch?: number | string;
  returnAs?: ReturnAs;
  /** Milliseconds a task may run ('worker': its thread is ended and replaced; 'async' / 'sequential': it is abandoned). */
  timeout?: number;
  /** joblib's verbosity: progress lines on stderr (stdout from 50), or to `log`. */
  verbose?: number | boolean;
  log?: LogFn;
}
