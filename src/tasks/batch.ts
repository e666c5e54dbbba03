/** One batch of task calls, as every backend reports it and every task API consumes it. */
import { CancelledError } from '../errors.js';

export interface BatchOutcome {
  /** Results of the calls that completed, in order (all of them unless `hasError`). */
  values: unknown[];
  hasError: boolean;
  /** The error thrown by call number `values.length`. */
  error?: unknown;
  /** Time the worker spent running the batch, in ms. */
  ms: number;
}

/** One batch on the task pool, as a promise of its outcome plus a way to cancel it while queued. */
export interface ChunkHandle {
  promise: Promise<BatchOutcome>;
  /** True if the batch had not been sent to a worker and will now never run. */
  cancel(): boolean;
}

/**
 * One batch's life, shared by the worker and async backends: queued, then
 * either started (claim() by whoever runs it) or cancelled (handle.cancel(),
 * which only succeeds while it is still queued).
 */
export function batchLifecycle(signalled = false): {
  handle: ChunkHandle;
  claim: () => boolean;
  resolve: (o: BatchOutcome) => void;
  reject: (e: unknown) => void;
  /** With `signalled`: aborted by handle.cancel(), queued or running (for backends that can stop a running batch). */
  signal?: AbortSignal;
} {
  const stop = signalled ? new AbortController() : undefined;
  let state: 'queued' | 'started' | 'cancelled' = 'queued';
  let resolve!: (o: BatchOutcome) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<BatchOutcome>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody awaits any more (early stop, abort) must not become an unhandled rejection.
  promise.catch(() => {});
  return {
    handle: {
      promise,
      cancel() {
        stop?.abort();
        if (state !== 'queued') return false;
        state = 'cancelled';
        reject(new CancelledError('the task was cancelled before it started'));
        return true;
      },
    },
    claim: () => {
      if (state === 'cancelled') return false;
      state = 'started';
      return true;
    },
    signal: stop?.signal,
    resolve: (o) => resolve(o),
    reject: (e) => reject(e),
  };
}
