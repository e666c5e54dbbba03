/**
 * concurrent.futures executors. backend 'worker' is ProcessPoolExecutor on
 * worker threads (CPU work); backend 'async' is the faithful answer to
 * ThreadPoolExecutor for I/O: promise-returning functions run on the calling
 * thread with at most maxWorkers in flight (closures are fine there).
 */
import { DisposedError } from '../errors.js';
import type { ChunkHandle } from './batch.js';
import { createBackend } from './backends/index.js';
import type { BackendJob, TaskBackend } from './backends/backend.js';
import { BULLMQ_OPTION_KEYS, type BullmqOptions } from './backends/bullmq-options.js';
import { checkOptionKeys, checkSignal, cpuCount, defaultWorkers, isIterable, positiveInt, submitBatch, toAsyncIterator } from './common.js';
import { checkTimeout, Future, setFutureAbort } from './future.js';
import type { TaskStats } from './stats.js';
import { OpenStreams, streamChunks } from './stream.js';
import { isModuleRef, toWireFn, type Awaited2, type TaskFn } from './worker/task-fn.js';
/** One (async) iterable per parameter of the mapped function. */
type IterablesFor<A extends unknown[]> = { [K in keyof A]: Iterable<A[K]> | AsyncIterable<A[K]> };

/** The option keys `new Executor` knows. */
export const EXECUTOR_OPTIONS = ['maxWorkers', 'backend', 'initializer', 'initargs', 'engine', ...BULLMQ_OPTION_KEYS];

export type ExecutorBackend = 'worker' | 'async' | 'bullmq';

/** `connection`, `queue`, ... are for backend 'bullmq' (README "Scale-out"). */
export interface ExecutorOptions extends BullmqOptions {
  /**
   * Concurrency: worker threads, or calls in flight for 'async' (default: CPU count; min(32, CPUs + 4) for 'async').
   * For 'bullmq': chunks `map` keeps in flight (the workers' own --concurrency is theirs).
   */
  maxWorkers?: number;
  backend?: ExecutorBackend;
  /** Runs once per worker thread ('worker') or once before the first call ('async'). */
  initializer?: TaskFn;
  initargs?: unknown[];
  /** Used only to size the default worker count. */
  engine?: { readonly threads: number };
}

export interface ExecutorMapOptions {
  /** Items per message to a worker ('worker' backend). Default 1. */
  chunkSize?: number;
  /** Chunks submitted ahead of the consumer. Default 2 × maxWorkers. */
  bufferSize?: number;
  signal?: AbortSignal;
  /**
   * Milliseconds from the map() call by which each result must be ready (Python's
   * `timeout`): past it the iterator throws TimeoutError and cancels what has not started.
   */
  timeout?: number;
}

export interface ShutdownOptions {
  /** Wait for submitted work to finish (default true). */
  wait?: boolean;
  /** Cancel work that has not started (default false). */
  cancelFutures?: boolean;
}

export class Executor implements AsyncDisposable {
  readonly maxWorkers: number;
  readonly backend: ExecutorBackend;
  readonly #backend: TaskBackend;
  #isShutdown = false;
  #futures = new Set<Future<unknown>>();
  #handles = new Set<ChunkHandle>();
  readonly #streams = new OpenStreams();

  constructor(options: ExecutorOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('Executor options must be an object');
    checkOptionKeys(options, 'new Executor', EXECUTOR_OPTIONS);
    const backend = options.backend ?? 'worker';
    if (backend !== 'worker' && backend !== 'async' && backend !== 'bullmq') {
      throw new TypeError(`new Executor: backend must be 'worker', 'async' or 'bullmq'; got ${JSON.stringify(backend)}`);
    }
    this.backend = backend;
    this.maxWorkers =
      backend === 'async' && options.maxWorkers == null && options.engine == null
        ? Math.min(32, cpuCount() + 4)
        : defaultWorkers(options.maxWorkers, options.engine, 'maxWorkers');
    if (options.initargs !== undefined && !Array.isArray(options.initargs)) throw new TypeError('initargs must be an array');
    const initializer = options.initializer;
    if (initializer !== undefined) {
      // Checked here, where the mistake is, rather than on the first task.
      if (backend === 'bullmq') {
        throw new TypeError("initializer is not supported on backend 'bullmq' (workers are shared): do the setup in a module the task imports");
      }
      if (backend === 'worker') toWireFn(initializer, 'initializer');
      else if (typeof initializer !== 'function' && !isModuleRef(initializer)) {
        throw new TypeError('initializer must be a function or a { module, name } reference');
      }
    }
    this.#backend = createBackend(backend, { ...options, concurrency: this.maxWorkers, initializer, initargs: options.initargs ?? [] });
  }

  #checkOpen(): void {
    if (this.#isShutdown) throw new DisposedError('cannot schedule new work after shutdown');
  }

  /** Schedule fn(...args); returns its Future. */
  submit<A extends unknown[], R>(fn: TaskFn<A, R>, ...args: A): Future<Awaited2<R>> {
    this.#checkOpen();
    const future = new Future<Awaited2<R>>();
    const f = future as Future<unknown>;
    const futures = this.#futures;
    if (typeof fn !== 'function') toWireFn(fn); // a bad fn throws here, on every backend
    futures.add(f);
    // Bookkeeping in the job's own callbacks rather than a done-callback: this is on every round trip.
    const job: BackendJob = {
      calls: [{ fn: fn as TaskFn, args }],
      claim: () => {
        if (f.setRunningOrNotifyCancel()) return true;
        futures.delete(f); // cancelled while queued
        return false;
      },
      // A backend that dropped the call at its source may still report it: the future was
      // cancelled meanwhile, and that outcome has nowhere to go.
      resolve: (o) => {
        futures.delete(f);
        if (f.done()) return;
        if (o.hasError) f.setException(o.error);
        else f.setResult(o.values[0]);
      },
      reject: (e) => {
        futures.delete(f);
        if (!f.done()) f.setException(e);
      },
    };
    this.#backend.submit(job);
    setFutureAbort(f, () => job.abort?.());
    return future;
  }

  /**
   * Ordered async iterator of fn(...items), zipping the iterables (shortest wins).
   * Input is read lazily; breaking out of the loop cancels what has not started.
   */
  map<A extends unknown[], R>(fn: TaskFn<A, R>, ...iterables: IterablesFor<A>): AsyncGenerator<Awaited2<R>, void, undefined>;
  map<A extends unknown[], R>(fn: TaskFn<A, R>, ...iterablesAndOptions: [...IterablesFor<A>, ExecutorMapOptions]): AsyncGenerator<Awaited2<R>, void, undefined>;
  map<R>(fn: TaskFn<never[], R>, ...iterablesAndOptions: unknown[]): AsyncGenerator<Awaited2<R>, void, undefined> {
    this.#checkOpen();
    let options: ExecutorMapOptions = {};
    const last = iterablesAndOptions[iterablesAndOptions.length - 1];
    if (iterablesAndOptions.length > 1 && last !== null && typeof last === 'object' && !isIterable(last)) {
      options = iterablesAndOptions.pop() as ExecutorMapOptions;
    }
    const iterables = iterablesAndOptions as (Iterable<unknown> | AsyncIterable<unknown>)[];
    if (iterables.length === 0) throw new TypeError('map needs at least one iterable');
    iterables.forEach((it, i) => {
      if (!isIterable(it)) throw new TypeError(`map: argument ${i + 1} must be an iterable or async iterable`);
    });
    checkOptionKeys(options, 'Executor.map', ['chunkSize', 'bufferSize', 'signal', 'timeout']);
    const timeout = checkTimeout(options.timeout, 'Executor.map: timeout');
    const deadline = timeout === undefined ? undefined : { at: performance.now() + timeout, ms: timeout, what: 'Executor.map' };
    const chunkSize = options.chunkSize == null ? 1 : positiveInt(options.chunkSize, 'chunkSize');
    const window = options.bufferSize == null ? 2 * this.maxWorkers : positiveInt(options.bufferSize, 'bufferSize');
    const signal = checkSignal(options.signal);
    if (typeof fn !== 'function') toWireFn(fn);
    const backend = this.#backend;
    const start = (calls: unknown[][]) => submitBatch(backend, calls.map((args) => ({ fn: fn as TaskFn, args })));
    return streamChunks<unknown[], Awaited2<R>>(zip(iterables), (calls) => this.#track(start(calls)), {
      chunkSize,
      window,
      ordered: true,
      signal,
      deadline,
      // Python submits a whole map at the call (unless given a buffersize): shutdown() lets it finish.
      streams: options.bufferSize == null ? this.#streams : undefined,
    });
  }

  #track(h: ChunkHandle): ChunkHandle {
    this.#handles.add(h);
    const drop = () => this.#handles.delete(h);
    h.promise.then(drop, drop);
    return h;
  }

  /**
   * Stop accepting work; optionally cancel what has not started (and ask running
   * tasks to stop: their AbortSignal fires); optionally wait for the rest. With
   * `{ wait: false, cancelFutures: true }` running tasks no longer keep the process
   * alive: a task that never returns cannot keep a script from ending.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    checkOptionKeys(options, 'shutdown', ['wait', 'cancelFutures']);
    const { wait = true, cancelFutures = false } = options;
    this.#isShutdown = true;
    if (cancelFutures) {
      for (const f of [...this.#futures]) f.cancel();
      for (const h of [...this.#handles]) h.cancel();
    }
    if (cancelFutures || this.#streams.size === 0) this.#backend.close();
    else {
      const closed = this.#streams.drain().then(() => this.#backend.close());
      if (wait) await closed;
    }
    if (!wait) {
      if (cancelFutures) this.#backend.release();
      return;
    }
    const settled = (p: PromiseLike<unknown>) => Promise.resolve(p).then(() => {}, () => {});
    await Promise.all([
      ...[...this.#futures].map((f) => settled(f.exception().catch(() => {}))),
      ...[...this.#handles].map((h) => settled(h.promise)),
    ]);
    await this.#backend.join();
  }

  /**
   * The last resort: end every worker by force, now. Queued and running futures
   * end cancelled, and the executor is shut down. (Backend 'async' cannot end a
   * call running on this thread: those are only asked to stop.)
   */
  async terminate(): Promise<void> {
    this.#isShutdown = true;
    for (const f of [...this.#futures]) f.cancel();
    await this.#backend.terminate();
  }

  /** Counters: tasks completed, failed, cancelled; queue depth; workers alive and replaced. */
  stats(): TaskStats {
    return this.#backend.stats();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}

async function* zip(iterables: (Iterable<unknown> | AsyncIterable<unknown>)[]): AsyncGenerator<unknown[]> {
  const its = iterables.map((it) => toAsyncIterator(it, 'iterable'));
  try {
    for (;;) {
      const rs = await Promise.all(its.map((i) => i.next()));
      if (rs.some((r) => r.done)) return;
      yield rs.map((r) => r.value);
    }
  } finally {
    await Promise.all(its.map((i) => i.return?.()));
  }
}
