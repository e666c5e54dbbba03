/** Small helpers shared by the task APIs: argument checks, defaults, job plumbing. */
import { checkKeys } from '../engine/options.js';
import { CancelledError, TimeoutError } from '../errors.js';
import { timerFor } from './timer.js';
import { availableParallelism } from 'node:os';
import { batchLifecycle, type ChunkHandle } from './batch.js';
import type { BackendJob, TaskBackend, TaskCall } from './backends/backend.js';
import type { TaskJob, TaskPool } from './worker/task-pool.js';
import type { WireFn } from './worker/protocol.js';

/** Anything with a thread count: an Engine, or `{ threads }`. Used only to size defaults. */
export interface EngineLike {
  readonly threads: number;
}

export function cpuCount(): number {
  return Math.max(1, availableParallelism());
}

/** An options object: undefined, or an object whose keys are all known (a typo is a TypeError naming the known keys). */
export function checkOptionKeys(options: unknown, where: string, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object; got ${options === null ? 'null' : typeof options}`);
  }
  checkKeys(options, where, known);
}

/** A TypeError unless `x` is iterable (or async iterable), naming the argument. */
export function checkIterable(x: unknown, what: string): void {
  if (!isIterable(x)) throw new TypeError(`${what} must be an iterable or async iterable; got ${x === null ? 'null' : typeof x}`);
}

export function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`${what} must be an integer >= 1, got ${String(v)}`);
  }
  return v;
}

export function defaultWorkers(explicit: unknown, engine: unknown, what: string): number {
  if (explicit !== undefined && explicit !== null) return positiveInt(explicit, what);
  if (engine !== undefined && engine !== null) {
    const t = (engine as EngineLike).threads;
    if (typeof engine !== 'object' || typeof t !== 'number') {
      throw new TypeError('engine must be an Engine (an object with a numeric `threads`)');
    }
    return Math.max(1, t);
  }
  return cpuCount();
}

/** One batch on any backend, as a ChunkHandle. */
export function submitBatch(
  backend: TaskBackend,
  calls: readonly TaskCall[],
  extra: Partial<Pick<BackendJob, 'timeoutMs' | 'onTimeout'>> = {},
): ChunkHandle {
  const batch = batchLifecycle();
  const job: BackendJob = { calls, ...extra, claim: batch.claim, resolve: batch.resolve, reject: batch.reject };
  backend.submit(job);
  batch.setAbort(() => job.abort?.());
  batch.setStop((err) => job.stop?.(err));
  return batch.handle;
}

/** One batch straight on the task pool (Pool's path: no per-call objects). */
export function runOnPool(
  pool: TaskPool,
  fns: WireFn[],
  calls: TaskJob['calls'],
  extra: Partial<Pick<TaskJob, 'unary' | 'fi' | 'timeoutMs' | 'onTimeout'>> = {},
): ChunkHandle {
  const batch = batchLifecycle();
  const job: TaskJob = { fns, calls, ...extra, claim: batch.claim, resolve: batch.resolve, reject: batch.reject };
  pool.submit(job);
  batch.setAbort(() => job.abort?.());
  batch.setStop((err) => pool.stop(job, err));
  return batch.handle;
}

const ARRAY_VALUES = Array.prototype[Symbol.iterator];

/** An array whose iteration is the built-in one: it can be read by index and sliced instead of iterated. */
export function isPlainArray(x: unknown): x is readonly unknown[] {
  return Array.isArray(x) && x[Symbol.iterator] === ARRAY_VALUES;
}

export function isIterable(x: unknown): x is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'string') &&
    (typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}

export function toAsyncIterator<T>(x: Iterable<T> | AsyncIterable<T>, what: string): AsyncIterator<T> | Iterator<T> {
  if (x !== null && typeof x === 'object' && typeof (x as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    return (x as AsyncIterable<T>)[Symbol.asyncIterator]();
  }
  if (x !== null && x !== undefined && typeof (x as Iterable<T>)[Symbol.iterator] === 'function') {
    return (x as Iterable<T>)[Symbol.iterator]();
  }
  throw new TypeError(`${what} must be an iterable or async iterable`);
}

/** A promise that rejects with CancelledError when the signal aborts (and never settles otherwise). */
export function abortPromise(signal: AbortSignal | undefined): { promise: Promise<never>; dispose(): void } | undefined {
  if (!signal) return undefined;
  let onAbort: () => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new CancelledError('the operation was aborted', { cause: signal.reason }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * A promise that rejects with TimeoutError at `deadline.at` (performance.now() time;
 * `ms` is the timeout the caller gave, for the message), or undefined without one.
 */
export function deadlinePromise(deadline: { at: number; ms: number } | undefined, what: string): { promise: Promise<never>; dispose(): void } | undefined {
  if (!deadline) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = timerFor(Math.max(0, deadline.at - performance.now()), () => reject(new TimeoutError(`${what}: a result was not ready within ${deadline.ms} ms of the call`)));
  });
  promise.catch(() => {});
  return { promise, dispose: () => clearTimeout(timer) };
}

export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (!(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  return signal;
}
