/**
 * Drives an op generator (see op.ts) to completion, synchronously or not.
 * Both drivers resolve jobs the same way, so they produce the same chunks.
 */
import { CancelledError, EnvironmentError } from '../errors.js';
import type { Dispatcher, ResolvedJob } from '../runtime/dispatcher.js';
import type { JobOutcome } from '../runtime/job-outcome.js';
import { MAX_ARGS } from '../runtime/protocol.js';
import { chooseChunk, chunkCount } from '../runtime/scheduler.js';
import type { KernelJob, Op } from './op.js';
import type { OpContext } from './op-context.js';

export interface DriverConfig {
  dispatcher: Dispatcher;
  /** Export name -> index in the built-in module (slot 0). */
  builtins: ReadonlyMap<string, number>;
  inlineWork: number;
}

export function resolveJob(cfg: DriverConfig, job: KernelJob): ResolvedJob {
  let slot: number, index: number, name: string;
  if (typeof job.kernel === 'string') {
    const i = cfg.builtins.get(job.kernel);
    if (i === undefined) throw new EnvironmentError(`kernel ${job.kernel} is missing from build/kernels.wasm: the build is stale (run \`npm run build\`)`);
    slot = 0; index = i; name = job.kernel;
  } else {
    ({ module: slot, index, name } = job.kernel);
  }
  const n = job.n;
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`a job covers at most 2^31-1 elements; got ${n}`);
  if (job.args.length > MAX_ARGS) throw new RangeError(`a kernel takes at most ${MAX_ARGS} arguments after (start, end); got ${job.args.length}`);
  const cost = job.cost ?? 1;
  const chunk = job.chunk ?? chooseChunk(n, cost);
  const nChunks = chunkCount(n, chunk);
  const inline = cfg.dispatcher.workerCount === 0 || nChunks <= 1 || n * cost < cfg.inlineWork;
  return { slot, index, name, n, chunk, nChunks, args: job.args, partials: job.partials ?? false, inline };
}

export function driveSync<T>(cfg: DriverConfig, ctx: OpContext, op: Op<T>): T {
  let ok = false;
  try {
    let step = op.next();
    while (!step.done) {
      let outcome: JobOutcome;
      try {
        outcome = cfg.dispatcher.runSync(resolveJob(cfg, step.value));
      } catch (err) {
        step = op.throw(err);
        continue;
      }
      step = op.next(outcome);
    }
    ok = true;
    return step.value;
  } finally {
    ctx.finish(ok);
  }
}

export async function driveAsync<T>(cfg: DriverConfig, ctx: OpContext, op: Op<T>, signal?: AbortSignal): Promise<T> {
  let ok = false;
  try {
    let step = op.next();
    while (!step.done) {
      let outcome: JobOutcome;
      try {
        if (signal?.aborted) throw new CancelledError(`${ctx.op} was cancelled`, { cause: signal.reason });
        const r = cfg.dispatcher.run(resolveJob(cfg, step.value), signal);
        // Inline jobs come back as values: no promise hop for small arrays.
        outcome = r instanceof Promise ? await r : r;
      } catch (err) {
        step = op.throw(err);
        continue;
      }
      step = op.next(outcome);
    }
    ok = true;
    return step.value;
  } finally {
    ctx.finish(ok);
  }
}
