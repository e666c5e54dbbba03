/**
 * Backends 'async' and 'sequential': calls run on the calling thread (closures
 * are fine here), at most `concurrency` batches at a time ('sequential': one).
 * A timeout abandons a call that returned a promise; a synchronous call cannot
 * be interrupted on this thread.
 */
import { BrokenPoolError, CancelledError, DisposedError, StateError, TimeoutError } from '../../errors.js';
import { emptyStats, type TaskStats } from '../stats.js';
import { runInContext, type TaskContext } from '../task-context.js';
import type { BatchOutcome } from '../batch.js';
import { importModuleRef, isModuleRef, type AnyFn } from '../worker/module-ref.js';
import type { TaskFn } from '../worker/task-fn.js';
import type { BackendJob, BackendOptions, TaskBackend } from './backend.js';
import { MAX_TIMER_MS } from '../timer.js';

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';

/** A task function callable here: as is, or imported through the one module-reference resolver. */
export function localFn(fn: TaskFn): AnyFn | Promise<AnyFn> {
  if (typeof fn === 'function') return fn as AnyFn;
  if (isModuleRef(fn)) return importModuleRef(fn);
  throw new TypeError('fn must be a function or a { module, name } reference');
}

function withTimeout(p: PromiseLike<unknown>, ms: number | undefined, err: () => unknown): Promise<unknown> {
  if (ms === undefined || !(ms <= MAX_TIMER_MS)) return Promise.resolve(p);
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.resolve(p),
    new Promise((_, reject) => { timer = setTimeout(() => reject(err()), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Runs the calls in order; synchronous calls run synchronously, so a sync batch starts at once. */
async function runCalls(job: BackendJob): Promise<BatchOutcome> {
  const values: unknown[] = [];
  const t0 = performance.now();
  const controller = new AbortController();
  job.abort = () => controller.abort(new CancelledError('the task was cancelled'));
  const context: TaskContext = { signal: controller.signal };
  try {
    for (const { fn, args } of job.calls) {
      let f = localFn(fn);
      if (isThenable(f)) f = await f;
      const g = f;
      let v = runInContext(context, () => g.apply(context, args as unknown[]));
      if (isThenable(v)) v = await withTimeout(v, job.timeoutMs, () => job.onTimeout?.() ?? new TimeoutError(`a task did not finish within ${job.timeoutMs} ms`));
      values.push(v);
    }
  } catch (error) {
    return { values, hasError: true, error, ms: performance.now() - t0 };
  } finally {
    job.abort = undefined;
  }
  return { values, hasError: false, ms: performance.now() - t0 };
}

export class LocalBackend implements TaskBackend {
  readonly name: 'async' | 'sequential';
  readonly concurrency: number;
  #queue: BackendJob[] = [];
  #running = 0;
  #closed = false;
  #init: TaskFn | undefined;
  #initargs: unknown[];
  #initState: 'none' | 'running' | 'ok' | 'failed';
  #initError: unknown;
  #idle: Array<() => void> = [];
  readonly #counts = emptyStats();

  constructor(name: 'async' | 'sequential', options: BackendOptions) {
    this.name = name;
    this.concurrency = name === 'sequential' ? 1 : options.concurrency;
    this.#init = options.initializer;
    this.#initargs = options.initargs ?? [];
    this.#initState = this.#init === undefined ? 'ok' : 'none';
  }

  submit(job: BackendJob): void {
    if (this.#closed) throw new DisposedError('cannot submit to a closed backend');
    this.#queue.push(job);
    this.#pump();
  }

  #pump(): void {
    if (this.#initState === 'none') {
      this.#initState = 'running';
      Promise.resolve()
        .then(() => localFn(this.#init!))
        .then((f) => f(...this.#initargs))
        .then(
          () => { this.#initState = 'ok'; },
          (e) => {
            this.#initState = 'failed';
            this.#initError = new BrokenPoolError(`the executor's initializer failed: ${(e as Error)?.message ?? e}`, { cause: e });
          },
        )
        .finally(() => this.#pump());
      return;
    }
    if (this.#initState === 'running') return;
    if (this.#initState === 'failed') {
      for (const job of this.#queue.splice(0)) if (!job.claim || job.claim()) job.reject(this.#initError);
      this.#checkIdle();
      return;
    }
    while (this.#running < this.concurrency && this.#queue.length) {
      const job = this.#queue.shift()!;
      if (job.claim && !job.claim()) {
        this.#counts.tasksCancelled += job.calls.length;
        continue;
      }
      this.#running++;
      void runCalls(job).then((o) => {
        this.#running--;
        this.#counts.tasksCompleted += o.values.length;
        if (o.hasError) this.#counts.tasksFailed++;
        job.resolve(o);
        this.#pump();
      });
    }
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#running || this.#queue.length) return;
    for (const w of this.#idle.splice(0)) w();
  }

  close(): void { this.#closed = true; }

  /** Nothing to release: calls on this thread hold no thread of their own. */
  release(): void {}

  stats(): TaskStats {
    let queued = 0;
    for (const job of this.#queue) queued += job.calls.length;
    return { ...this.#counts, queueDepth: queued, tasksRunning: this.#running, workers: this.concurrency };
  }

  join(): Promise<void> {
    if (!this.#closed) return Promise.reject(new StateError('join() needs close() or terminate() first'));
    if (this.#running === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  async terminate(): Promise<void> {
    this.#closed = true;
    const err = new DisposedError('the backend has been terminated');
    for (const job of this.#queue.splice(0)) {
      this.#counts.tasksCancelled += job.calls.length;
      if (!job.claim || job.claim()) job.reject(err);
    }
    this.#checkIdle();
  }
}
