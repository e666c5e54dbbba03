/**
 * The caller's Redis session for one queue: a BullMQ Queue (adds), the
 * queue's event stream read from "now" on (QueueEvents: active, completed,
 * failed, removed), a producer for cancel requests, and a watch that reports
 * the connection lost when it stays down longer than the connect timeout.
 */
import { ConnectionError } from '../../errors.js';
import { connectRedis, loadBullmq, type ConnectionSpec, type RedisClient } from './bullmq-connect.js';
import { describeConnection } from './bullmq-options.js';
import { EVENTS_MAX_LEN } from './bullmq-wire.js';

export interface Session {
  queue: import('bullmq').Queue;
  events: import('bullmq').QueueEvents;
  producer: import('bullmq').QueueEventsProducer;
  clients: RedisClient[];
  /** Quit cleanly if Redis is there; disconnect either way. */
  close(): Promise<void>;
}

export interface SessionEvents {
  active(jobId: string): void;
  completed(jobId: string, returnvalue: unknown): void;
  failed(jobId: string, failedReason: string): void;
  removed(jobId: string): void;
  /** The connection has been down for the whole connect timeout. */
  lost(err: ConnectionError): void;
}

export function lostError(connection: ConnectionSpec, cause?: unknown): ConnectionError {
  return new ConnectionError(`lost the connection to Redis at ${describeConnection(connection)}`, { cause });
}

export async function openSession(
  o: { connection: ConnectionSpec; queue: string; prefix?: string; connectTimeoutMs: number },
  on: SessionEvents,
): Promise<Session> {
  const b = await loadBullmq();
  const clients: RedisClient[] = [];
  try {
    const open = async (role: string) => {
      const client = await connectRedis(b.Redis, o.connection, o.connectTimeoutMs, `wasmpar-caller-${role}`);
      clients.push(client);
      return client;
    };
    const [qc, ec] = await Promise.all([open('queue'), open('events')]);
    const base = o.prefix === undefined ? {} : { prefix: o.prefix };
    const queue = new b.bullmq.Queue(o.queue, { ...base, connection: qc, streams: { events: { maxLen: EVENTS_MAX_LEN } } });
    queue.on('error', () => {});
    // Read events after the newest one now in the stream: nothing of ours can be older.
    const last = (await qc.xrevrange(`${o.prefix ?? 'bull'}:${o.queue}:events`, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    const events = new b.bullmq.QueueEvents(o.queue, { ...base, connection: ec, lastEventId: last });
    events.on('error', () => {});
    events.on('active', ({ jobId }) => on.active(jobId));
    events.on('completed', ({ jobId, returnvalue }) => on.completed(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => on.failed(jobId, failedReason));
    events.on('removed', ({ jobId }) => on.removed(jobId));
    const producer = new b.bullmq.QueueEventsProducer(o.queue, { ...base, connection: qc });
    producer.on('error', () => {});
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const stopWatch = watch(clients, o.connectTimeoutMs, () => {
      for (const c of clients) c.disconnect();
      on.lost(lostError(o.connection));
    });
    return {
      queue,
      events,
      producer,
      clients,
      async close() {
        stopWatch();
        if (clients.every((c) => c.status === 'ready')) await Promise.allSettled([events.close(), producer.close(), queue.close()]);
        for (const c of clients) c.disconnect();
      },
    };
  } catch (e) {
    for (const c of clients) c.disconnect();
    if (e instanceof ConnectionError) throw e;
    throw new ConnectionError(`cannot use Redis at ${describeConnection(o.connection)}: ${(e as Error)?.message}`, { cause: e });
  }
}

/** Calls `lost` once if some client stays down for `ms`; returns a function that stops watching. */
function watch(clients: RedisClient[], ms: number, lost: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const down = () => clients.some((c) => c.status !== 'ready');
  const check = () => {
    if (stopped) return;
    if (!down()) {
      clearTimeout(timer);
      timer = undefined;
    } else if (!timer) {
      timer = setTimeout(() => {
        if (!stopped && down()) {
          stopped = true;
          lost();
        }
      }, ms);
    }
  };
  for (const c of clients) {
    c.on('close', check);
    c.on('end', check);
    c.on('ready', check);
  }
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
