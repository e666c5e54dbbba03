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
import { CancelledError, ConnectionError, DisposedError, TimeoutError, WorkerCrashError } from '../../errors.js';
import type { BatchOutcome } from '../batch.js';
import type { WireFn } from '../worker/protocol.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './bullmq-codec.js';
import {
  connectRedis,
  DEFAULT_CONNECT_TIMEOUT_MS,
  describeConnection,
  loadBullmq,
  type BullMQModule,
  type ConnectionSpec,
  type RedisClient,
} from './bullmq-connect.js';
import { CANCEL_EVENT, decodeResult, encodeCalls, EVENTS_MAX_LEN, JOB_NAME, type JobData } from './bullmq-wire.js';

export type Backoff = number | { type: 'fixed' | 'exponential'; delay: number };

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

type Bull = Awaited<ReturnType<typeof loadBullmq>>;
interface Conn {
  bullmq: BullMQModule;
  queue: import('bullmq').Queue;
  events: import('bullmq').QueueEvents;
  producer: import('bullmq').QueueEventsProducer;
  clients: RedisClient[];
}

const wasmparErrors: Record<string, new (m: string) => Error> = {
  WorkerCrashError,
  TimeoutError,
  CancelledError,
  ConnectionError,
};

/** Infrastructure errors keep their wasmpar class across the wire (so `instanceof TimeoutError` holds). */
function localClass(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const Cls = wasmparErrors[e.name];
  if (!Cls || (e as object) instanceof Cls) return e;
  const out = new Cls(e.message);
  out.stack = e.stack;
  return out;
}

export class BullmqClient {
  readonly queueName: string;
  readonly #o: BullmqClientOptions;
  readonly #connectTimeout: number;
  readonly #maxPayload: number;
  readonly #idBase = randomBytes(6).toString('hex');
  #seq = 0;
  #conn: Promise<Conn> | undefined;
  #pending = new Map<string, Pending>();
  #toAdd: Pending[] = [];
  #flushScheduled = false;
  #broken: Error | undefined;
  #closed = false;
  #lostTimer: ReturnType<typeof setTimeout> | undefined;
  /** Removals and cancel requests on their way to Redis: close() lets them arrive first. */
  #stopping = new Set<Promise<void>>();

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
    if (req.timeoutMs !== undefined) data.timeoutMs = req.timeoutMs;
    let resolve!: (o: BatchOutcome) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<BatchOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
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
      const err = e instanceof ConnectionError ? e : this.#lostError(e);
      for (const p of batch) this.#settle(p, undefined, err);
    }
  }

  #lostError(cause: unknown): ConnectionError {
    return new ConnectionError(`lost the connection to Redis at ${describeConnection(this.#o.connection)}`, { cause });
  }

  #connect(): Promise<Conn> {
    this.#conn ??= this.#open();
    return this.#conn;
  }

  async #open(): Promise<Conn> {
    const b: Bull = await loadBullmq();
    const clients: RedisClient[] = [];
    try {
      const open = async (role: string) => {
        const client = await connectRedis(b.Redis, this.#o.connection, this.#connectTimeout, `wasmpar-caller-${role}`);
        clients.push(client);
        return client;
      };
      const [qc, ec] = await Promise.all([open('queue'), open('events')]);
      const base = this.#o.prefix === undefined ? {} : { prefix: this.#o.prefix };
      const queue = new b.bullmq.Queue(this.queueName, { ...base, connection: qc, streams: { events: { maxLen: EVENTS_MAX_LEN } } });
      queue.on('error', () => {});
      // Start reading events after the newest one now in the stream: nothing of ours can be older.
      const eventsKey = `${this.#o.prefix ?? 'bull'}:${this.queueName}:events`;
      const last = (await qc.xrevrange(eventsKey, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
      const events = new b.bullmq.QueueEvents(this.queueName, { ...base, connection: ec, lastEventId: last });
      events.on('error', () => {});
      const producer = new b.bullmq.QueueEventsProducer(this.queueName, { ...base, connection: qc });
      producer.on('error', () => {});
      this.#listen(events);
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      this.#watch(clients);
      return { bullmq: b.bullmq, queue, events, producer, clients };
    } catch (e) {
      for (const c of clients) c.disconnect();
      const err = e instanceof ConnectionError ? e : new ConnectionError(`cannot use Redis at ${describeConnection(this.#o.connection)}: ${(e as Error)?.message}`, { cause: e });
      this.#fail(err);
      throw err;
    }
  }

  #listen(events: import('bullmq').QueueEvents): void {
    events.on('active', ({ jobId }) => {
      const p = this.#pending.get(jobId);
      if (!p || p.state !== 'queued') return;
      p.state = 'active';
      p.onActive?.();
    });
    events.on('completed', ({ jobId, returnvalue }) => {
      const p = this.#pending.get(jobId);
      if (!p) return;
      let r;
      try {
        r = decodeResult(returnvalue);
      } catch (e) {
        this.#settle(p, undefined, e);
        return;
      }
      if (r.failure !== undefined) this.#settle(p, undefined, localClass(r.failure));
      else this.#settle(p, { values: r.values, hasError: r.hasError, error: r.error, ms: r.ms });
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const p = this.#pending.get(jobId);
      if (!p) return;
      // Only infrastructure failures end here (task errors complete with the error as outcome).
      this.#settle(p, undefined, new WorkerCrashError(`the batch failed on the worker side: ${failedReason}`));
    });
    events.on('removed', ({ jobId }) => {
      const p = this.#pending.get(jobId);
      if (p) this.#settle(p, undefined, new CancelledError('the job was removed from the queue'));
    });
  }

  /** A connection that stays down longer than the connect timeout fails everything pending. */
  #watch(clients: RedisClient[]): void {
    const check = () => {
      const down = clients.some((c) => c.status !== 'ready');
      if (!down) {
        clearTimeout(this.#lostTimer);
        this.#lostTimer = undefined;
      } else if (!this.#lostTimer && !this.#closed) {
        this.#lostTimer = setTimeout(() => {
          if (clients.some((c) => c.status !== 'ready')) this.#fail(this.#lostError(undefined), true);
        }, this.#connectTimeout);
      }
    };
    for (const c of clients) {
      c.on('close', check);
      c.on('end', check);
      c.on('ready', check);
    }
  }

  #fail(err: Error, disconnect = false): void {
    this.#broken = err;
    for (const p of [...this.#pending.values()]) this.#settle(p, undefined, err);
    if (disconnect) void this.#conn?.then((c) => c.clients.forEach((cl) => cl.disconnect()), () => {});
  }

  /**
   * Stop listening and disconnect. Pending batches reject with DisposedError; with `stopJobs`
   * their jobs are also removed from the queue, or stopped where a worker runs them.
   */
  async close(stopJobs = false): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#lostTimer);
    const err = new DisposedError('the bullmq backend was closed before the batch finished');
    for (const p of [...this.#pending.values()]) {
      this.#settle(p, undefined, err);
      if (stopJobs && !this.#broken && !this.#toAdd.includes(p)) this.#stop(p.id);
    }
    this.#toAdd = [];
    await Promise.allSettled([...this.#stopping]);
    const conn = this.#conn;
    if (!conn) return;
    let c: Conn;
    try {
      c = await conn;
    } catch {
      return;
    }
    const healthy = c.clients.every((cl) => cl.status === 'ready');
    if (healthy) await Promise.allSettled([c.events.close(), c.producer.close(), c.queue.close()]);
    for (const cl of c.clients) cl.disconnect();
  }
}
