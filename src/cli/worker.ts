/**
 * `wasmpar worker --redis <url> --queue <name> [--concurrency n] [--threads n] [--verbose]`:
 * a long-running process that runs the batches callers put on a BullMQ queue
 * (`backend: 'bullmq'`). SIGTERM/SIGINT: finish the running batches, take no
 * more, exit; a second signal gives them back to the queue and exits at once.
 */
import { availableParallelism } from 'node:os';
import { startBullmqWorker } from '../tasks/backends/bullmq-worker.js';

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

interface Parsed {
  redis?: string;
  queue?: string;
  prefix?: string;
  concurrency: number;
  threads: number;
  verbose: boolean;
  connectTimeout?: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxPayload?: number;
  help: boolean;
}

const numeric: Record<string, keyof Parsed> = {
  '--concurrency': 'concurrency',
  '--threads': 'threads',
  '--connect-timeout': 'connectTimeout',
  '--lock-duration': 'lockDuration',
  '--stalled-interval': 'stalledInterval',
  '--max-payload': 'maxPayload',
};
const strings: Record<string, keyof Parsed> = { '--redis': 'redis', '--queue': 'queue', '--prefix': 'prefix' };

export function parseWorkerArgs(argv: string[]): Parsed {
  const p: Parsed = { concurrency: Math.max(1, availableParallelism()), threads: 1, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new TypeError(`wasmpar worker: ${flag} needs a value`);
      return v;
    };
    if (flag === '--verbose' || flag === '-v') p.verbose = true;
    else if (flag === '--help' || flag === '-h') p.help = true;
    else if (flag in strings) (p as unknown as Record<string, unknown>)[strings[flag]!] = value();
    else if (flag in numeric) {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`wasmpar worker: ${flag} must be an integer >= 1, got '${v}'`);
      (p as unknown as Record<string, unknown>)[numeric[flag]!] = n;
    } else {
      const known = ['--redis', '--queue', '--prefix', ...Object.keys(numeric), '--verbose', '--help'];
      throw new TypeError(`wasmpar worker: unknown option '${raw}' (known: ${known.join(', ')})`);
    }
  }
  return p;
}

/** Runs until a signal (or the loss of Redis); resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  let p: Parsed;
  try {
    p = parseWorkerArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (p.help) {
    console.log(usage);
    return 0;
  }
  if (!p.redis || !p.queue) {
    console.error(`wasmpar worker: --redis and --queue are required\n\n${usage}`);
    return 2;
  }
  // Task threads read this when a task asks for its Engine.
  process.env.WASMPAR_TASK_ENGINE_THREADS = String(p.threads);
  const log = (line: string) => console.log(line);
  let handle;
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
