/**
 * `wasmpar worker --redis <url> --queue <name> [--concurrency n] [--threads n] [--verbose]`:
 * a long-running process that runs the batches callers put on a BullMQ queue
 * (`backend: 'bullmq'`). SIGTERM/SIGINT: finish the running batches, take no
 * more, exit; a second signal gives them back to the queue and exits at once.
 */
import { availableParallelism } from 'node:os';
import { TASK_ENGINE_THREADS_ENV } from '../tasks/task-engine.js';
import { startBullmqWorker } from '../tasks/backends/bullmq-worker.js';
import { intFlag, parseFlags, UsageError } from './usage.js';

export const usage = `usage: wasmpar worker --redis <url> --queue <name> [options]

Runs tasks that callers send with { backend: 'bullmq' } on this machine.

  --redis <url>           Redis to connect to (redis://host:6379, rediss://...)
  --queue <name>          BullMQ queue name (the callers' \`queue\` option)
  --prefix <p>            BullMQ key prefix (default 'bull')
  --concurrency <n>       batches run at once, one task thread each (default: CPU count)
  --threads <n>           threads of the numeric Engine a task gets (default 1)
  --verbose               one log line per batch
  --connect-timeout <ms>  give up connecting to Redis after this long (default 5000)
  --lock-duration <ms>    BullMQ job lock: a dead worker's batch is retried after about this long (default 30000)
  --stalled-interval <ms> how often to look for batches of dead workers (default 30000)
  --max-payload <bytes>   largest encoded batch of results (default 64 MiB)`;

export interface WorkerArgs {
  redis: string;
  queue: string;
  prefix?: string;
  concurrency: number;
  threads: number;
  verbose: boolean;
  connectTimeout?: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxPayload?: number;
}

const flags = {
  redis: { type: 'string' },
  queue: { type: 'string' },
  prefix: { type: 'string' },
  concurrency: { type: 'string' },
  threads: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'connect-timeout': { type: 'string' },
  'lock-duration': { type: 'string' },
  'stalled-interval': { type: 'string' },
  'max-payload': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The parsed command line, or undefined for --help; a bad one is a UsageError. */
export function parseWorkerArgs(argv: readonly string[]): WorkerArgs | undefined {
  const { values: v } = parseFlags('worker', argv, flags);
  if (v.help) return undefined;
  if (!v.redis || !v.queue) throw new UsageError('wasmpar worker: --redis <url> and --queue <name> are required');
  const int = (name: keyof typeof flags, value: string | boolean | undefined) =>
    intFlag('worker', name, value as string | undefined, 1);
  return {
    redis: v.redis,
    queue: v.queue,
    prefix: v.prefix,
    concurrency: int('concurrency', v.concurrency) ?? Math.max(1, availableParallelism()),
    threads: int('threads', v.threads) ?? 1,
    verbose: v.verbose ?? false,
    connectTimeout: int('connect-timeout', v['connect-timeout']),
    lockDuration: int('lock-duration', v['lock-duration']),
    stalledInterval: int('stalled-interval', v['stalled-interval']),
    maxPayload: int('max-payload', v['max-payload']),
  };
}

/** Runs until a signal (or the loss of Redis); resolves with the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const p = parseWorkerArgs(argv);
  if (!p) {
    console.log(usage);
    return 0;
  }
  // Task threads read this when a task asks for its Engine.
  process.env[TASK_ENGINE_THREADS_ENV] = String(p.threads);
  const log = (line: string) => console.log(line);
  let handle: Awaited<ReturnType<typeof startBullmqWorker>>;
  try {
    handle = await startBullmqWorker({
      connection: p.redis,
      queue: p.queue,
      prefix: p.prefix,
      concurrency: p.concurrency,
      connectTimeoutMs: p.connectTimeout,
      lockDuration: p.lockDuration,
      stalledInterval: p.stalledInterval,
      maxPayloadBytes: p.maxPayload,
      log: p.verbose ? log : undefined,
    });
  } catch (e) {
    console.error(`wasmpar worker: ${(e as Error).message}`);
    return 1;
  }
  log(`wasmpar worker: ready (queue '${p.queue}', concurrency ${p.concurrency}, pid ${process.pid})`);
  const h = handle;
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        log(`wasmpar worker: ${sig}: finishing running batches (send it again to give them back to the queue)`);
        void h.close().then(() => finish(0));
      } else if (signals === 2) {
        log(`wasmpar worker: ${sig}: giving running batches back to the queue`);
        void h.abandon().then(() => finish(0));
      }
    };
    const finish = (code: number) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      log('wasmpar worker: stopped');
      resolve(code);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    void h.lost.then((err) => {
      console.error(`wasmpar worker: ${err.message}`);
      void h.abandon().then(() => finish(1));
    });
  });
}
