/**
 * multiprocessing.Pool on worker threads. Differences from Python, on purpose:
 * methods return promises / async iterators; imap reads its input lazily; a
 * worker that dies rejects its task with WorkerCrashError and is replaced
 * (Python's Pool hangs).
 */
import { DisposedError } from '../errors.js';
import { TaskPool } from './worker/task-pool.js';
import { toWireFn, type TaskFn } from './worker/task-fn.js';
import { packedCopy, packNumbers, type WireFn } from './worker/protocol.js';
import { concatValues, type ChunkHandle } from './batch.js';
import { BULLMQ_OPTION_KEYS, createBackend, type BullmqOptions, type TaskBackend } from './backends/index.js';
import { checkIterable, checkOptionKeys, defaultWorkers, isPlainArray, positiveInt, runOnPool, submitBatch } from './common.js';
import type { TaskStats } from './stats.js';
import { OpenStreams, streamChunks } from './stream.js';

/** `connection`, `queue`, ... are for backend 'bullmq' (README "Scale-out"). */
export interface PoolOptions extends BullmqOptions {
  /** Worker threads (default: the engine's thread count, else the CPU count); for 'bullmq', chunks in flight. */
  workers?: number;
  /** 'worker' (default): threads of this process; 'bullmq': `wasmpar worker` processes through Redis. */
  backend?: 'worker' | 'bullmq';
  /** Run once in every worker before its first task (a function or { module, name }). */
  initializer?: TaskFn;
  initargs?: unknown[];
  /** Tasks (chunks) a worker runs before it is replaced by a fresh one. */
  maxTasksPerWorker?: number;
  /** Used only to size the default worker count. */
  engine?: { readonly threads: number };
}

export interface ChunkOptions {
  chunkSize?: number;
}

type Fn<A extends unknown[], R> = TaskFn<A, R>;
type Awaited2<R> = R extends PromiseLike<infer U> ? U : R;

const POOL_OPTIONS = ['workers', 'backend', 'initializer', 'initargs', 'maxTasksPerWorker', 'engine', ...BULLMQ_OPTION_KEYS];

/**
 * Every item, as map needs them all to size its chunks. A sync iterable is read at
 * once; an async one (which Array.from would silently read as empty) to its end.
 */
function itemsOf<T>(iterable: Iterable<T> | AsyncIterable<T>): readonly T[] | Promise<T[]> {
  // A plain array as it is: map copies it chunk by chunk (slice) before returning, so no copy of the whole first.
  if (isPlainArray(iterable)) return iterable as readonly T[];
  if (typeof (iterable as Iterable<T>)[Symbol.iterator] === 'function') return Array.from(iterable as Iterable<T>);
  return (async () => {
    const out: T[] = [];
    for await (const x of iterable as AsyncIterable<T>) out.push(x);
    return out;
  })();
}

export class Pool implements AsyncDisposable {
  readonly workers: number;
  readonly backend: 'worker' | 'bullmq';
  /** The local thread pool ('worker'), used directly: no per-call objects on the hot path. */
  readonly #pool: TaskPool | undefined;
  readonly #remote: TaskBackend | undefined;
  #closed = false;
  readonly #streams = new OpenStreams();
  /** close() with imap loops still reading: the workers close once those have submitted the rest. */
  #closing: Promise<void> | undefined;

  constructor(options: PoolOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('Pool options must be an object');
    checkOptionKeys(options, 'new Pool', POOL_OPTIONS);
    this.workers = defaultWorkers(options.workers, options.engine, 'workers');
    let maxTasks: number | undefined;
    if (options.maxTasksPerWorker !== undefined && options.maxTasksPerWorker !== null) {
      maxTasks = positiveInt(options.maxTasksPerWorker, 'maxTasksPerWorker');
    }
    if (options.initargs !== undefined && !Array.isArray(options.initargs)) throw new TypeError('initargs must be an array');
    const backend = options.backend ?? 'worker';
    if (backend !== 'worker' && backend !== 'bullmq') throw new TypeError(`new Pool: backend must be 'worker' or 'bullmq'; got ${JSON.stringify(backend)}`);
    this.backend = backend;
    if (backend === 'bullmq') {
      if (options.initializer !== undefined || maxTasks !== undefined) {
        throw new TypeError("initializer and maxTasksPerWorker are not supported on backend 'bullmq' (workers are shared processes)");
      }
      this.#remote = createBackend('bullmq', { ...options, concurrency: this.workers });
      return;
    }
    this.#pool = new TaskPool({
      size: this.workers,
      initializer: options.initializer === undefined ? undefined : toWireFn(options.initializer, 'initializer'),
      initargs: options.initargs,
      maxTasksPerWorker: maxTasks,
    });
  }

  #chunkSize(options: ChunkOptions | undefined, fallback: number, where: string): number {
    checkOptionKeys(options, `Pool.${where}`, ['chunkSize']);
    const c = options?.chunkSize;
    return c === undefined || c === null ? fallback : positiveInt(c, 'chunkSize');
  }

  #checkOpen(): void {
    if (this.#pool) this.#pool.assertOpen();
    // Also while close() waits for open imap loops to send the rest of their input.
    if (this.#closed) throw new DisposedError('the pool has been closed');
  }

  /** One chunk of calls to fn, on the threads or through the queue. `unary`: each of `calls` is one call's only argument (task-slot.ts). */
  #run(fn: Fn<unknown[], unknown>, wire: WireFn[], calls: unknown[] | Float64Array, unary: boolean): ChunkHandle {
    if (this.#pool) return runOnPool(this.#pool, wire, calls, unary ? { unary } : {});
    return submitBatch(this.#remote!, Array.from(calls, (a) => ({ fn: fn as TaskFn, args: unary ? [a] : (a as unknown[]) })));
  }

  /** Ordered results of fn(x) for every x. Default chunk size: ceil(n / (4 × workers)). */
  async map<T, R>(fn: Fn<[T], R>, iterable: Iterable<T> | AsyncIterable<T>, options?: ChunkOptions): Promise<Awaited2<R>[]> {
    checkIterable(iterable, 'map: iterable');
    // No await for a sync iterable: the work is submitted now, so `p.map(...); p.close()` still runs it.
    const got = itemsOf(iterable);
    const items = Array.isArray(got) ? got : await got;
    return this.#mapCalls(fn as Fn<unknown[], R>, items, true, options, 'map') as Promise<Awaited2<R>[]>;
  }

  /** Like map, but each item is an array of arguments: fn(...args). */
  async starmap<A extends unknown[], R>(fn: Fn<A, R>, iterable: Iterable<A> | AsyncIterable<A>, options?: ChunkOptions): Promise<Awaited2<R>[]> {
    checkIterable(iterable, 'starmap: iterable');
    const got = itemsOf(iterable);
    const calls = (Array.isArray(got) ? got : await got).map((a) => {
      if (!Array.isArray(a)) throw new TypeError('starmap: every item must be an array of arguments');
      return a as unknown[];
    });
    return this.#mapCalls(fn as Fn<unknown[], R>, calls, false, options, 'starmap') as Promise<Awaited2<R>[]>;
  }

  async #mapCalls(
    fn: Fn<unknown[], unknown>,
    calls: readonly unknown[],
    unary: boolean,
    options: ChunkOptions | undefined,
    where: string,
  ): Promise<unknown[]> {
    const wire = [toWireFn(fn)];
    this.#checkOpen();
    const size = this.#chunkSize(options, Math.max(1, Math.ceil(calls.length / (4 * this.workers))), where);
    const handles: ChunkHandle[] = [];
    for (let i = 0; i < calls.length; i += size) {
      const end = Math.min(i + size, calls.length);
      handles.push(this.#run(fn, wire, (unary && packNumbers(calls, i, end)) || packedCopy(calls, i, end), unary));
    }
    let parts: unknown[][];
    try {
      // Reject as soon as any chunk fails, not after the others finish.
      parts = await Promise.all(
        handles.map((h) =>
          h.promise.then((o) => {
            if (o.hasError) throw o.error;
            return o.values;
          }),
        ),
      );
    } catch (e) {
      for (const h of handles) h.cancel();
      throw e;
    }
    return concatValues(parts);
  }

  /** fn(...args) on one worker. */
  apply<A extends unknown[], R>(fn: Fn<A, R>, args: A = [] as unknown as A): Promise<Awaited2<R>> {
    // Settled straight from the worker's reply: no intermediate promise, so one hop to the caller's await.
    return new Promise((resolve, reject) => {
      if (!Array.isArray(args)) throw new TypeError('apply: args must be an array');
      const wire = [toWireFn(fn)];
      this.#checkOpen();
      if (!this.#pool) {
        this.#run(fn as Fn<unknown[], unknown>, wire, [args], false).promise.then(
          (o) => (o.hasError ? reject(o.error) : resolve(o.values[0] as Awaited2<R>)),
          reject,
        );
        return;
      }
      this.#pool.submit({
        fns: wire,
        calls: [args],
        resolve: (o) => (o.hasError ? reject(o.error) : resolve(o.values[0] as Awaited2<R>)),
        reject,
      });
    });
  }

  /** Ordered async iterator of fn(x); reads `iterable` lazily. Default chunk size 1, as in Python. */
  imap<T, R>(fn: Fn<[T], R>, iterable: Iterable<T> | AsyncIterable<T>, options?: ChunkOptions): AsyncGenerator<Awaited2<R>, void, undefined> {
    return this.#stream(fn, iterable, options, true);
  }

  /** Like imap, in completion order. */
  imapUnordered<T, R>(
    fn: Fn<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: ChunkOptions,
  ): AsyncGenerator<Awaited2<R>, void, undefined> {
    return this.#stream(fn, iterable, options, false);
  }

  #stream<T, R>(
    fn: Fn<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options: ChunkOptions | undefined,
    ordered: boolean,
  ): AsyncGenerator<Awaited2<R>, void, undefined> {
    const wire = [toWireFn(fn)];
    const where = ordered ? 'imap' : 'imapUnordered';
    checkIterable(iterable, `${where}: iterable`);
    this.#checkOpen();
    const chunkSize = this.#chunkSize(options, 1, where);
    return streamChunks<T, Awaited2<R>>(
      iterable,
      (items) => this.#run(fn as Fn<unknown[], unknown>, wire, packNumbers(items) ?? items, true),
      { chunkSize, window: Math.max(4, this.workers * 4), ordered, streams: this.#streams },
    );
  }

  /** No more tasks; the workers exit once the submitted work is done. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const backend = this.#pool ?? this.#remote!;
    // As Python's imap submits its whole input at the call: loops begun before close() still finish.
    if (this.#streams.size === 0) backend.close();
    else this.#closing = this.#streams.drain().then(() => backend.close());
  }

  /** Stop the workers now; outstanding work rejects with DisposedError. */
  terminate(): Promise<void> {
    this.#closed = true;
    return (this.#pool ?? this.#remote!).terminate();
  }

  /** Wait for the workers to exit (after close() or terminate()). */
  async join(): Promise<void> {
    await this.#closing;
    return (this.#pool ?? this.#remote!).join();
  }

  /** Counters: tasks completed, failed, cancelled; queue depth; workers alive and replaced. */
  stats(): TaskStats {
    return (this.#pool ?? this.#remote!).stats();
  }

  /** As Python's `with Pool() as p:` — terminate(). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }
}
