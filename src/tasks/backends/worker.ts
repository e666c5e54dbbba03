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
  for (const c of calls) {
    const w = toWire(c.fn);
    let k = index.get(w);
    if (k === undefined) {
      k = fns.length;
      fns.push(w);
      index.set(w, k);
    }
    fi.push(k);
  }
  return { fns, fi: fns.length > 1 ? fi : undefined };
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
    const taskJob: TaskJob = {
      fns,
      fi,
      calls: job.calls.map((c) => c.args as unknown[]),
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
