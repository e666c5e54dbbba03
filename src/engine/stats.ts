/** engine.stats(): counters for monitoring (soak tests, dashboards). */
import { CancelledError } from '../errors.js';

export interface EngineStats {
  /** Op calls (async and Sync) that returned a result. */
  opsCompleted: number;
  /** Op calls that threw or rejected (bad arguments, kernel traps, crashes, disposal, out of memory). */
  opsFailed: number;
  /** Op calls that ended with CancelledError (their AbortSignal fired). */
  opsCancelled: number;
  /** Async op calls not yet settled (queued or running). */
  opsPending: number;
  /** Kernel jobs waiting behind the one that runs. */
  queueDepth: number;
  /** Bytes allocated on the shared heap now (arrays and op scratch). */
  bytesInUse: number;
  /** The most bytes ever allocated at once. */
  peakBytes: number;
  /** The shared memory's current size in bytes (it grows on demand up to the maximum). */
  memoryBytes: number;
  /** The size the memory may grow to (memory.maximum). */
  maximumBytes: number;
  /** Threads that compute, the caller included. */
  threads: number;
  /** Workers that died unexpectedly and were replaced. */
  workersReplaced: number;
}

/** The op counters behind EngineStats. */
export class OpCounters {
  completed = 0;
  failed = 0;
  cancelled = 0;
  pending = 0;

  /** Count a call that threw or rejected. */
  failedWith(error: unknown): void {
    if (error instanceof CancelledError) this.cancelled++;
    else this.failed++;
  }

  /** Count the settlement of an async call without changing what the caller sees. */
  track<T>(p: Promise<T>): Promise<T> {
    this.pending++;
    p.then(() => { this.pending--; this.completed++; }, (err: unknown) => { this.pending--; this.failedWith(err); });
    return p;
  }
}
