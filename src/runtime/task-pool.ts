/**
 * The task-worker pool behind Pool, Executor('worker') and parallel(). Separate
 * from the numeric engine's workers on purpose: a long CPU task here must never
 * stall a numeric job there.
 *
 * Each worker holds up to `depth` batches (pipelining: the next batch is already
 * in its port when the current one finishes). Workers run batches in FIFO order,
 * so when a thread dies the oldest batch it held is the one that killed it: that
 * one rejects with WorkerCrashError, the rest go back to the front of the queue,
 * and a fresh worker takes the dead one's place (Python's Pool hangs here).
 *
 * Workers are unref()ed while idle, and ref()ed while they hold work, so a
 * script that forgets to close a pool still exits, but one that awaits a result
 * is not ended early by an empty event loop.
 */
import { Worker } from 'node:worker_threads';
import { DisposedError, WorkerCrashError } from '../errors.js';
import {
  deserializeError,
  type BatchMessage,
  type TaskWorkerData,
  type WireFn,
  type WorkerMessage,
} from './task-protocol.js';

export interface BatchOutcome {
  /** Results of the calls that completed, in order (all of them unless `hasError`). */
  values: unknown[];
  hasError: boolean;
  /** The error thrown by call number `values.length`. */
  error?: unknown;
  /** Time the worker spent running the batch, in ms. */
  ms: number;
}

export interface TaskJob {
  fns: WireFn[];
  calls: unknown[][];
  fi?: number[];
  /** Called when the job is about to be sent; returning false drops it (it was cancelled while queued). */
  claim?: () => boolean;
  resolve: (outcome: BatchOutcome) => void;
  /** Infrastructure failures only: crash, termination, timeout. Task errors resolve with hasError. */
  reject: (err: unknown) => void;
  /** Kill the worker and reject with the error this returns if the job runs longer than timeoutMs. */
  timeoutMs?: number;
  onTimeout?: () => unknown;
}

export interface TaskPoolOptions {
  size: number;
  initializer?: WireFn;
  initargs?: unknown[];
  /** Batches a worker runs before it is replaced (Python's maxtasksperchild). */
  maxTasksPerWorker?: number;
  depth?: number;
}

interface Entry {
  job: TaskJob;
  id: number;
  slot?: Slot;
  timer?: ReturnType<typeof setTimeout>;
}

interface Slot {
  worker: Worker;
  wake: Int32Array;
  ready: boolean;
  inflight: Entry[];
  sent: number;
  leaving: boolean;
  crashCause?: unknown;
}

const workerUrl = new URL('./task-worker.js', import.meta.url);
const MAX_START_FAILURES = 3;
// Workers inherit the parent's flags, but `node --input-type=module -e ...` makes every worker refuse to start.
const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));

export class TaskPool {
  readonly size: number;
  private readonly depth: number;
  private readonly data: TaskWorkerData;
  private readonly maxTasks: number;
  private slots: Slot[] = [];
  private queue: Entry[] = [];
  private qHead = 0;
  private nextId = 1;
  private started = false;
  private closed = false;
  private terminated = false;
  private broken: unknown = undefined;
  private startFailures = 0;
  private exits: Promise<unknown>[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(opts: TaskPoolOptions) {
    this.size = opts.size;
    this.depth = opts.depth ?? 2;
    this.maxTasks = opts.maxTasksPerWorker ?? Infinity;
    this.data = { initializer: opts.initializer, initargs: opts.initargs ?? [] };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Jobs queued or in flight. */
  get pending(): number {
    let n = this.queue.length - this.qHead;
    for (const s of this.slots) n += s.inflight.length;
    return n;
  }

  assertOpen(): void {
    if (this.closed) throw new DisposedError(this.terminated ? 'the pool has been terminated' : 'the pool has been closed');
  }

  submit(job: TaskJob): void {
    this.assertOpen();
    if (this.broken !== undefined) {
      job.reject(this.broken);
      return;
    }
    this.queue.push({ job, id: this.nextId++ });
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.size; i++) this.spawn();
    }
    this.pump();
  }

  private spawn(): void {
    const wake = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(workerUrl, { workerData: { ...this.data, wake } satisfies TaskWorkerData, execArgv });
    const slot: Slot = { worker, wake, ready: false, inflight: [], sent: 0, leaving: false };
    this.slots.push(slot);
    worker.on('message', (msg: WorkerMessage) => this.onMessage(slot, msg));
    worker.on('error', (err) => {
      slot.crashCause ??= err;
    });
    this.exits.push(new Promise((r) => worker.once('exit', r)));
    worker.once('exit', (code) => this.onExit(slot, code));
  }

  private onMessage(slot: Slot, msg: WorkerMessage): void {
    if (msg.t === 'done') {
      const entry = slot.inflight.shift();
      if (!entry || entry.id !== msg.id) return; // the entry was killed (timeout); its worker is going away
      if (entry.timer) clearTimeout(entry.timer);
      if (slot.inflight.length === 0) slot.worker.unref();
      const outcome: BatchOutcome = { values: msg.values, hasError: msg.error !== undefined, ms: msg.ms };
      if (msg.error) outcome.error = deserializeError(msg.error);
      this.retireIfDue(slot);
      this.pump();
      entry.job.resolve(outcome);
      this.checkIdle();
    } else if (msg.t === 'ready') {
      slot.ready = true;
      this.startFailures = 0;
      if (this.closed && this.pending === 0) {
        this.leave(slot);
        return;
      }
      this.pump();
      if (slot.inflight.length === 0) slot.worker.unref();
    } else if (msg.t === 'init-error') {
      const cause = deserializeError(msg.error);
      this.fail(new Error(`the pool's initializer failed: ${(cause as Error)?.message ?? String(cause)}`, { cause }));
    }
  }

  private onExit(slot: Slot, code: number): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.leaving) {
      this.checkIdle();
      return;
    }
    // An unexpected exit: the oldest in-flight batch is the culprit.
    const [culprit, ...rest] = slot.inflight;
    slot.inflight = [];
    for (const e of rest) if (e.timer) clearTimeout(e.timer);
    this.requeueFront(rest);
    const cause = slot.crashCause;
    const why = cause instanceof Error ? `: ${cause.message}` : '';
    if (culprit) {
      if (culprit.timer) clearTimeout(culprit.timer);
      culprit.job.reject(
        new WorkerCrashError(`a task worker exited with code ${code} while running a task${why}`, { cause }),
      );
    }
    if (!slot.ready && ++this.startFailures >= MAX_START_FAILURES) {
      this.fail(new WorkerCrashError(`task workers keep exiting during start-up (code ${code})${why}`, { cause }));
      return;
    }
    if (!this.closed || this.pending > 0) this.spawn();
    this.pump();
    this.checkIdle();
  }

  private requeueFront(entries: Entry[]): void {
    if (entries.length === 0) return;
    for (const e of entries) e.slot = undefined;
    this.queue = [...entries, ...this.queue.slice(this.qHead)];
    this.qHead = 0;
  }

  /** Reject everything queued and future submissions (the initializer fails, or workers cannot start). */
  private fail(err: unknown): void {
    this.broken = err;
    const queued = this.queue.slice(this.qHead);
    this.queue = [];
    this.qHead = 0;
    for (const e of queued) e.job.reject(err);
    for (const s of [...this.slots]) {
      for (const e of s.inflight) e.job.reject(err);
      s.inflight = [];
      this.leave(s);
    }
  }

  private retireIfDue(slot: Slot): void {
    if (slot.sent >= this.maxTasks && slot.inflight.length === 0 && !slot.leaving) {
      this.leave(slot);
      if (!this.closed) this.spawn();
    }
  }

  private leave(slot: Slot): void {
    if (slot.leaving) return;
    slot.leaving = true;
    // ref() so that whoever awaits join()/terminate() is not ended by an empty event loop.
    slot.worker.ref();
    void slot.worker.terminate();
  }

  private pump(): void {
    while (this.qHead < this.queue.length) {
      // Idle workers first; pipeline onto busy ones only when none is idle.
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (!s.ready || s.leaving || s.sent >= this.maxTasks || s.inflight.length >= this.depth) continue;
        if (!best || s.inflight.length < best.inflight.length) best = s;
        if (s.inflight.length === 0) break;
      }
      if (!best) break;
      const entry = this.queue[this.qHead++];
      if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.qHead);
        this.qHead = 0;
      }
      if (entry.job.claim && !entry.job.claim()) continue;
      this.send(best, entry);
    }
    if (this.qHead === this.queue.length && this.qHead > 0) {
      this.queue = [];
      this.qHead = 0;
    }
    if (this.closed) for (const s of this.slots) if (s.ready && s.inflight.length === 0 && this.pending === 0) this.leave(s);
  }

  private send(slot: Slot, entry: Entry): void {
    const { job } = entry;
    const msg: BatchMessage = { id: entry.id, fns: job.fns, calls: job.calls };
    if (job.fi) msg.fi = job.fi;
    try {
      slot.worker.postMessage(msg);
      // The worker may be asleep in Atomics.wait rather than in its event loop.
      Atomics.add(slot.wake, 0, 1);
      Atomics.notify(slot.wake, 0, 1);
    } catch (e) {
      // Arguments that cannot be cloned: this job's error, the worker is fine.
      job.resolve({ values: [], hasError: true, error: e, ms: 0 });
      return;
    }
    entry.slot = slot;
    slot.sent++;
    slot.inflight.push(entry);
    if (slot.inflight.length === 1) slot.worker.ref();
    if (job.timeoutMs !== undefined && Number.isFinite(job.timeoutMs)) {
      entry.timer = setTimeout(() => this.kill(entry, job.onTimeout?.() ?? new Error('task timed out')), job.timeoutMs);
    }
  }

  /** Stop a running job the only way a synchronous task can be stopped: end its thread. */
  private kill(entry: Entry, err: unknown): void {
    const slot = entry.slot;
    if (!slot) return;
    const i = slot.inflight.indexOf(entry);
    if (i < 0) return;
    slot.inflight.splice(i, 1);
    const others = slot.inflight;
    slot.inflight = [];
    for (const e of others) if (e.timer) clearTimeout(e.timer);
    this.requeueFront(others);
    this.leave(slot);
    if (!this.closed || this.pending > 0) this.spawn();
    entry.job.reject(err);
    this.pump();
  }

  private checkIdle(): void {
    if (this.pending !== 0 || this.idleWaiters.length === 0) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }

  /** No more submissions; queued work still runs, then the workers exit. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pump();
  }

  /** Reject all queued and running work with DisposedError and stop every worker now. */
  async terminate(): Promise<void> {
    const already = this.terminated;
    this.closed = true;
    this.terminated = true;
    if (!already) {
      const err = new DisposedError('the pool has been terminated');
      const queued = this.queue.slice(this.qHead);
      this.queue = [];
      this.qHead = 0;
      for (const s of this.slots) {
        for (const e of s.inflight) {
          if (e.timer) clearTimeout(e.timer);
          queued.push(e);
        }
        s.inflight = [];
        this.leave(s);
      }
      for (const e of queued) e.job.reject(err);
      this.checkIdle();
    }
    await Promise.all(this.exits);
  }

  /** Resolves once the pool is closed, all its work is done and its workers have exited. */
  async join(): Promise<void> {
    if (!this.closed) throw new Error('join() needs close() or terminate() first');
    if (this.pending > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    this.pump();
    await Promise.all(this.exits);
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
