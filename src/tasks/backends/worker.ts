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
  const fi: number[] = [];
  // Batches mostly call one function: a run of the same one skips the look-ups.
  let last: TaskFn | undefined;
  let k = -1;
  for (const c of calls) {
    if (c.fn !== last || k < 0) {
      last = c.fn;
      const w = toWire(c.fn);
      const known = index.get(w);
      if (known === undefined) {
        k = fns.length;
        fns.push(w);
        index.set(w, k);
      } else k = known;
    }
    fi.push(k);
  }
  return { fns, fi: fns.length > 1 ? fi : undefined };
}

/** The batch's arguments as the task pool sends them: unary (one flat array, cheaper to clone) when every call has one. */
export function wireArgs(calls: readonly TaskCall[]): { calls: unknown[]; unary: boolean } {
  // Built by push: an array made by `new Array(n)` stays holey, and V8 clones a holey array key by key.
  const out: unknown[] = [];
  for (const c of calls) {
    if (c.args.length !== 1) return { calls: calls.map((d) => d.args), unary: false };
    out.push(c.args[0]);
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
  }

  close(): void { this.pool.close(); }
  join(): Promise<void> { return this.pool.join(); }
  terminate(): Promise<void> { return this.pool.terminate(); }
  release(): void { this.pool.release(); }
  stats(): TaskStats { return this.pool.stats(); }
}
