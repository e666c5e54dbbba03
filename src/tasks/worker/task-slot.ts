/** One task worker thread as the task pool holds it: its thread, its wake word, and the batches it holds. */
import { Worker } from 'node:worker_threads';
import { TimeoutError, WorkerCrashError } from '../../errors.js';
import { workerExecArgv } from '../../runtime/worker-exec-argv.js';
import type { BatchMessage, TaskWorkerData, WorkerMessage } from './protocol.js';
import type { BatchOutcome } from '../batch.js';
import type { WireFn } from './protocol.js';
import { timerFor } from '../timer.js';

export interface TaskJob {
  fns: WireFn[];
  /** One array of arguments per call; with `unary`, each call's one argument, a Float64Array if all are numbers (protocol.ts). */
  calls: unknown[] | Float64Array;
  unary?: boolean;
  fi?: number[];
  /** Called when the job is about to be sent; returning false drops it (it was cancelled while queued). */
  claim?: () => boolean;
  resolve: (outcome: BatchOutcome) => void;
  /** Infrastructure failures only: crash, termination, timeout. Task errors resolve with hasError. */
  reject: (err: unknown) => void;
  /** Kill the worker and reject with the error this returns if the job runs longer than timeoutMs. */
  timeoutMs?: number;
  onTimeout?: () => unknown;
  /** Set by the pool: fires the running task's AbortSignal (task-context.ts); nothing if it is not running. */
  abort?: () => void;
}

export interface Entry {
  job: TaskJob;
  id: number;
  slot?: Slot;
  timer?: ReturnType<typeof setTimeout>;
  /** Measured tiny when sent (task-costs.ts): another batch may wait behind it. */
  tiny?: boolean;
}

export interface Slot {
  worker: Worker;
  wake: Int32Array;
  ready: boolean;
  inflight: Entry[];
  sent: number;
  leaving: boolean;
  crashCause?: unknown;
  /** Resolves when the thread has exited. */
  exited: Promise<unknown>;
}

const workerUrl = new URL('./task-worker.js', import.meta.url);

export function startSlot(
  data: TaskWorkerData,
  on: { message: (msg: WorkerMessage) => void; exit: (code: number) => void },
): Slot {
  const wake = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerUrl, { workerData: { ...data, wake } satisfies TaskWorkerData, execArgv: workerExecArgv() });
  const exited = new Promise((r) => worker.once('exit', r));
  const slot: Slot = { worker, wake, ready: false, inflight: [], sent: 0, leaving: false, exited };
  worker.on('message', on.message);
  worker.on('error', (err) => {
    slot.crashCause ??= err;
  });
  worker.once('exit', on.exit);
  return slot;
}

/**
 * The worker for the next batch: an idle one first. A busy one takes more
 * (pipelining: the next batch is already in its port when the current one
 * ends) only while everything it holds is measured tiny (task-costs.ts):
 * otherwise the batch waits for whichever worker comes free first, and never
 * sits behind a long task.
 */
export function pickSlot(slots: readonly Slot[], depth: number, maxTasks: number): Slot | undefined {
  let best: Slot | undefined;
  for (const s of slots) {
    if (!s.ready || s.leaving || s.sent >= maxTasks || s.inflight.length >= depth) continue;
    if (s.inflight.length === 0) return s;
    if (s.inflight.every((e) => e.tiny) && (!best || s.inflight.length < best.inflight.length)) best = s;
  }
  return best;
}

/** Empties the slot's in-flight list (oldest first), clearing the timeouts. */
export function takeInflight(slot: Slot): Entry[] {
  const out = slot.inflight;
  slot.inflight = [];
  for (const e of out) if (e.timer) clearTimeout(e.timer);
  return out;
}

/** Fires the running batch's AbortSignal (task-context.ts); nothing if it is not on a worker. */
export function abortEntry(entry: Entry): void {
  if (entry.slot?.inflight.includes(entry)) entry.slot.worker.postMessage({ t: 'abort', id: entry.id });
}

/** The error for work lost with a worker that exited unexpectedly. */
export function crashError(slot: Slot, code: number, when: string): WorkerCrashError {
  const cause = slot.crashCause;
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new WorkerCrashError(`a task worker exited with code ${code} ${when}${why}`, { cause });
}

/** Starts the batch's timeout, if it has one: `kill` gets the error to reject it with. */
export function armTimeout(entry: Entry, kill: (err: unknown) => void): void {
  const { timeoutMs, onTimeout } = entry.job;
  entry.timer = timerFor(timeoutMs, () => kill(onTimeout?.() ?? new TimeoutError(`a task did not finish within ${timeoutMs} ms`)));
}

/** Calls running on the slots, and the workers that are not leaving. */
export function slotStats(slots: readonly Slot[]): { tasksRunning: number; workers: number } {
  let running = 0;
  let workers = 0;
  for (const s of slots) {
    for (const e of s.inflight) running += e.job.calls.length;
    if (!s.leaving) workers++;
  }
  return { tasksRunning: running, workers };
}

export function postBatch(slot: Slot, entry: Entry): void {
  const { job } = entry;
  const msg: BatchMessage = { id: entry.id, fns: job.fns, calls: job.calls };
  if (job.fi) msg.fi = job.fi;
  if (job.unary) msg.unary = true;
  slot.worker.postMessage(msg);
  // The worker may be asleep in Atomics.wait rather than in its event loop.
  Atomics.add(slot.wake, 0, 1);
  Atomics.notify(slot.wake, 0, 1);
}
