/**
 * The caller's side of the protocol: publish a job in the control block, take
 * chunks like any worker, check out the invited workers that never entered it,
 * wait for the others to check out, collect (job-outcome.ts).
 *
 * One job is published at a time (the control block has one descriptor). Async
 * jobs queue FIFO; a sync job that arrives while an async one is in flight first
 * waits for it and collects its outcome on its behalf, then runs.
 */
import { CancelledError, DisposedError } from '../errors.js';
import { errorMessage, reportJobError, runClaimedChunks } from './chunk-loop.js';
import { yieldToEventLoop } from './event-loop-yield.js';
import { collectOutcome, kernelError, type JobOutcome } from './job-outcome.js';
import { callKernel, type KernelTable } from './kernel-table.js';
import { checkOutFor, checkOutLateWorkers, publishJob, type ResolvedJob } from './publish.js';

export type { ResolvedJob } from './publish.js';
import { ABORT, CMD_EXIT, COMMAND, CONTROL_END, ERR_TRAP, GEN, INVITED, PENDING, STATUS, STATUS_DEAD } from './protocol.js';

interface InFlight {
  job: ResolvedJob;
  outcome?: { value: JobOutcome } | { error: unknown };
}

interface Queued {
  job: ResolvedJob;
  signal: AbortSignal | undefined;
  resolve: (v: JobOutcome) => void;
  reject: (e: unknown) => void;
  /** Rejects the job at once if its signal fires while it waits in the queue. */
  onAbort?: () => void;
}


/** How long the calling thread computes before letting its event loop run (async ops). */
const CALLER_SLICE_MS = 4;

export class Dispatcher {
  readonly table: KernelTable;
  readonly control: Int32Array;
  readonly f64: Float64Array;
  readonly workerCount: number;
  readonly #spin: number;
  #queue: Queued[] = [];
  #pumping = false;
  #inFlight: InFlight | null = null;
  /** The generation of the job last published. */
  #gen = 0;
  #disposed = false;
  #idle: Promise<void> = Promise.resolve();
  #markIdle: () => void = () => {};
  /** Atomics.waitAsync does not keep Node alive; this handle does while a job is out. */
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(table: KernelTable, workerCount: number, spin: number) {
    this.table = table;
    this.workerCount = workerCount;
    this.#spin = spin;
    const buffer = table.memory.buffer;
    this.control = new Int32Array(buffer, 0, CONTROL_END >> 2);
    this.f64 = new Float64Array(buffer, 0, CONTROL_END >> 3);
  }

  // ---------------------------------------------------------------- sync

  runSync(job: ResolvedJob): JobOutcome {
    if (this.#disposed) throw new DisposedError();
    if (job.inline || job.nChunks === 0) return this.#runInline(job);
    this.#settleInFlightSync();
    this.#publish(job);
    this.#participate(job);
    checkOutLateWorkers(this.control, this.workerCount, this.#gen);
    this.#waitSync();
    return collectOutcome(this.control, this.f64, job);
  }

  // ---------------------------------------------------------------- async

  /**
   * Returns the outcome directly when the job ran inline with nothing queued
   * (an awaited small op then costs no extra promise hop), else a promise.
   */
  run(job: ResolvedJob, signal?: AbortSignal): JobOutcome | Promise<JobOutcome> {
    if (this.#disposed) throw new DisposedError();
    if (signal?.aborted) throw new CancelledError(undefined, { cause: signal.reason });
    if ((job.inline || job.nChunks === 0) && this.#queue.length === 0 && !this.#pumping) return this.#runInline(job);
    return new Promise<JobOutcome>((resolve, reject) => {
      const item: Queued = { job, signal, resolve, reject };
      if (signal) {
        // A queued job holds nothing yet: drop it now rather than when the jobs ahead finish.
        item.onAbort = () => {
          const i = this.#queue.indexOf(item);
          if (i < 0) return;
          this.#queue.splice(i, 1);
          reject(new CancelledError(undefined, { cause: signal.reason }));
        };
        signal.addEventListener('abort', item.onAbort, { once: true });
      }
      this.#queue.push(item);
      if (!this.#pumping) void this.#pump();
    });
  }

  #dequeue(): Queued | undefined {
    const item = this.#queue.shift();
    if (item?.onAbort) item.signal!.removeEventListener('abort', item.onAbort);
    return item;
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    this.#idle = new Promise((resolve) => { this.#markIdle = resolve; });
    this.#keepAlive ??= setInterval(() => {}, 1 << 30);
    try {
      for (let item = this.#dequeue(); item; item = this.#dequeue()) {
        if (item.signal?.aborted) { item.reject(new CancelledError(undefined, { cause: item.signal.reason })); continue; }
        if (this.#disposed) { item.reject(new DisposedError()); continue; }
        try {
          item.resolve(item.job.inline || item.job.nChunks === 0 ? this.#runInline(item.job) : await this.#runPublished(item.job, item.signal));
        } catch (err) {
          item.reject(err);
        }
      }
    } finally {
      this.#pumping = false;
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
      this.#markIdle();
    }
  }

  async #runPublished(job: ResolvedJob, signal: AbortSignal | undefined): Promise<JobOutcome> {
    const record: InFlight = { job };
    this.#publish(job);
    this.#inFlight = record;
    // Cancellation is cooperative: raising ABORT stops every thread from claiming
    // further chunks; running chunks finish, then everyone checks out as usual.
    const onAbort = () => { if (this.#inFlight === record) Atomics.store(this.control, ABORT, 1); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // The caller computes too, but in slices: between slices the event loop
      // runs, so an abort signal, timers and I/O are served during a long op.
      // After each yield, a Sync op may have settled this job on our behalf and
      // published its own: then the control block is no longer ours to claim from.
      while (!this.#participate(job, performance.now() + CALLER_SLICE_MS)) {
        await yieldToEventLoop();
        if (record.outcome) break;
      }
      if (!record.outcome) checkOutLateWorkers(this.control, this.workerCount, this.#gen);
      await this.#waitAsync(record);
      if (!record.outcome) {
        this.#inFlight = null;
        try { record.outcome = { value: collectOutcome(this.control, this.f64, job, signal) }; } catch (error) { record.outcome = { error }; }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if ('error' in record.outcome) throw record.outcome.error;
    return record.outcome.value;
  }

  /** Jobs waiting behind the one in flight. */
  get queueDepth(): number { return this.#queue.length; }

  /** Workers that died unexpectedly (the pool replaces each one). */
  get workersLost(): number { return this.#workersLost; }
  #workersLost = 0;

  /** Resolves when no async job is queued or in flight. */
  whenIdle(): Promise<void> { return this.#pumping ? this.#idle : Promise.resolve(); }

  // ---------------------------------------------------------------- protocol steps

  #runInline(job: ResolvedJob): JobOutcome {
    const fn = this.table.resolve(job.slot, job.index, job.args);
    const { n, chunk, nChunks, args } = job;
    const argv = args as number[];
    // A plain array: allocating a Float64Array costs more than a whole small sum.
    const partials: number[] | undefined = job.partials ? new Array<number>(nChunks) : undefined;
    let c = 0;
    try {
      for (; c < nChunks; c++) {
        const start = c * chunk;
        const r = callKernel(fn, start, Math.min(n, start + chunk), argv, argv.length);
        if (partials) partials[c] = r;
      }
    } catch (err) {
      throw kernelError(job.name, errorMessage(err), -1, err);
    }
    return partials;
  }

  #publish(job: ResolvedJob): void {
    this.#gen = publishJob(this.control, this.f64, job, this.workerCount);
  }

  /** Take chunks of the published job; false when the deadline cut it short. */
  #participate(job: ResolvedJob, deadline = Infinity): boolean {
    const argv = job.args as number[];
    let fn: ReturnType<KernelTable['resolve']>;
    try {
      fn = this.table.resolve(job.slot, job.index, argv);
    } catch (err) {
      reportJobError(this.control, ERR_TRAP, errorMessage(err), -1);
      return true;
    }
    return runClaimedChunks(this.control, this.f64, {
      fn, args: argv, argc: argv.length, n: job.n, chunk: job.chunk, nChunks: job.nChunks, partials: job.partials,
    }, -1, deadline);
  }

  /** Called from the pool's 'exit' event: the worker may have died without its exit hook running. */
  workerExited(worker: number): void {
    this.#workersLost++;
    const c = this.control;
    Atomics.store(c, STATUS + worker, STATUS_DEAD);
    const gen = Atomics.load(c, GEN);
    if (Atomics.load(c, INVITED + worker) === gen) checkOutFor(this.control, worker, gen);
    Atomics.notify(c, PENDING);
  }

  #waitSync(): void {
    const c = this.control;
    let v = Atomics.load(c, PENDING);
    for (let i = 0; v !== 0 && i < this.#spin; i++) v = Atomics.load(c, PENDING);
    // Acquire: the load that reads 0 synchronizes with each worker's check-out.
    // The timeout only bounds a sleep; the loop re-reads the word.
    while (v !== 0) {
      Atomics.wait(c, PENDING, v, 100);
      v = Atomics.load(c, PENDING);
    }
  }

  async #waitAsync(record: InFlight): Promise<void> {
    const c = this.control;
    let v = Atomics.load(c, PENDING);
    for (let i = 0; v !== 0 && i < this.#spin; i++) v = Atomics.load(c, PENDING);
    while (!record.outcome && v !== 0) {
      const r = Atomics.waitAsync(c, PENDING, v);
      if (r.async) await r.value;
      v = Atomics.load(c, PENDING);
    }
  }

  /** A sync job must not overwrite the control block under an async job still out. */
  #settleInFlightSync(): void {
    const record = this.#inFlight;
    if (!record) return;
    // The async caller may be between slices with chunks left: finish them here.
    this.#participate(record.job);
    checkOutLateWorkers(this.control, this.workerCount, this.#gen);
    this.#waitSync();
    this.#inFlight = null;
    try { record.outcome = { value: collectOutcome(this.control, this.f64, record.job) }; } catch (error) { record.outcome = { error }; }
  }

  /** Reject what is queued, let the in-flight job finish, then tell workers to exit. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (let item = this.#dequeue(); item; item = this.#dequeue()) item.reject(new DisposedError('the engine was disposed before this operation ran'));
    await this.whenIdle();
    const c = this.control;
    c[COMMAND] = CMD_EXIT;
    // Same release as a job: the COMMAND store is visible to whoever sees the new GEN.
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
  }
}
