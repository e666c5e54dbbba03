/**
 * The worker side of the 'bullmq' backend (what `wasmpar worker` runs): a
 * BullMQ Worker that takes batch jobs from the queue and runs each on a local
 * task pool (worker threads), one batch per thread at a time.
 *
 * Faults are BullMQ's: a process that dies mid-batch holds the job's lock
 * only until lockDuration; the stalled-job check of a live worker then puts the
 * job back in the queue. A batch whose task threw is retried while the job
 * has attempts left, and otherwise completes with the error as its outcome
 * (so the caller gets the error's class, message and stack, not a string).
 */
import { CancelledError, ConnectionError, TimeoutError } from '../../errors.js';
import { CANCEL_GRACE_MS, type BatchOutcome } from '../batch.js';
import { moduleSpecifier } from '../worker/module-ref.js';
import type { WireFn } from '../worker/protocol.js';
import { TaskPool, type TaskJob } from '../worker/task-pool.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './bullmq-codec.js';
import {
  connectRedis,
  DEFAULT_CONNECT_TIMEOUT_MS,
  loadBullmq,
  type ConnectionSpec,
  type RedisClient,
} from './bullmq-connect.js';
import { describeConnection } from './bullmq-options.js';
import { CANCEL_EVENT, decodeCalls, encodeResult, JOB_NAME, type JobData } from './bullmq-wire.js';

export interface BullmqWorkerOptions {
  connection: ConnectionSpec;
  queue: string;
  prefix?: string;
  /** Batches run at once, each on its own task thread. */
  concurrency: number;
  connectTimeoutMs?: number;
  maxPayloadBytes?: number;
  /** BullMQ's lock on a running job (ms): a dead worker's batch is retried after about this long. */
  lockDuration?: number;
  /** How often (ms) this worker looks for stalled jobs of dead workers. */
  stalledInterval?: number;
  /** One line per batch. */
  log?: (line: string) => void;
}

export interface BullmqWorkerHandle {
  /** Finish the running batches, take no more, release everything. */
  close(): Promise<void>;
  /** Give the running batches back to the queue (another worker runs them) and release everything. */
  abandon(): Promise<void>;
  /** Resolves if the Redis connection is lost for good (the process should exit). */
  readonly lost: Promise<Error>;
}

export async function startBullmqWorker(o: BullmqWorkerOptions): Promise<BullmqWorkerHandle> {
  const { bullmq, Redis } = await loadBullmq();
  const connectTimeout = o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const maxPayload = o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const clients: RedisClient[] = [];
  const connect = async (role: string) => {
    const c = await connectRedis(Redis, o.connection, connectTimeout, `wasmpar-worker-${role}`);
    clients.push(c);
    return c;
  };
  const pool = new TaskPool({ size: o.concurrency });
  const base = o.prefix === undefined ? {} : { prefix: o.prefix };
  let closing = false;

  const processor = async (job: import('bullmq').Job, _token?: string, signal?: AbortSignal): Promise<string> => {
    const t0 = performance.now();
    if (job.name !== JOB_NAME) throw new bullmq.UnrecoverableError(`wasmpar worker: job '${job.name}' is not a wasmpar batch`);
    const data = job.data as JobData;
    const calls = decodeCalls(data);
    const outcome = await runBatch(pool, data, calls, signal);
    const attempts = job.opts.attempts ?? 1;
    const lastAttempt = job.attemptsMade + 1 >= attempts;
    const failed = outcome.failure !== undefined || outcome.hasError;
    o.log?.(
      `wasmpar worker: job ${job.id} (${data.n} task${data.n === 1 ? '' : 's'}) ` +
        `${outcome.failure ? `failed: ${(outcome.failure as Error).message}` : outcome.hasError ? `raised ${(outcome.error as Error)?.name ?? 'an error'}` : 'done'}` +
        ` in ${(performance.now() - t0).toFixed(1)} ms${failed && !lastAttempt && !signal?.aborted ? ' (will be retried)' : ''}`,
    );
    if (signal?.aborted) throw new bullmq.UnrecoverableError('cancelled by the caller');
    // Throwing makes BullMQ retry (with the job's backoff); the last attempt reports instead.
    if (failed && !lastAttempt) throw outcome.failure ?? outcome.error;
    return encodeResult(outcome, maxPayload);
  };

  const workerClient = await connect('jobs');
  const eventsClient = await connect('events');
  const worker = new bullmq.Worker(o.queue, processor, {
    ...base,
    connection: workerClient,
    concurrency: o.concurrency,
    autorun: false,
    ...(o.lockDuration === undefined ? {} : { lockDuration: o.lockDuration }),
    ...(o.stalledInterval === undefined ? {} : { stalledInterval: o.stalledInterval }),
  });
  worker.on('error', () => {}); // connection trouble is handled through `lost`
  const events = new bullmq.QueueEvents(o.queue, { ...base, connection: eventsClient });
  events.on('error', () => {});
  events.on(CANCEL_EVENT as 'error', ((args: { jobId?: string }) => {
    if (typeof args?.jobId === 'string') worker.cancelJob(args.jobId, 'cancelled by the caller');
  }) as unknown as () => void);
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
  void worker.run().catch(() => {});

  let lostResolve!: (e: Error) => void;
  const lost = new Promise<Error>((r) => (lostResolve = r));
  for (const c of clients) {
    c.on('end', () => {
      if (!closing) lostResolve(new ConnectionError(`lost the connection to Redis at ${describeConnection(o.connection)}`));
    });
  }

  const release = async () => {
    await events.close().catch(() => {});
    pool.close();
    await pool.terminate();
    for (const c of clients) c.disconnect();
  };
  return {
    lost,
    async close() {
      if (closing) return;
      closing = true;
      await worker.close().catch(() => {});
      await release();
    },
    async abandon() {
      closing = true;
      // Without its lock renewed the job stalls, and a live worker's stalled check requeues it.
      await worker.close(true).catch(() => {});
      await release();
    },
  };
}

function runBatch(pool: TaskPool, data: JobData, calls: unknown[][], signal: AbortSignal | undefined): Promise<BatchOutcome & { failure?: unknown }> {
  return new Promise((resolve) => {
    const fail = (e: unknown) => resolve({ values: [], hasError: false, failure: e, ms: 0 });
    const job: TaskJob = {
      fns: data.fns.map(resolveHere),
      calls,
      fi: data.fi,
      timeoutMs: data.timeoutMs,
      onTimeout: () => new TimeoutError(`a batch of ${calls.length} task(s) did not finish within ${data.timeoutMs} ms`),
      resolve,
      reject: fail,
    };
    // BullMQ's job cancellation: a queued batch is dropped; a running one is asked to stop (its
    // tasks' AbortSignal fires), and its thread is ended if it has not stopped after a grace period.
    let started = false;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const stop = () => pool.stop(job, new CancelledError('the batch was cancelled by the caller'));
    const onAbort = () => {
      if (!started) return stop();
      job.abort?.();
      grace = setTimeout(stop, CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(grace);
      signal?.removeEventListener('abort', onAbort);
    };
    job.claim = () => (started = true);
    job.resolve = (o) => {
      settle();
      resolve(o);
    };
    job.reject = (e) => {
      settle();
      fail(e);
    };
    if (signal?.aborted) onAbort();
    else pool.submit(job);
  });
}

/** A module reference means what it means on this machine: a relative path is this process's working directory. */
function resolveHere(w: WireFn): WireFn {
  return 'm' in w ? { m: moduleSpecifier(w.m), n: w.n } : w;
}
