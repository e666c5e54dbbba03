/** Counters of a task pool or executor: what ran, what failed, what waits (pool.stats(), executor.stats()). */
export interface TaskStats {
  /** Calls that returned a value. */
  completed: number;
  /** Calls that threw, and calls lost with their worker (crash, timeout). */
  failed: number;
  /** Calls cancelled before they started, or ended by terminate()/shutdown({ cancelFutures }). */
  cancelled: number;
  /** Calls waiting for a worker. */
  queued: number;
  /** Calls handed to a worker and not finished. */
  running: number;
  /** Workers alive now ('worker' backend; for local backends, the concurrency). */
  workers: number;
  /** Workers started to replace one that crashed, timed out, was recycled or terminated by force. */
  workersReplaced: number;
}

export function emptyStats(): TaskStats {
  return { completed: 0, failed: 0, cancelled: 0, queued: 0, running: 0, workers: 0, workersReplaced: 0 };
}
