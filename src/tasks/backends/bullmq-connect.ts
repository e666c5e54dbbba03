/**
 * Loading BullMQ and its Redis client (optional peer dependencies, imported
 * only when the 'bullmq' backend is used) and opening Redis connections that
 * fail fast: an unreachable server is a ConnectionError within the connect
 * timeout, never a silent retry loop.
 */
import { ConnectionError, EnvironmentError, TimeoutError } from '../../errors.js';
import type * as BullMQ from 'bullmq';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { describeConnection, type ConnectionSpec } from './bullmq-options.js';

export type { ConnectionSpec } from './bullmq-options.js';

export type { RedisClient };
export type BullMQModule = typeof BullMQ;

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

let loaded: Promise<{ bullmq: BullMQModule; Redis: typeof RedisClient }> | undefined;

export function loadBullmq(): Promise<{ bullmq: BullMQModule; Redis: typeof RedisClient }> {
  loaded ??= (async () => {
    let bullmq: BullMQModule;
    let ioredis: { Redis?: typeof RedisClient; default?: typeof RedisClient };
    try {
      bullmq = await import('bullmq');
      ioredis = (await import('ioredis')) as unknown as typeof ioredis;
    } catch (e) {
      loaded = undefined; // let a later call retry after `npm install`
      throw new EnvironmentError(
        "the 'bullmq' backend needs the packages bullmq and ioredis, which are optional peer dependencies of wasmpar: " +
          'run `npm install bullmq ioredis`',
        { cause: e },
      );
    }
    const Redis = ioredis.Redis ?? ioredis.default;
    if (typeof Redis !== 'function') throw new EnvironmentError('the installed ioredis has no Redis class: run `npm install ioredis@latest`');
    return { bullmq, Redis };
  })();
  return loaded;
}

/**
 * A connected client. BullMQ needs maxRetriesPerRequest: null (commands wait
 * through a reconnect instead of failing). Before the first `ready`, no
 * reconnect is attempted: the caller learns at once that the server is not there.
 */
export async function connectRedis(
  Redis: typeof RedisClient,
  spec: ConnectionSpec,
  connectTimeoutMs: number,
  name: string,
): Promise<RedisClient> {
  let everReady = false;
  const base: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: connectTimeoutMs,
    connectionName: name,
    lazyConnect: true,
    retryStrategy: (times: number) => (everReady ? Math.min(100 * times, 1000) : null),
  };
  const client =
    typeof spec === 'string' ? new Redis(spec, base) : new Redis({ ...(spec as RedisOptions), ...base });
  let lastError: Error | undefined;
  // Reported through connect() and the owners' close handling, not as an unhandled 'error'.
  client.on('error', (e: Error) => (lastError = e));
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      }),
    ]);
    everReady = true;
    return client;
  } catch (e) {
    client.disconnect();
    // ioredis rejects with "Connection is closed."; the socket's own error says why.
    const why = lastError ?? e;
    throw new ConnectionError(`cannot connect to Redis at ${describeConnection(spec)}: ${(why as Error)?.message ?? String(why)}`, {
      cause: why,
    });
  } finally {
    clearTimeout(timer);
  }
}
