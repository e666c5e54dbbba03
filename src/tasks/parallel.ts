/**
 * joblib's Parallel / delayed. `parallel(options)` returns a callable that runs
 * an iterable of `delayed(fn)(...args)` calls: on worker threads ('worker',
 * default), concurrently on the calling thread ('async', for promise-returning
 * I/O), or one by one ('sequential', also what nJobs = 1 means).
 * The input is read lazily (preDispatch), tasks travel in auto-sized batches,
 * and the first error cancels everything that has not started.
 */
import { TimeoutError } from '../errors.js';
import { checkOptionKeys, cpuCount } from './common.js';
import { currentParallelConfig } from './config.js';
import { runBatches } from './parallel-results.js';
import type { RunOptions } from './parallel-run.js';
import { BACKEND_NAMES, createBackend, isBackendName } from './backends/index.js';
import type { TaskBackend } from './backends/backend.js';
import { WorkerBackend } from './backends/worker.js';
import type { Delayed } from './delayed.js';
import { PARALLEL_OPTIONS, type ParallelBackend, type ParallelOptions, type ReturnAs } from './parallel-options.js';

export { delayed, isDelayed, type Delayed } from './delayed.js';
export type { ParallelBackend, ParallelOptions, ReturnAs } from './parallel-options.js';

interface ParallelBase {
  /** The resolved worker count (joblib arithmetic applied). */
  readonly nJobs: number;
  readonly backend: ParallelBackend;
  readonly batchSize: 'auto' | number;
  readonly returnAs: ReturnAs;
}
export interface ParallelList extends ParallelBase {
  <R>(tasks: Iterable<Delayed<R>>): Promise<R[]>;
}
export interface ParallelGenerator extends ParallelBase {
  <R>(tasks: Iterable<Delayed<R>>): AsyncGenerator<R, void, undefined>;
}

/** joblib's effective n_jobs. */
export function resolveNJobs(n: unknown): number {
  if (n === undefined || n === null) return 1;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new RangeError(`parallel: nJobs must be an integer; got ${String(n)}`);
  if (n === 0) throw new RangeError('parallel: nJobs == 0 has no meaning: use a positive count, or -1 for all CPUs');
  return n > 0 ? n : Math.max(cpuCount() + 1 + n, 1);
}

function resolvePreDispatch(p: unknown, nJobs: number): number {
  if (p === undefined || p === null) return 2 * nJobs;
  if (p === 'all') return Infinity;
  if (typeof p === 'number') {
    if (!Number.isInteger(p) || p < 1) throw new RangeError(`preDispatch must be an integer >= 1, 'all' or like '2*n_jobs', got ${p}`);
    return p;
  }
  if (typeof p === 'string') {
    const m = /^\s*(?:(\d+(?:\.\d+)?)\s*\*\s*)?n_jobs\s*$/.exec(p) ?? /^\s*(\d+)\s*$/.exec(p);
    if (m) {
      const k = m[1] === undefined ? 1 : Number(m[1]);
      return Math.max(1, Math.floor(p.includes('n_jobs') ? k * nJobs : k));
    }
  }
  throw new RangeError(`preDispatch must be an integer >= 1, 'all' or like '2*n_jobs', got ${JSON.stringify(p)}`);
}

const sharedWorkers = new Map<number, WorkerBackend>();

/** Worker pools are reused across calls, like joblib's loky executor: starting threads costs more than tiny tasks. */
function runnerFor(backend: ParallelBackend, nJobs: number): TaskBackend {
  if (backend !== 'worker') return createBackend(backend, { concurrency: nJobs });
  let w = sharedWorkers.get(nJobs);
  if (!w) {
    w = new WorkerBackend({ concurrency: nJobs });
    sharedWorkers.set(nJobs, w);
  }
  return w;
}

/** A per-run backend (its Redis connections) is closed once the run settles, however it ends. */
function releasedAfter(
  out: Promise<unknown[]> | AsyncGenerator<unknown, void, undefined>,
  runner: TaskBackend,
): Promise<unknown[]> | AsyncGenerator<unknown, void, undefined> {
  const release = () => {
    runner.close();
    void runner.join().catch(() => {});
  };
  if (out instanceof Promise) return out.finally(release);
  return (async function* () {
    try {
      yield* out;
    } finally {
      release();
    }
  })();
}

export function parallel(options: ParallelOptions & { returnAs: 'generator' | 'generator_unordered' }): ParallelGenerator;
export function parallel(options?: ParallelOptions): ParallelList;
export function parallel(options: ParallelOptions = {}): ParallelList | ParallelGenerator {
  if (options === null || typeof options !== 'object') throw new TypeError('parallel options must be an object');
  checkOptionKeys(options, 'parallel', PARALLEL_OPTIONS);
  const o: ParallelOptions = { ...currentParallelConfig() };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, unknown>)[k] = v;

  const nJobs = resolveNJobs(o.nJobs);
  let backend: ParallelBackend = o.backend ?? 'worker';
  if (!isBackendName(backend)) {
    throw new TypeError(`parallel: backend must be one of ${BACKEND_NAMES.map((b) => `'${b}'`).join(', ')}; got ${JSON.stringify(backend)}`);
  }
  // A remote backend stays remote: nJobs only sizes how much is in flight.
  if (nJobs === 1 && backend !== 'bullmq') backend = 'sequential';
  const batchSize = o.batchSize ?? 'auto';
  if (batchSize !== 'auto' && (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1)) {
    throw new RangeError(`batchSize must be 'auto' or an integer >= 1, got ${String(batchSize)}`);
  }
  const returnAs = o.returnAs ?? 'list';
  if (returnAs !== 'list' && returnAs !== 'generator' && returnAs !== 'generator_unordered') {
    throw new TypeError(`returnAs must be 'list', 'generator' or 'generator_unordered', got ${JSON.stringify(returnAs)}`);
  }
  const timeout = o.timeout;
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
    throw new RangeError(`timeout must be a number of milliseconds > 0, got ${String(timeout)}`);
  }
  const verbose = o.verbose === true ? 10 : o.verbose === false || o.verbose === undefined ? 0 : Number(o.verbose);
  if (!(verbose >= 0)) throw new RangeError(`verbose must be a number >= 0, got ${String(o.verbose)}`);
  if (o.log !== undefined && typeof o.log !== 'function') throw new TypeError('log must be a function (line: string) => void');
  const preDispatch = resolvePreDispatch(o.preDispatch, nJobs);

  const label = `Parallel(n_jobs=${o.nJobs ?? 1})`;
  const run = (tasks: Iterable<Delayed>) => {
    if (tasks === null || typeof tasks !== 'object' || typeof (tasks as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError('parallel(...)(tasks): tasks must be an iterable of delayed(fn)(...args) calls');
    }
    const runOpts: RunOptions = {
      nJobs,
      backend,
      batchSize,
      preDispatch,
      timeoutMs: timeout,
      verbose,
      log: o.log,
      label,
      runner: backend === 'bullmq' ? createBackend('bullmq', { ...o, concurrency: nJobs }) : runnerFor(backend, nJobs),
      timeoutError: (n) => new TimeoutError(`a task did not finish within ${timeout} ms (batch of ${n})`),
    };
    const out = runBatches(tasks, runOpts, returnAs);
    return backend === 'bullmq' ? releasedAfter(out, runOpts.runner) : out;
  };
  return Object.defineProperties(run, {
    nJobs: { value: nJobs, enumerable: true },
    backend: { value: backend, enumerable: true },
    batchSize: { value: batchSize, enumerable: true },
    returnAs: { value: returnAs, enumerable: true },
  }) as unknown as ParallelList | ParallelGenerator;
}
