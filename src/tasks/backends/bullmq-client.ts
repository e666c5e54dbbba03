/**
 * The caller's side of the 'bullmq' backend: puts batches on a BullMQ queue
 * and hears their fate through the queue's event stream (QueueEvents), so
 * results arrive without polling and many jobs share one Redis round trip
 * (jobs submitted in the same tick go out in one addBulk).
 *
 * Connecting is lazy (constructors stay synchronous) and bounded: work
 * submitted before Redis answers waits for it, and rejects with a
 * ConnectionError if it does not answer within the connect timeout. A
 * connection lost mid-run rejects everything pending once the timeout has
 * passed without a reconnect; the client then refuses new work but can still
 * be closed.
 */
import { randomBytes } from 'node:crypto';
import { CancelledError, ConnectionError, DisposedError, WorkerCrashError } from '../../errors.js';
import { pendingOutcome, type BatchOutcome } from '../batch.js';
import { MAX_TIMER_MS } from '../timer.js';
import type { WireFn } from '../worker/protocol.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './bullmq-codec.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, type ConnectionSpec } from './bullmq-connect.js';
import type { Backoff } from './bullmq-options.js';
import { lostError, openSession, type Session, type SessionEvents } from './bullmq-session.js';
import { startSweep } from './bullmq-sweep.js';
import { CANCEL_EVENT, decodeResult, encodeCalls, EVENTS_MAX_LEN, JOB_NAME, type JobData } from './bullmq-wire.js';

/** A stream quiet this long (ms) while batches are pending makes the client look their jobs up. */
const SWEEP_MS = 2000;

export interface BullmqClientOptions {
  connection: ConnectionSpec;
  queue: string;
  prefix?: string;
  /** Runs of a batch before its error is final (BullMQ's `attempts`; default 1). */
  attempts?: number;
  /** Wait between attempts, ms or BullMQ's { type, delay } (default 0). */
  backoff?: Backoff;
  connectTimeoutMs?: number;
  maxPayloadBytes?: number;
}

export interface BatchRequest {
  fns: WireFn[];
  calls: unknown[][];
  fi?: number[];
  timeoutMs?: number;
}

/** One batch on the queue. */
export interface RemoteBatch {
  promise: Promise<BatchOutcome>;
  /** True if the batch had not started on a worker: it rejects with CancelledError and will not run. */
  cancel(): boolean;
  /** Ask the worker running the batch to stop it (the tasks see their AbortSignal fire). */
  abort(): void;
}

interface Pending {
  id: string;
  data: JobData;
  state: 'queued' | 'active' | 'done';
  resolve(o: BatchOutcome): void;
  reject(e: unknown): void;
  onActive?: () => void;
}

export class BullmqClient {
  readonly queueName: string;
  readonly #o: BullmqClientOptions;
  readonly #connectTimeout: number;
  readonly #maxPayload: number;
  readonly #idBase = randomBytes(6).toString('hex');
  #seq = 0;
  #conn: Promise<Session> | undefined;
  #pending = new Map<string, Pending>();
  #toAdd: Pending[] = [];
  #flushScheduled = false;
  #broken: Error | undefined;
  #closed = false;
  /** Removals and cancel requests on their way to Redis: close() lets them arrive first. */
  #stopping = new Set<Promise<void>>();
  #lastEvent = Date.now();
  #stopSweep: (() => void) | undefined;

  constructor(o: BullmqClientOptions) {
    this.#o = o;
    this.queueName = o.queue;
    this.#connectTimeout = o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#maxPayload = o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  /** Batches sent and not yet settled. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Connects now (otherwise the first batch does); rejects with ConnectionError. */
  ready(): Promise<void> {
    return this.#connect().then(() => {});
  }

  submit(req: BatchRequest, onActive?: () => void): RemoteBatch {
    if (this.#closed) throw new DisposedError('the bullmq backend has been closed');
    const data: JobData = { v: 1, fns: req.fns, calls: encodeCalls(req.calls, this.#maxPayload), n: req.calls.length };
    if (req.fi) data.fi = req.fi;
    // A timeout no timer can wait for (Infinity, or past 2^31-1 ms) means none; it must not
    // reach the worker as JSON, where Infinity would arrive as null and fire at once.
    if (req.timeoutMs !== undefined && req.timeoutMs <= MAX_TIMER_MS) data.timeoutMs = req.timeoutMs;
    const { promise, resolve, reject } = pendingOutcome();
    const p: Pending = { id: `wp-${this.#idBase}-${++this.#seq}`, data, state: 'queued', resolve, reject, onActive };
    if (this.#broken) {
      p.state = 'done';
      reject(this.#broken);
    } else {
      this.#pending.set(p.id, p);
      this.#toAdd.push(p);
      this.#scheduleFlush();
    }
    return {
      promise,
      cancel: () => {
        if (p.state !== 'queued') return false;
        this.#settle(p, undefined, new CancelledError('the task was cancelled before it started'));
        const i = this.#toAdd.indexOf(p);
        if (i >= 0) this.#toAdd.splice(i, 1);
        else this.#stop(p.id);
        return true;
      },
      abort: () => {
        if (p.state === 'done') return;
        this.#settle(p, undefined, new CancelledError('the task was cancelled while it ran'));
        this.#stop(p.id);
      },
    };
  }

  #settle(p: Pending, outcome: BatchOutcome | undefined, error?: unknown): void {
    if (p.state === 'done') return;
    p.state = 'done';
    this.#pending.delete(p.id);
    if (outcome) p.resolve(outcome);
    else p.reject(error);
  }

  #stop(id: string): void {
    const p = this.#removeOrAbort(id);
    this.#stopping.add(p);
    void p.finally(() => this.#stopping.delete(p));
  }

  /** A queued job is removed; one a worker holds (removal refused) is asked to abort. */
  async #removeOrAbort(id: string): Promise<void> {
    try {
      const c = await this.#connect();
      const removed = await c.queue.remove(id);
      if (!removed) await c.producer.publishEvent({ eventName: CANCEL_EVENT, jobId: id }, EVENTS_MAX_LEN);
    } catch {
      // Redis is gone: nothing runs that we could stop, and the caller already has its CancelledError.
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // After the current tick: a loop of submit() calls becomes one addBulk.
    setImmediate(() => {
      this.#flushScheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#toAdd;
    this.#toAdd = [];
    if (batch.length === 0) return;
    try {
      const c = await this.#connect();
      const live = batch.filter((p) => p.state === 'queued');
      if (live.length === 0) return;
      const { attempts, backoff } = this.#o;
      await c.queue.addBulk(
        live.map((p) => ({
          name: JOB_NAME,
          data: p.data,
          opts: {
            jobId: p.id,
            attempts: attempts ?? 1,
            ...(backoff === undefined ? {} : { backoff }),
            removeOnComplete: { age: 600 },
            removeOnFail: { age: 3600 },
          },
        })),
      );
    } catch (e) {
      const err = e instanceof ConnectionError ? e : lostError(this.#o.connection, e);
      for (const p of batch) this.#settle(p, undefined, err);
    }
  }

  #connect(): Promise<Session> {
    this.#conn ??= this.#open();
    return this.#conn;
  }

  async #open(): Promise<Session> {
    const find = (id: string) => {
      this.#lastEvent = Date.now();
      return this.#pending.get(id);
    };
    const handlers: SessionEvents = {
      active: (id) => {
        const p = find(id);
        if (p?.state !== 'queued') return;
        p.state = 'active';
        p.onActive?.();
      },
      completed: (id, returnvalue) => {
        const p = find(id);
        if (!p) return;
        try {
          const r = decodeResult(returnvalue);
          if (r.failure !== undefined) this.#settle(p, undefined, r.failure);
          else this.#settle(p, { values: r.values, hasError: r.hasError, error: r.error, ms: r.ms });
        } catch (e) {
          this.#settle(p, undefined, e);
        }
      },
      // Only infrastructure failures end here (a task's error completes the job, as its outcome).
      failed: (id, reason) => {
        const p = find(id);
        if (p) this.#settle(p, undefined, new WorkerCrashError(`the batch failed on the worker side: ${reason}`));
      },
      removed: (id) => {
        const p = find(id);
        if (p) this.#settle(p, undefined, new CancelledError('the job was removed from the queue'));
      },
      lost: (err) => this.#fail(err),
    };
    try {
      const o = { connection: this.#o.connection, queue: this.queueName, prefix: this.#o.prefix, connectTimeoutMs: this.#connectTimeout };
      const session = await openSession(o, handlers);
      this.#stopSweep = startSweep(session, SWEEP_MS, {
        pendingIds: () => [...this.#pending.values()].filter((p) => !this.#toAdd.includes(p)).map((p) => p.id),
        lastEventAt: () => this.#lastEvent,
        completed: (id, rv) => handlers.completed(id, rv),
        failed: (id, reason) => handlers.failed(id, reason),
      });
      return session;
    } catch (e) {
      this.#fail(e as Error);
      throw e;
    }
  }

  #fail(err: Error): void {
    this.#broken = err;
    for (const p of [...this.#pending.values()]) this.#settle(p, undefined, err);
  }

  /**
   * Stop listening and disconnect. Pending batches reject with DisposedError; with `stopJobs`
   * their jobs are also removed from the queue, or stopped where a worker runs them.
   */
  async close(stopJobs = false): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopSweep?.();
    const err = new DisposedError('the bullmq backend was closed before the batch finished');
    for (const p of [...this.#pending.values()]) {
      this.#settle(p, undefined, err);
      if (stopJobs && !this.#broken && !this.#toAdd.includes(p)) this.#stop(p.id);
    }
    this.#toAdd = [];
    await Promise.allSettled([...this.#stopping]);
    const conn = this.#conn;
    if (!conn) return;
    try {
      await (await conn).close();
    } catch {
      // never connected: nothing to close
    }
  }
}
