/** Backend 'worker': batches run on the task worker threads (worker/task-pool.ts); functions travel by source or module reference. */
import type { TaskStats } from '../stats.js';
import type { WireFn } from '../worker/protocol.js';
import { toWireFn, type TaskFn } from '../worker/task-fn.js';
import { TaskPool, type TaskJob } from '../worker/task-pool.js';
import type { BackendJob, BackendOptions, TaskBackend, TaskCall } from './backend.js';

/**
 * The distinct functions of a batch, and which one each call uses (absent when there is one).
 * `toWire` must return the same object for the same function (both converters cache), since
 * functions are told apart by identity.
 */
export function wireCalls(
  calls: readonly TaskCall[],
  toWire: (fn: TaskFn) => WireFn = toWireFn,
): { fns: WireFn[]; fi: number[] | undefined } {
  const fns: WireFn[] = [];
  const index = new Map<WireFn, number>();
  // Made only once a second function shows up: most batches call one.
  let fi: number[] | undefined;
  let last: TaskFn | undefined;
  let k = -1;
  for (let i = 0; i < calls.length; i++) {
    const fn = calls[i]!.fn;
    if (fn !== last || k < 0) {
      last = fn;
      const w = toWire(fn);
      const known = index.get(w);
      if (known === undefined) {
        k = fns.length;
        fns.push(w);
        index.set(w, k);
        if (k === 1) {
          fi = []; // by push: `new Array(i)` would stay holey, which V8 clones key by key
          for (let j = 0; j < i; j++) fi.push(0);
        }
      } else k = known;
    }
    fi?.push(k);
  }
  return { fns, fi };
}

/**
 * The batch's arguments as the task pool sends them: unary (each call's one argument,
 * cheaper to clone than an array per call) when every call has one, as a Float64Array
 * when those are all numbers (protocol.ts, packNumbers).
 */
export function wireArgs(calls: readonly TaskCall[]): { calls: unknown[] | Float64Array; unary: boolean } {
  const n = calls.length;
  let i = 0;
  if (n >= 16) {
    // Straight into the typed array: no array of n values in between.
    const f64 = new Float64Array(n);
    for (; i < n; i++) {
      const args = calls[i]!.args;
      const x = args[0];
      if (args.length !== 1 || typeof x !== 'number') break;
      f64[i] = x;
    }
    if (i === n) return { calls: f64, unary: true };
  }
  // Built by push: an array made by `new Array(n)` stays holey, and V8 clones a holey array key by key.
  const out: unknown[] = [];
  for (let j = 0; j < n; j++) {
    const args = calls[j]!.args;
    if (args.length !== 1) return { calls: calls.map((c) => c.args), unary: false };
    out.push(args[0]);
  }
  return { calls: out, unary: true };
}

export class WorkerBackend implements TaskBackend {
  readonly name = 'worker';
  readonly pool: TaskPool;

  constructor(options: BackendOptions | TaskPool) {
    this.pool = options instanceof TaskPool
      ? options
      : new TaskPool({
        size: options.concurrency,
        initializer: options.initializer === undefined ? undefined : toWireFn(options.initializer, 'initializer'),
        initargs: options.initargs ?? [],
      });
  }

  get concurrency(): number { return this.pool.size; }

  submit(job: BackendJob): void {
    const { fns, fi } = wireCalls(job.calls);
    const { calls, unary } = wireArgs(job.calls);
    const taskJob: TaskJob = {
      fns,
      fi,
      calls,
      unary,
      claim: job.claim,
      resolve: job.resolve,
      reject: job.reject,
      timeoutMs: job.timeoutMs === undefined ? undefined : job.timeoutMs * job.calls.length,
      onTimeout: job.onTimeout,
    };
    this.pool.submit(taskJob);
    job.abort = taskJob.abort;
    job.stop = (err) => this.pool.stop(taskJob, err);
  }

  close(): void { this.pool.close(); }
  join(): Promise<void> { return this.pool.join(); }
  terminate(): Promise<void> { return this.pool.terminate(); }
  release(): void { this.pool.release(); }
  stats(): TaskStats { return this.pool.stats(); }
  costPerCall(fn: TaskFn): number | undefined { return this.pool.costPerCall(toWireFn(fn)); }
}
