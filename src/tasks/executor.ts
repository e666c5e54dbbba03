/**
 * concurrent.futures executors. backend 'worker' is ProcessPoolExecutor on
 * worker threads (CPU work); backend 'async' is the faithful answer to
 * ThreadPoolExecutor for I/O: promise-returning functions run on the calling
 * thread with at most maxWorkers in flight (closures are fine there).
 */
import { DisposedError } from '../errors.js';
import { TaskPool } from '../runtime/task-pool.js';
import { isModuleRef, toWireFn, type ModuleRef, type TaskFn } from '../runtime/task-fn.js';
import { batchLifecycle, checkSignal, cpuCount, defaultWorkers, isIterable, positiveInt, runOnPool, toAsyncIterator, type ChunkHandle } from './common.js';
import { Future } from './future.js';
import { streamChunks } from './stream.js';

export type ExecutorBackend = 'worker' | 'async';

export interface ExecutorOptions {
  /** Concurrency: worker threads, or calls in flight for 'async' (default: CPU count; min(32, CPUs + 4) for 'async'). */
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
}

export interface ShutdownOptions {
  /** Wait for submitted work to finish (default true). */
  wait?: boolean;
  /** Cancel work that has not started (default false). */
  cancelFutures?: boolean;
}

interface AsyncItem {
  claim(): boolean;
  run(): Promise<void>;
  fail(err: unknown): void;
}

type AnyFn = (...args: unknown[]) => unknown;
type Awaited2<R> = R extends PromiseLike<infer U> ? U : R;
/** One (async) iterable per parameter of the mapped function. */
type IterablesFor<A extends unknown[]> = { [K in keyof A]: Iterable<A[K]> | AsyncIterable<A[K]> };

async function importRef(ref: ModuleRef): Promise<AnyFn> {
  const w = toWireFn(ref) as { m: string; n: string };
  const mod = (await import(w.m)) as Record<string, unknown>;
  const fn = mod[w.n];
  if (typeof fn !== 'function') throw new TypeError(`module '${w.m}' has no exported function named '${w.n}'`);
  return fn as AnyFn;
}

export class Executor implements AsyncDisposable {
  readonly maxWorkers: number;
  readonly backend: ExecutorBackend;
  #pool: TaskPool | undefined;
  #isShutdown = false;
  #futures = new Set<Future<unknown>>();
  #handles = new Set<ChunkHandle>();
  // 'async' backend
  #queue: AsyncItem[] = [];
  #running = 0;
  #init: TaskFn | undefined;
  #initargs: unknown[];
  #initState: 'none' | 'running' | 'ok' | 'failed' = 'none';
  #initError: unknown;

  constructor(options: ExecutorOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('Executor options must be an object');
    const backend = options.backend ?? 'worker';
    if (backend !== 'worker' && backend !== 'async') {
      throw new TypeError(`backend must be 'worker' or 'async', got ${JSON.stringify(backend)}`);
    }
    this.backend = backend;
    this.maxWorkers =
      backend === 'async' && options.maxWorkers == null && options.engine == null
        ? Math.min(32, cpuCount() + 4)
        : defaultWorkers(options.maxWorkers, options.engine, 'maxWorkers');
    if (options.initargs !== undefined && !Array.isArray(options.initargs)) throw new TypeError('initargs must be an array');
    this.#initargs = options.initargs ?? [];
    if (backend === 'worker') {
      this.#pool = new TaskPool({
        size: this.maxWorkers,
        initializer: options.initializer === undefined ? undefined : toWireFn(options.initializer, 'initializer'),
        initargs: this.#initargs,
      });
    } else {
      if (options.initializer !== undefined && typeof options.initializer !== 'function' && !isModuleRef(options.initializer)) {
        throw new TypeError('initializer must be a function or a { module, name } reference');
      }
      this.#init = options.initializer;
      if (this.#init === undefined) this.#initState = 'ok';
    }
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
    if (this.#pool) {
      const wire = [toWireFn(fn)];
      futures.add(f);
      // Bookkeeping in the job's own callbacks rather than a done-callback: this is on every round trip.
      this.#pool.submit({
        fns: wire,
        calls: [args],
        claim: () => {
          if (f.setRunningOrNotifyCancel()) return true;
          futures.delete(f); // cancelled while queued
          return false;
        },
        resolve: (o) => {
          futures.delete(f);
          if (o.hasError) f.setException(o.error);
          else f.setResult(o.values[0]);
        },
        reject: (e) => {
          futures.delete(f);
          f.setException(e);
        },
      });
    } else {
      futures.add(f);
      f.addDoneCallback(() => futures.delete(f));
      const call = this.#asyncCallable(fn as TaskFn);
      this.#enqueue({
        claim: () => f.setRunningOrNotifyCancel(),
        run: async () => {
          try {
            f.setResult(await (await call)(...args));
          } catch (e) {
            f.setException(e);
          }
        },
        fail: (e) => {
          if (f.setRunningOrNotifyCancel()) f.setException(e);
        },
      });
    }
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
    const chunkSize = options.chunkSize == null ? 1 : positiveInt(options.chunkSize, 'chunkSize');
    const window = options.bufferSize == null ? 2 * this.maxWorkers : positiveInt(options.bufferSize, 'bufferSize');
    const signal = checkSignal(options.signal);
    const start = this.#pool
      ? this.#workerChunks(toWireFn(fn))
      : this.#asyncChunks(this.#asyncCallable(fn as TaskFn));
    return streamChunks<unknown[], Awaited2<R>>(zip(iterables), (calls) => this.#track(start(calls)), {
      chunkSize,
      window,
      ordered: true,
      signal,
    });
  }

  #track(h: ChunkHandle): ChunkHandle {
    this.#handles.add(h);
    const drop = () => this.#handles.delete(h);
    h.promise.then(drop, drop);
    return h;
  }

  #workerChunks(wire: ReturnType<typeof toWireFn>): (calls: unknown[][]) => ChunkHandle {
    return (calls) => runOnPool(this.#pool!, [wire], calls);
  }

  #asyncChunks(call: Promise<AnyFn>): (calls: unknown[][]) => ChunkHandle {
    return (calls) => {
      const batch = batchLifecycle();
      this.#enqueue({
        claim: batch.claim,
        run: async () => {
          const values: unknown[] = [];
          const t0 = performance.now();
          try {
            const f = await call;
            for (const args of calls) values.push(await f(...args));
            batch.resolve({ values, hasError: false, ms: performance.now() - t0 });
          } catch (error) {
            batch.resolve({ values, hasError: true, error, ms: performance.now() - t0 });
          }
        },
        fail: batch.reject,
      });
      return batch.handle;
    };
  }

  #asyncCallable(fn: TaskFn): Promise<AnyFn> {
    if (typeof fn === 'function') return Promise.resolve(fn as AnyFn);
    if (isModuleRef(fn)) {
      const p = importRef(fn);
      p.catch(() => {});
      return p;
    }
    throw new TypeError('fn must be a function or a { module, name } reference');
  }

  #enqueue(item: AsyncItem): void {
    this.#queue.push(item);
    this.#pumpAsync();
  }

  #pumpAsync(): void {
    if (this.#initState === 'none') {
      this.#initState = 'running';
      this.#asyncCallable(this.#init!)
        .then((f) => f(...this.#initargs))
        .then(
          () => (this.#initState = 'ok'),
          (e) => {
            this.#initState = 'failed';
            this.#initError = new Error(`the executor's initializer failed: ${(e as Error)?.message ?? e}`, { cause: e });
          },
        )
        .finally(() => this.#pumpAsync());
      return;
    }
    if (this.#initState === 'running') return;
    if (this.#initState === 'failed') {
      for (const item of this.#queue.splice(0)) item.fail(this.#initError);
      return;
    }
    while (this.#running < this.maxWorkers && this.#queue.length) {
      const item = this.#queue.shift()!;
      if (!item.claim()) continue;
      this.#running++;
      void item.run().finally(() => {
        this.#running--;
        this.#pumpAsync();
      });
    }
  }

  /** Stop accepting work; optionally cancel what has not started; optionally wait for the rest. */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    this.#isShutdown = true;
    if (cancelFutures) {
      for (const f of [...this.#futures]) f.cancel();
      for (const h of [...this.#handles]) h.cancel();
    }
    this.#pool?.close();
    if (!wait) return;
    const settled = (p: PromiseLike<unknown>) => Promise.resolve(p).then(() => {}, () => {});
    await Promise.all([
      ...[...this.#futures].map((f) => settled(f.exception().catch(() => {}))),
      ...[...this.#handles].map((h) => settled(h.promise)),
    ]);
    await this.#pool?.join();
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
