/**
 * The options of backend 'bullmq' as the task APIs take them. Kept apart from
 * the implementation so the public types never name the optional bullmq and
 * ioredis packages (a consumer without them must still type-check).
 */
/** A Redis URL (`redis://host:6379/0`, `rediss://...`) or ioredis options. */
export type ConnectionSpec = string | Record<string, unknown>;


export function checkConnection(c: unknown, what: string): ConnectionSpec {
  if (typeof c === 'string') {
    if (!/^rediss?:\/\//.test(c)) throw new TypeError(`${what}: connection must be a redis:// or rediss:// URL, got '${c}'`);
    return c;
  }
  if (c !== null && typeof c === 'object' && !Array.isArray(c)) return c as Record<string, unknown>;
  throw new TypeError(`${what}: connection must be a Redis URL or ioredis options ({ host, port, ... }), got ${c === null ? 'null' : typeof c}`);
}

export function describeConnection(c: ConnectionSpec): string {
  if (typeof c === 'string') return c.replace(/\/\/[^@/]*@/, '//***@'); // never print a password
  return `${String(c.host ?? '127.0.0.1')}:${String(c.port ?? 6379)}`;
}

export type Backoff = number | { type: 'fixed' | 'exponential'; delay: number };

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


export function checkBullmqOptions(o: BullmqOptions, what: string): { connection: ConnectionSpec; queue: string } {
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

