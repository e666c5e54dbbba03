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
  /**
   * cancel(), and then, as joblib ends its workers when a call fails: a running
   * batch still running `graceMs` later is ended by force (its worker thread is
   * ended and replaced), on backends that can; others leave it running.
   */
  stop(graceMs: number): void;
}

/** How long a running task asked to stop (its AbortSignal fired) has before its thread is ended. */
export const CANCEL_GRACE_MS = 1000;

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
  /** How to end the batch's thread once it runs (the backend's job.stop). */
  setStop: (stop: (err: unknown) => void) => void;
} {
  let abortRunning: (() => void) | undefined;
  let endRunning: ((err: unknown) => void) | undefined;
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
      stop(graceMs) {
        if (this.cancel() || state !== 'started' || !endRunning) return;
        const end = endRunning;
        // unref(): the running worker already keeps the process alive, and it is what this ends.
        const timer = setTimeout(() => {
          if (state === 'started') end(new CancelledError(`the task was ended: it had not stopped ${graceMs} ms after it was cancelled`));
        }, graceMs);
        timer.unref?.();
        const clear = () => clearTimeout(timer);
        promise.then(clear, clear);
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
    setStop: (stop) => {
      endRunning = stop;
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
