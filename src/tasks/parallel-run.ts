/**
 * The dispatch loop behind parallel(): joblib's `dispatch_one_batch` /
 * `BatchCompletionCallBack`, on promises. `preDispatch` tasks go out first;
 * then every completed batch dispatches one more, so the input is read only as
 * fast as the work completes.
 */
import { CANCEL_GRACE_MS, type BatchOutcome, type ChunkHandle } from './batch.js';
import type { TaskBackend } from './backends/backend.js';
import { AutoBatcher } from './batching.js';
import { isPlainArray, submitBatch } from './common.js';
import { isDelayed, type Delayed } from './delayed.js';
import type { ParallelBackend } from './parallel-options.js';
import { Progress, type LogFn } from './verbose.js';

export interface RunOptions {
  nJobs: number;
  backend: ParallelBackend;
  /** Where the batches run (its name is `backend`). */
  runner: TaskBackend;
  batchSize: 'auto' | number;
  preDispatch: number;
  /** Per task, in ms. */
  timeoutMs?: number;
  verbose: number;
  log?: LogFn;
  label: string;
  timeoutError: (batchLength: number) => Error;
}

/** One parallel(...)(tasks) call: reads the tasks, sends batches, delivers values, stops at the first error. */
export class ParallelRun {
  readonly it: Iterator<unknown>;
  /** The tasks when they are a plain array: read by index. */
  readonly list: readonly unknown[] | undefined;
  listAt = 0;
  exhausted = false;
  nextIndex = 0;
  ready: { start: number; items: Delayed[] }[] = [];
  inflight = new Set<ChunkHandle>();
  completed = 0;
  dispatchedTasks = 0;
  dispatchedBatches = 0;
  failed = false;
  seeded = false;
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
    if (isPlainArray(tasks)) this.list = tasks;
    this.progress = new Progress(opts.label, opts.verbose, opts.log);
    this.batcher = new AutoBatcher(opts.verbose >= 10 ? (m) => this.progress.print(m) : undefined);
  }

  start(): void {
    const { backend, nJobs } = this.opts;
    const name = `${backend[0]!.toUpperCase()}${backend.slice(1)}Backend`; // WorkerBackend, BullmqBackend, ...
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
    if (this.list) return this.#pullList(this.list, count);
    const out: Delayed[] = [];
    while (out.length < count && !this.exhausted) {
      const r = this.it.next();
      if (r.done) {
        this.exhausted = true;
        break;
      }
      this.#check(r.value, out.length);
      out.push(r.value as Delayed);
    }
    return out;
  }

  /** pull() from a plain array: what its iterator would give (live length and elements), copied at once. */
  #pullList(list: readonly unknown[], count: number): Delayed[] {
    if (this.exhausted) return [];
    const out = list.slice(this.listAt, this.listAt + count);
    for (let i = 0; i < out.length; i++) this.#check(out[i], i);
    this.listAt += out.length;
    if (out.length < count) this.exhausted = true;
    return out as Delayed[];
  }

  #check(value: unknown, offset: number): void {
    if (!isDelayed(value)) throw new TypeError(`parallel: task ${this.nextIndex + offset} is not a delayed(fn)(...args) call`);
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
        if (!this.seeded && this.opts.batchSize === 'auto') this.seed(items[0]!);
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

  /** Auto batch size from what this function cost on earlier runs, if the backend knows (batching.ts, seed). */
  seed(first: Delayed): void {
    this.seeded = true;
    const ms = this.opts.runner.costPerCall?.(first.fn);
    if (ms !== undefined) this.batcher.seed(ms / 1000);
  }

  submit(start: number, items: Delayed[]): void {
    const n = items.length;
    const h = submitBatch(this.opts.runner, items, { timeoutMs: this.opts.timeoutMs, onTimeout: () => this.opts.timeoutError(n) });
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
      let o: BatchOutcome;
      try {
        o = await submitBatch(this.opts.runner, [d], { timeoutMs: this.opts.timeoutMs, onTimeout: () => this.opts.timeoutError(1) }).promise;
      } catch (e) {
        this.fail(e, i);
        return;
      }
      if (this.failed) return; // aborted by the consumer
      if (o.hasError) {
        this.fail(o.error, i);
        return;
      }
      this.deliver(i, o.values);
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
    // As joblib ends its workers at an error: a running task that ignores its signal is ended.
    for (const h of this.inflight) h.stop(CANCEL_GRACE_MS);
    try {
      this.it.return?.();
    } catch {
      // the input's own cleanup failing must not hide the task's error
    }
    this.settle();
  }
}
