/**
 * Where task calls run. parallel() and Executor talk to a backend only through
 * this interface, and pick one by name (index.ts).
 *
 * Adding a backend: write src/tasks/backends/<name>.ts with a class that
 * implements TaskBackend (submit runs a batch's calls in order and reports them
 * as one BatchOutcome; close/join/terminate end it), add its name to
 * BackendName and its factory to BACKENDS in index.ts. Resolve `{ module, name }`
 * references with worker/module-ref.ts, so they mean the same on every backend.
 */
import type { BatchOutcome } from '../batch.js';
import type { TaskStats } from '../stats.js';
import type { TaskFn } from '../worker/task-fn.js';

/** One call: `fn(...args)`. A Delayed is one. */
export interface TaskCall {
  readonly fn: TaskFn;
  readonly args: readonly unknown[];
}

export interface BackendJob {
  calls: readonly TaskCall[];
  /** Called when the batch is about to start; false drops it (it was cancelled while queued). */
  claim?: () => boolean;
  resolve(outcome: BatchOutcome): void;
  /** Failures of the backend itself (crash, termination, timeout); a task's own error resolves with hasError. */
  reject(err: unknown): void;
  /** Per call, in ms; the batch gets `timeoutMs × calls`. */
  timeoutMs?: number;
  /** The error for a timeout. */
  onTimeout?: () => unknown;
  /** Set by the backend: fires the signal of the batch's running task (task-context.ts); nothing if it is not running. */
  abort?: () => void;
  /** Set by a backend that can: ends the batch now (its worker thread, if it runs), rejecting it with `err`. */
  stop?: (err: unknown) => void;
}

export interface BackendOptions {
  /** Batches running at once: worker threads, or calls in flight. */
  concurrency: number;
  /** Run once per worker ('worker'), or once before the first call (local backends). */
  initializer?: TaskFn;
  initargs?: unknown[];
}

export interface TaskBackend {
  readonly name: string;
  readonly concurrency: number;
  /** Queue a batch; throws DisposedError after close()/terminate(). */
  submit(job: BackendJob): void;
  /** No more batches; queued ones still run. */
  close(): void;
  /** Resolves once closed and everything submitted has settled. */
  join(): Promise<void>;
  /** Reject what is queued or running with DisposedError and stop now (worker threads are ended by force). */
  terminate(): Promise<void>;
  /** Stop keeping the process alive for work still running (after shutdown({ wait: false, cancelFutures: true })). */
  release(): void;
  /** Counters: completed, failed, cancelled, queued, running, workers (stats.ts). */
  stats(): TaskStats;
  /** What a call of `fn` has cost here so far (ms), if the backend measures it and it has run. */
  costPerCall?(fn: TaskFn): number | undefined;
}
