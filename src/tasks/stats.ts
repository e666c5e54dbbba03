/**
 * Counters of a task pool or executor (pool.stats(), executor.stats()), named
 * as engine.stats() names its own (src/engine/stats.ts): opsCompleted there,
 * tasksCompleted here; queueDepth and workersReplaced alike.
 */
export interface TaskStats {
  /** Calls that returned a value. */
  tasksCompleted: number;
  /** Calls that threw, and calls lost with their worker (crash, timeout). */
  tasksFailed: number;
  /** Calls cancelled before they started, or ended by terminate(). */
  tasksCancelled: number;
  /** Calls handed to a worker and not finished. */
  tasksRunning: number;
  /** Calls waiting for a worker. */
  queueDepth: number;
  /** Workers alive now ('worker' backend; for the other backends, the concurrency). */
  workers: number;
  /** Workers started in place of one that crashed, timed out or was recycled. */
  workersReplaced: number;
}

export function emptyStats(): TaskStats {
  return { tasksCompleted: 0, tasksFailed: 0, tasksCancelled: 0, tasksRunning: 0, queueDepth: 0, workers: 0, workersReplaced: 0 };
}
