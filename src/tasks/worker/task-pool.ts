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
import { BrokenPoolError, DisposedError, StateError } from '../../errors.js';
import { deserializeError, outcomeOf, type TaskWorkerData, type WireFn, type WorkerMessage } from './protocol.js';
import { emptyStats, type TaskStats } from '../stats.js';
import { TaskCosts } from './task-costs.js';
import { TaskQueue } from './task-queue.js';
import { abortEntry, armTimeout, crashError, pickSlot, slotStats, postBatch, startSlot, takeInflight, type Entry, type Slot, type TaskJob } from './task-slot.js';

export type { TaskJob } from './task-slot.js';

export interface TaskPoolOptions {
  size: number;
  initializer?: WireFn;
  initargs?: unknown[];
  /** Batches a worker runs before it is replaced (Python's maxtasksperchild). */
  maxTasksPerWorker?: number;
  depth?: number;
}

const MAX_START_FAILURES = 3;

export class TaskPool {
  readonly size: number;
  readonly #depth: number;
  readonly #data: TaskWorkerData;
  readonly #maxTasks: number;
  #slots: Slot[] = [];
  readonly #queue = new TaskQueue();
  #nextId = 1;
  #started = false;
  #closed = false;
  #terminated = false;
  #broken: unknown = undefined;
  #startFailures = 0;
  readonly #costs = new TaskCosts();
  readonly #counts = emptyStats();
  #idleWaiters: (() => void)[] = [];
  #released = false;

  constructor(opts: TaskPoolOptions) {
    this.size = opts.size;
    this.#depth = opts.depth ?? 2;
    this.#maxTasks = opts.maxTasksPerWorker ?? Infinity;
    this.#data = { initializer: opts.initializer, initargs: opts.initargs ?? [] };
  }

  /** Jobs queued or in flight. */
  get pending(): number {
    let n = this.#queue.length;
    for (const s of this.#slots) n += s.inflight.length;
    return n;
  }

  assertOpen(): void {
    if (this.#closed) throw new DisposedError(this.#terminated ? 'the pool has been terminated' : 'the pool has been closed');
  }

  submit(job: TaskJob): void {
    this.assertOpen();
    if (this.#broken !== undefined) {
      job.reject(this.#broken);
      return;
    }
    const entry: Entry = { job, id: this.#nextId++ };
    job.abort = () => abortEntry(entry);
    this.#queue.push(entry);
    if (!this.#started) {
      this.#started = true;
      for (let i = 0; i < this.size; i++) this.#spawn();
    }
    this.#pump();
  }

  #spawn(): void {
    const slot = startSlot(this.#data, {
      message: (msg) => this.#onMessage(slot, msg),
      exit: (code) => this.#onExit(slot, code),
    });
    this.#slots.push(slot);
  }

  #onMessage(slot: Slot, msg: WorkerMessage): void {
    if (msg.t === 'done') {
      const entry = slot.inflight.shift();
      if (!entry || entry.id !== msg.id) return; // the entry was killed (timeout); its worker is going away
      if (entry.timer) clearTimeout(entry.timer);
      if (slot.inflight.length === 0) slot.worker.unref();
      const outcome = outcomeOf(msg);
      this.#counts.tasksCompleted += msg.values.length;
      if (outcome.hasError) this.#counts.tasksFailed++;
      else this.#costs.record(entry.job, msg.ms);
      this.#retireIfDue(slot);
      this.#pump();
      entry.job.resolve(outcome);
      this.#checkIdle();
    } else if (msg.t === 'ready') {
      slot.ready = true;
      this.#startFailures = 0;
      if (this.#closed && this.pending === 0) {
        this.#leave(slot);
        return;
      }
      this.#pump();
      // Not a leaving worker: #pump may have just ended it (closed, and its queue held only cancelled work),
      // and an unref()ed thread being terminated lets the process exit under whoever awaits join().
      if (slot.inflight.length === 0 && !slot.leaving) slot.worker.unref();
    } else if (msg.t === 'init-error') {
      const cause = deserializeError(msg.error);
      this.#fail(new BrokenPoolError(`the pool's initializer failed: ${(cause as Error)?.message ?? String(cause)}`, { cause }));
    }
  }

  #onExit(slot: Slot, code: number): void {
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    if (slot.leaving) {
      this.#checkIdle();
      return;
    }
    // An unexpected exit: the oldest in-flight batch is the culprit.
    const [culprit, ...rest] = takeInflight(slot);
    this.#requeueFront(rest);
    if (culprit) {
      this.#counts.tasksFailed += culprit.job.calls.length;
      culprit.job.reject(crashError(slot, code, 'while running a task'));
    }
    if (!slot.ready && ++this.#startFailures >= MAX_START_FAILURES) {
      this.#fail(crashError(slot, code, `during start-up (${MAX_START_FAILURES} times in a row)`));
      return;
    }
    if (!this.#closed || this.pending > 0) this.#respawn();
    this.#pump();
    this.#checkIdle();
  }

  /** A worker in place of one that left early (crash, timeout, recycling, forced termination). */
  #respawn(): void {
    this.#counts.workersReplaced++;
    this.#spawn();
  }

  #requeueFront(entries: Entry[]): void {
    if (entries.length === 0) return;
    for (const e of entries) e.slot = undefined;
    this.#queue.unshift(entries);
  }

  /** Reject everything queued and future submissions (the initializer fails, or workers cannot start). */
  #fail(err: unknown): void {
    this.#broken = err;
    const queued = this.#queue.drain();
    for (const e of queued) e.job.reject(err);
    for (const s of [...this.#slots]) {
      for (const e of takeInflight(s)) {
        this.#counts.tasksFailed += e.job.calls.length;
        e.job.reject(err);
      }
      this.#leave(s);
    }
  }

  #retireIfDue(slot: Slot): void {
    if (slot.sent >= this.#maxTasks && slot.inflight.length === 0 && !slot.leaving) {
      this.#leave(slot);
      if (!this.#closed) this.#respawn();
    }
  }

  #leave(slot: Slot): void {
    if (slot.leaving) return;
    slot.leaving = true;
    // ref() so that whoever awaits join()/terminate() is not ended by an empty event loop.
    if (!this.#released) slot.worker.ref();
    void slot.worker.terminate();
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const best = pickSlot(this.#slots, this.#depth, this.#maxTasks);
      if (!best) break;
      const entry = this.#queue.shift()!;
      if (entry.job.claim && !entry.job.claim()) {
        this.#counts.tasksCancelled += entry.job.calls.length;
        continue;
      }
      this.#send(best, entry);
    }
    if (this.#closed) for (const s of this.#slots) if (s.ready && s.inflight.length === 0 && this.pending === 0) this.#leave(s);
  }

  #send(slot: Slot, entry: Entry): void {
    const { job } = entry;
    try {
      postBatch(slot, entry);
    } catch (e) {
      // Arguments that cannot be cloned: this job's TypeError (as for a result), the worker is fine.
      job.resolve({ values: [], hasError: true, error: new TypeError(`a task argument could not be sent to a worker thread: ${(e as Error).message}`, { cause: e }), ms: 0 });
      return;
    }
    entry.slot = slot;
    entry.tiny = this.#costs.isTiny(job);
    slot.sent++;
    slot.inflight.push(entry);
    if (slot.inflight.length === 1 && !this.#released) slot.worker.ref();
    armTimeout(entry, (err) => this.#kill(entry, err));
  }

  /** Drop `job` if queued, or end the thread running it; either way it rejects with `err`. */
  stop(job: TaskJob, err: unknown): void {
    if (this.#queue.remove(job)) {
      job.reject(err);
      this.#checkIdle();
      return;
    }
    const running = this.#slots.flatMap((s) => s.inflight).find((e) => e.job === job);
    if (running) this.#kill(running, err);
  }

  /** Stop a running job the only way a synchronous task can be stopped: end its thread. */
  #kill(entry: Entry, err: unknown): void {
    const slot = entry.slot;
    if (!slot) return;
    const i = slot.inflight.indexOf(entry);
    if (i < 0) return;
    slot.inflight.splice(i, 1);
    this.#requeueFront(takeInflight(slot));
    this.#leave(slot);
    if (!this.#closed || this.pending > 0) this.#respawn();
    this.#counts.tasksFailed += entry.job.calls.length;
    entry.job.reject(err);
    this.#pump();
  }

  #checkIdle(): void {
    if (this.pending !== 0 || this.#idleWaiters.length === 0) return;
    const ws = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of ws) w();
  }

  /** No more submissions; queued work still runs, then the workers exit. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pump();
  }

  /** Reject all queued and running work with DisposedError and stop every worker now. */
  async terminate(): Promise<void> {
    if (!this.#terminated) {
      this.#closed = this.#terminated = true;
      const err = new DisposedError('the pool has been terminated');
      const lost = [...this.#queue.drain(), ...this.#slots.flatMap(takeInflight)];
      for (const s of this.#slots) this.#leave(s);
      for (const e of lost) {
        this.#counts.tasksCancelled += e.job.calls.length;
        e.job.reject(err);
      }
      this.#checkIdle();
    }
    await this.#allExited();
  }

  /** Workers stop keeping the process alive, even while running a task (one that never returns must not block exit). */
  release(): void {
    this.#released = true;
    for (const s of this.#slots) s.worker.unref();
  }

  /** Resolves once the pool is closed, all its work is done and its workers have exited. */
  async join(): Promise<void> {
    if (!this.#closed) throw new StateError('join() needs close() or terminate() first');
    if (this.pending > 0) await new Promise<void>((r) => this.#idleWaiters.push(r));
    this.#pump();
    await this.#allExited();
  }

  #allExited = (): Promise<unknown> => Promise.all(this.#slots.map((s) => s.exited));

  /** What a call of `f` has cost on these workers (ms, a moving average), if it has run here. */
  costPerCall(f: WireFn): number | undefined { return this.#costs.perCall(f); }

  stats(): TaskStats {
    return { ...this.#counts, ...slotStats(this.#slots), queueDepth: this.#queue.calls };
  }
}
