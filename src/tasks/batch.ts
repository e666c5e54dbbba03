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
  /**
   * True if the batch had not started and will now never run. A running batch
   * is asked to stop instead (its task's AbortSignal fires; task-context.ts), and
   * this returns false.
   */
  cancel(): boolean;
}

/**
 * One batch's life, shared by the worker and async backends: queued, then
 * either started (claim() by whoever runs it) or cancelled (handle.cancel(),
 * which only succeeds while it is still queued).
 */
/**
 * A batch's outcome promise with its settle functions. Already handled: a batch
 * nobody awaits any more (early stop, abort) must not become an unhandled rejection.
 */
export function pendingOutcome(): { promise: Promise<BatchOutcome>; resolve: (o: BatchOutcome) => void; reject: (e: unknown) => void } {
  let resolve!: (o: BatchOutcome) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<BatchOutcome>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export function batchLifecycle(): {
  handle: ChunkHandle;
  claim: () => boolean;
  resolve: (o: BatchOutcome) => void;
  reject: (e: unknown) => void;
  /** How to abort the batch once it runs (the backend's job.abort). */
  setAbort: (abort: () => void) => void;
} {
  let abortRunning: (() => void) | undefined;
  let state: 'queued' | 'started' | 'cancelled' | 'done' = 'queued';
  const { promise, resolve, reject } = pendingOutcome();
  return {
    handle: {
      promise,
      cancel() {
        if (state !== 'done') abortRunning?.();
        if (state !== 'queued') return false;
        state = 'cancelled';
        reject(new CancelledError('the task was cancelled before it started'));
        return true;
      },
    },
    claim: () => {
      if (state !== 'queued') return false;
      state = 'started';
      return true;
    },
    resolve: (o) => {
      state = 'done';
      resolve(o);
    },
    reject: (e) => {
      state = 'done';
      reject(e);
    },
    setAbort: (abort) => {
      abortRunning = abort;
    },
  };
}

/** Batches' values as one array, in order: concat copies a whole batch at once, far faster than a push per value. */
export function concatValues(parts: readonly unknown[][]): unknown[] {
  // Spread in slices: a spread of too many arrays would overflow the stack (batches of one give one per task).
  const SLICE = 4096;
  let out: unknown[] = [];
  for (let i = 0; i < parts.length; i += SLICE) out = out.concat(...parts.slice(i, i + SLICE));
  return out;
}
