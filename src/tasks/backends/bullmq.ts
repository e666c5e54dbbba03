/**
 * Backend 'bullmq': batches become BullMQ jobs on Redis, run by `wasmpar
 * worker` processes on any number of machines (bullmq-worker.ts). Functions
 * travel as in the 'worker' backend (source text, or a module reference) with
 * one difference: a module reference is resolved on the worker machine (a
 * relative path against the worker's working directory), not here.
 */
import { DisposedError, TimeoutError } from '../../errors.js';
import { isModuleRef, toWireFn, type TaskFn } from '../worker/task-fn.js';
import type { WireFn } from '../worker/protocol.js';
import type { BackendJob, TaskBackend, TaskCall } from './backend.js';
import { BullmqClient, type Backoff, type RemoteBatch } from './bullmq-client.js';
import { checkConnection, type ConnectionSpec } from './bullmq-connect.js';

/** Options of the 'bullmq' backend, accepted by Executor, Pool and parallel(). */
export interface BullmqOptions {
  /** Redis: a URL (`redis://host:6379`) or ioredis options. Required. */
  connection?: string | Record<string, unknown>;
  /** BullMQ queue name; the workers' `--queue` (default 'wasmpar'). */
  queue?: string;
  /** BullMQ key prefix; the workers' `--prefix` (default 'bull'). */
  prefix?: string;
  /** Runs of a batch before its error is final (default 1: no retry). A crashed worker's batch is retried regardless. */
  attempts?: number;
  /** Wait between attempts: ms, or { type: 'fixed' | 'exponential', delay: ms }. */
  backoff?: Backoff;
  /** How long to wait for Redis, at start and after a lost connection, before failing (ms, default 5000). */
  connectTimeout?: number;
  /** Largest encoded batch of arguments (bytes, default 64 MiB). */
  maxPayloadBytes?: number;
}

export const BULLMQ_OPTION_KEYS = ['connection', 'queue', 'prefix', 'attempts', 'backoff', 'connectTimeout', 'maxPayloadBytes'] as const;

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

function remoteWireCalls(calls: readonly TaskCall[]): { fns: WireFn[]; fi: number[] | undefined } {
  const fns: WireFn[] = [];
  const index = new Map<WireFn, number>();
  const fi: number[] = [];
  for (const c of calls) {
    const w = remoteWireFn(c.fn);
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

function checkOptions(o: BullmqOptions, what: string): { connection: ConnectionSpec; queue: string } {
  if (o.connection === undefined) {
    throw new TypeError(`${what}: backend 'bullmq' needs a \`connection\` (a Redis URL such as 'redis://127.0.0.1:6379', or ioredis options)`);
  }
  const connection = checkConnection(o.connection, what);
  const queue = o.queue ?? 'wasmpar';
  if (typeof queue !== 'string' || queue === '' || queue.includes(':')) {
    throw new TypeError(`${what}: queue must be a non-empty string without ':', got ${JSON.stringify(queue)}`);
  }
  if (o.prefix !== undefined && (typeof o.prefix !== 'string' || o.prefix === '')) throw new TypeError(`${what}: prefix must be a non-empty string`);
  if (o.attempts !== undefined && !(Number.isInteger(o.attempts) && o.attempts >= 1)) {
    throw new RangeError(`${what}: attempts must be an integer >= 1, got ${String(o.attempts)}`);
  }
  const b = o.backoff;
  if (b !== undefined && !(typeof b === 'number' && b >= 0) &&
    !(b !== null && typeof b === 'object' && (b.type === 'fixed' || b.type === 'exponential') && typeof b.delay === 'number' && b.delay >= 0)) {
    throw new TypeError(`${what}: backoff must be a number of ms or { type: 'fixed' | 'exponential', delay: ms }`);
  }
  for (const k of ['connectTimeout', 'maxPayloadBytes'] as const) {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new RangeError(`${what}: ${k} must be a number > 0, got ${String(v)}`);
  }
  return { connection, queue };
}

export class BullmqBackend implements TaskBackend {
  readonly name = 'bullmq';
  readonly cancellable = true;
  /** Batches kept in flight by parallel() (nJobs) and the executors (maxWorkers); the workers' own concurrency is theirs. */
  readonly concurrency: number;
  readonly client: BullmqClient;
  #closed = false;
  #inflight = 0;
  #idle: (() => void)[] = [];

  constructor(options: BullmqOptions & { concurrency: number }, what = 'bullmq backend') {
    const { connection, queue } = checkOptions(options, what);
    this.concurrency = options.concurrency;
    this.client = new BullmqClient({
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
    const signal = job.signal;
    if (signal?.aborted) return;
    const { fns, fi } = remoteWireCalls(job.calls);
    const n = job.calls.length;
    let batch: RemoteBatch | undefined;
    try {
      batch = this.client.submit(
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
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#inflight++;
    b.promise
      .then(
        (o) => job.resolve(o),
        (e) => job.reject(e instanceof TimeoutError && job.onTimeout ? job.onTimeout() : e),
      )
      .finally(() => {
        signal?.removeEventListener('abort', onAbort);
        if (--this.#inflight === 0) for (const w of this.#idle.splice(0)) w();
      });
  }

  close(): void {
    this.#closed = true;
  }

  async join(): Promise<void> {
    if (this.#inflight > 0) await new Promise<void>((r) => this.#idle.push(r));
    await this.client.close();
  }

  async terminate(): Promise<void> {
    this.#closed = true;
    await this.client.close(true);
  }
}
