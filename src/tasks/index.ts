/** Python-style task APIs: multiprocessing.Pool, concurrent.futures, joblib. */
export { Pool, type PoolOptions, type ChunkOptions } from './pool.js';
export {
  Executor,
  type ExecutorOptions,
  type ExecutorBackend,
  type ExecutorMapOptions,
  type ShutdownOptions,
} from './executor.js';
export { Future, type WaitOptions } from './future.js';
export { asCompleted, wait, type CompletedFuture, type AsCompletedOptions, type WaitForOptions, type ReturnWhen, type DoneAndNotDone } from './wait.js';
export {
  parallel,
  delayed,
  type Delayed,
  type ParallelOptions,
  type ParallelBackend,
  type ReturnAs,
  type ParallelList,
  type ParallelGenerator,
} from './parallel.js';
export { parallelConfig } from './config.js';
export { taskContext, type TaskContext } from './task-context.js';
export type { TaskStats } from './stats.js';
export type { ModuleRef, TaskFn } from './worker/task-fn.js';
export type { LogFn } from './verbose.js';
export { taskEngine } from './task-engine.js';
