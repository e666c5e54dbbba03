/**
 * Backend 'bullmq': batches become BullMQ jobs on Redis, run by `wasmpar
 * worker` processes on any number of machines (bullmq-worker.ts). Functions
 * travel as in the 'worker' backend (source text, or a module reference) with
 * one difference: a module reference is resolved on the worker machine (a
 * relative path against the worker's working directory), not here.
 */
import { emptyStats, type TaskStats } from '../stats.js';
import { DisposedError, TimeoutError } from '../../errors.js';
import { isModuleRef, toWireFn, type TaskFn } from '../worker/task-fn.js';
import type { WireFn } from '../worker/protocol.js';
import type { BackendJob, TaskBackend } from './backend.js';
import { BullmqClient, type RemoteBatch } from './bullmq-client.js';
import { checkBullmqOptions, type BullmqOptions } from './bullmq-options.js';
import { wireCalls } from './worker.js';

export type { BullmqOptions } from './bullmq-options.js';

const wireCache = new WeakMap<object, WireFn>();

/** Like toWireFn, but a module reference keeps its text: the worker machine resolves it. */
function remoteWireFn(fn: TaskFn): WireFn {
  if (!isModuleRef(fn)) return toWireFn(fn);
  let w = wireCache.get(fn);
  if (!w) {
    toWireFn(fn); // the same argument checks as every backend
    w = { m: fn.module instanceof URL ? fn.module.href : fn.module, n: fn.name };
    wireCache.set(fn, w);
  }
  return w;
}

export class BullmqBackend implements TaskBackend {
  readonly name = 'bullmq';
  /** Batches kept in flight by parallel() (nJobs) and the executors (maxWorkers); the workers' own concurrency is theirs. */
  readonly concurrency: number;
  readonly #client: BullmqClient;
  #closed = false;
  #inflight = 0;
  #idle: (() => void)[] = [];
  readonly #counts = emptyStats();

  constructor(options: BullmqOptions & { concurrency: number }, what = 'bullmq backend') {
    const { connection, queue } = checkBullmqOptions(options, what);
    this.concurrency = options.concurrency;
    this.#client = new BullmqClient({
      connection,
      queue,
      prefix: options.prefix,
      attempts: options.attempts,
      backoff: options.backoff,
      connectTimeoutMs: options.connectTimeout,
      maxPayloadBytes: options.maxPayloadBytes,
    });
  }

  submit(job: BackendJob): void {
    if (this.#closed) throw new DisposedError('cannot submit to a closed backend');
    const { fns, fi } = wireCalls(job.calls, remoteWireFn);
    const n = job.calls.length;
    let batch: RemoteBatch | undefined;
    try {
      batch = this.#client.submit(
        {
          fns,
          fi,
          calls: job.calls.map((c) => c.args as unknown[]),
          timeoutMs: job.timeoutMs === undefined ? undefined : job.timeoutMs * n,
        },
        () => {
          if (job.claim && !job.claim()) batch?.abort();
        },
      );
    } catch (e) {
      // Arguments that cannot travel: this batch's error, as the worker backend reports uncloneable ones.
      job.resolve({ values: [], hasError: true, error: e, ms: 0 });
      return;
    }
    const b = batch;
    const onAbort = () => {
      if (!b.cancel()) b.abort();
    };
    // Stopping a running batch here is BullMQ's job cancellation: the worker ends its thread.
    job.abort = onAbort;
    this.#inflight++;
    b.promise
      .then(
        (o) => {
          this.#counts.tasksCompleted += o.values.length;
          if (o.hasError) this.#counts.tasksFailed++;
          job.resolve(o);
        },
        (e) => {
          this.#counts.tasksFailed += n;
          job.reject(e instanceof TimeoutError && job.onTimeout ? job.onTimeout() : e);
        },
      )
      .finally(() => {
        job.abort = undefined;
        if (--this.#inflight === 0) for (const w of this.#idle.splice(0)) w();
      });
  }

  close(): void {
    this.#closed = true;
  }

  async join(): Promise<void> {
    if (this.#inflight > 0) await new Promise<void>((r) => this.#idle.push(r));
    await this.#client.close();
  }

  async terminate(): Promise<void> {
    this.#closed = true;
    await this.#client.close(true);
  }

  /** Nothing to release: the batches run in other processes. */
  release(): void {}

  stats(): TaskStats {
    return { ...this.#counts, tasksRunning: this.#inflight, workers: this.concurrency };
  }
}
