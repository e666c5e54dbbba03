/**
 * The dispatch loop behind parallel(): joblib's `dispatch_one_batch` /
 * `BatchCompletionCallBack`, on promises. `preDispatch` tasks go out first;
 * then every completed batch dispatches one more, so the input is read only as
 * fast as the work completes.
 */
import { CancelledError } from '../errors.js';
import type { TaskPool } from '../runtime/task-pool.js';
import type { WireFn } from '../runtime/task-protocol.js';
import type { BatchOutcome } from '../runtime/task-pool.js';
import { runOnPool, type ChunkHandle } from './common.js';
import { AutoBatcher } from './batching.js';
import { Progress, type LogFn } from './verbose.js';
import { isDelayed, type Delayed, type ParallelBackend, type ReturnAs } from './parallel.js';

export interface WorkerBatch {
  pool: TaskPool;
  fns: WireFn[];
  calls: unknown[][];
  fi?: number[];
  timeout?: number;
}
export type BatchRunner = (items: Delayed[]) => WorkerBatch;

export interface RunOptions {
  nJobs: number;
  backend: ParallelBackend;
  batchSize: 'auto' | number;
  preDispatch: number;
  timeout?: number;
  verbose: number;
  log?: LogFn;
  label: string;
  worker?: BatchRunner;
  timeoutError: (batchLength: number) => Error;
}

type AnyFn = (...args: unknown[]) => unknown;
const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';

function callLocal(d: Delayed): unknown {
  if (typeof d.fn === 'function') return (d.fn as AnyFn)(...d.args);
  const ref = d.fn;
  const spec = ref.module instanceof URL ? ref.module.href : ref.module;
  return import(spec).then((m: Record<string, unknown>) => {
    const f = m[ref.name];
    if (typeof f !== 'function') throw new TypeError(`module '${spec}' has no exported function named '${ref.name}'`);
    return (f as AnyFn)(...d.args);
  });
}

function withTimeout(p: PromiseLike<unknown>, seconds: number | undefined, err: () => Error): Promise<unknown> {
  if (seconds === undefined) return Promise.resolve(p);
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.resolve(p),
    new Promise((_, reject) => (timer = setTimeout(() => reject(err()), seconds * 1000))),
  ]).finally(() => clearTimeout(timer));
}

function localHandle(items: Delayed[], opts: RunOptions): ChunkHandle {
  const promise = (async (): Promise<BatchOutcome> => {
    const values: unknown[] = [];
    const t0 = performance.now();
    try {
      for (const d of items) {
        let v = callLocal(d);
        if (isThenable(v)) v = await withTimeout(v, opts.timeout, () => opts.timeoutError(1));
        values.push(v);
      }
    } catch (error) {
      return { values, hasError: true, error, ms: performance.now() - t0 };
    }
    return { values, hasError: false, ms: performance.now() - t0 };
  })();
  return { promise, cancel: () => false };
}

class Dispatcher {
  readonly it: Iterator<unknown>;
  exhausted = false;
  nextIndex = 0;
  ready: { start: number; items: Delayed[] }[] = [];
  inflight = new Set<ChunkHandle>();
  completed = 0;
  dispatchedTasks = 0;
  dispatchedBatches = 0;
  failed = false;
  finished = false;
  error: unknown;
  errorIndex = -1;
  readonly batcher: AutoBatcher;
  readonly progress: Progress;
  /** Sizes of the batches sent, in order (exposed for tests and tuning). */
  readonly batchSizes: number[] = [];

  constructor(
    tasks: Iterable<unknown>,
    readonly opts: RunOptions,
    readonly deliver: (start: number, values: unknown[]) => void,
    readonly settle: () => void,
  ) {
    this.it = tasks[Symbol.iterator]();
    this.progress = new Progress(opts.label, opts.verbose, opts.log);
    this.batcher = new AutoBatcher(opts.verbose >= 10 ? (m) => this.progress.print(m) : undefined);
  }

  start(): void {
    const { backend, nJobs } = this.opts;
    const name = backend === 'worker' ? 'WorkerBackend' : backend === 'async' ? 'AsyncBackend' : 'SequentialBackend';
    this.progress.print(`Using backend ${name} with ${backend === 'sequential' ? 1 : nJobs} concurrent workers.`);
    if (backend === 'sequential') {
      void this.runSequential();
      return;
    }
    // 'async' runs everything it dispatches at once, so its window is the concurrency itself.
    const limit = backend === 'async' ? nJobs : this.opts.preDispatch;
    while (!this.failed && this.dispatchedTasks < limit && this.dispatchOne());
    this.checkFinished();
  }

  pull(count: number): Delayed[] {
    const out: Delayed[] = [];
    while (out.length < count && !this.exhausted) {
      const r = this.it.next();
      if (r.done) {
        this.exhausted = true;
        break;
      }
      if (!isDelayed(r.value)) {
        throw new TypeError(`parallel: task ${this.nextIndex + out.length} is not a delayed(fn)(...args) call`);
      }
      out.push(r.value);
    }
    return out;
  }

  dispatchOne(): boolean {
    try {
      if (this.ready.length === 0) {
        const { nJobs } = this.opts;
        const bs =
          this.opts.backend === 'async' ? 1 : this.opts.batchSize === 'auto' ? this.batcher.computeBatchSize() : this.opts.batchSize;
        const big = bs * nJobs;
        const items = this.pull(big);
        if (items.length === 0) return false;
        // Near the end, smaller batches keep every worker busy until the last task.
        const size =
          items.length < big ? Math.max(1, Math.floor(items.length / (10 * nJobs))) : Math.max(1, Math.floor(items.length / nJobs));
        for (let i = 0; i < items.length; i += size) {
          this.ready.push({ start: this.nextIndex + i, items: items.slice(i, i + size) });
        }
        this.nextIndex += items.length;
      }
      const b = this.ready.shift()!;
      this.submit(b.start, b.items);
      return true;
    } catch (e) {
      this.fail(e, this.nextIndex);
      return false;
    }
  }

  submit(start: number, items: Delayed[]): void {
    let h: ChunkHandle;
    if (this.opts.backend === 'worker') {
      const wb = this.opts.worker!(items);
      const n = items.length;
      h = runOnPool(wb.pool, wb.fns, wb.calls, {
        fi: wb.fi,
        timeoutMs: wb.timeout === undefined ? undefined : wb.timeout * 1000 * n,
        onTimeout: () => this.opts.timeoutError(n),
      });
    } else {
      h = localHandle(items, this.opts);
    }
    this.inflight.add(h);
    this.dispatchedTasks += items.length;
    this.dispatchedBatches++;
    this.batchSizes.push(items.length);
    h.promise.then(
      (o) => this.onDone(h, start, items.length, o),
      (e) => {
        this.inflight.delete(h);
        this.fail(e, start);
      },
    );
  }

  onDone(h: ChunkHandle, start: number, n: number, o: BatchOutcome): void {
    this.inflight.delete(h);
    if (this.failed) return;
    this.deliver(start, o.values);
    if (o.hasError) {
      this.fail(o.error, start + o.values.length);
      return;
    }
    this.completed += n;
    if (this.opts.batchSize === 'auto') this.batcher.batchCompleted(n, o.ms / 1000);
    this.dispatchOne();
    this.checkFinished();
    this.report();
  }

  report(): void {
    this.progress.update({
      completed: this.completed,
      dispatchedTasks: this.dispatchedTasks,
      dispatchedBatches: this.dispatchedBatches,
      exhausted: this.exhausted && this.ready.length === 0,
      finished: this.finished,
      preDispatch: Number.isFinite(this.opts.preDispatch) ? this.opts.preDispatch : 0,
    });
  }

  checkFinished(): void {
    if (this.failed || this.finished) return;
    if (this.exhausted && this.ready.length === 0 && this.inflight.size === 0) {
      this.finished = true;
      this.settle();
    }
  }

  async runSequential(): Promise<void> {
    for (;;) {
      let d: Delayed | undefined;
      try {
        d = this.pull(1)[0];
      } catch (e) {
        this.fail(e, this.nextIndex);
        return;
      }
      if (!d) break;
      const i = this.nextIndex++;
      this.dispatchedTasks++;
      this.dispatchedBatches++;
      try {
        let v = callLocal(d);
        if (isThenable(v)) v = await v;
        if (this.failed) return; // aborted by the consumer
        this.deliver(i, [v]);
      } catch (e) {
        this.fail(e, i);
        return;
      }
      this.completed++;
      if (this.exhausted) this.finished = true;
      this.report();
    }
    if (!this.finished) {
      this.finished = true;
      this.report();
    }
    this.settle();
  }

  fail(err: unknown, index: number): void {
    if (this.failed || this.finished) return;
    this.failed = true;
    this.error = err;
    this.errorIndex = index;
    this.ready = [];
    for (const h of this.inflight) h.cancel();
    try {
      this.it.return?.();
    } catch {
      // the input's own cleanup failing must not hide the task's error
    }
    this.settle();
  }
}

export function runBatches(
  tasks: Iterable<unknown>,
  opts: RunOptions,
  returnAs: ReturnAs,
): Promise<unknown[]> | AsyncGenerator<unknown, void, undefined> {
  if (returnAs === 'list') {
    return new Promise<unknown[]>((resolve, reject) => {
      const results: unknown[] = [];
      const d: Dispatcher = new Dispatcher(
        tasks,
        opts,
        (start, values) => {
          for (let j = 0; j < values.length; j++) results[start + j] = values[j];
        },
        () => (d.failed ? reject(d.error) : resolve(results)),
      );
      d.start();
    });
  }
  return generate(tasks, opts, returnAs === 'generator');
}

async function* generate(tasks: Iterable<unknown>, opts: RunOptions, ordered: boolean): AsyncGenerator<unknown, void, undefined> {
  const buffered = new Map<number, unknown>();
  const arrivals: unknown[] = [];
  let wake: (() => void) | undefined;
  const d = new Dispatcher(
    tasks,
    opts,
    (start, values) => {
      if (ordered) for (let j = 0; j < values.length; j++) buffered.set(start + j, values[j]);
      else arrivals.push(...values);
      wake?.();
    },
    () => wake?.(),
  );
  d.start();
  let next = 0;
  try {
    for (;;) {
      if (ordered) {
        while (buffered.has(next)) {
          const v = buffered.get(next);
          buffered.delete(next++);
          yield v;
        }
      } else {
        while (arrivals.length) yield arrivals.shift();
      }
      if (d.failed) throw d.error;
      if (d.finished && (ordered ? !buffered.has(next) : arrivals.length === 0)) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    if (!d.finished && !d.failed) d.fail(new CancelledError('the consumer stopped early'), next);
  }
}
