/** One task worker thread as the task pool holds it: its thread, its wake word, and the batches it holds. */
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '../../runtime/worker-exec-argv.js';
import type { BatchMessage, TaskWorkerData, WorkerMessage } from './protocol.js';
import type { BatchOutcome } from '../batch.js';
import type { WireFn } from './protocol.js';

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

export interface Entry {
  job: TaskJob;
  id: number;
  slot?: Slot;
  timer?: ReturnType<typeof setTimeout>;
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

export function postBatch(slot: Slot, msg: BatchMessage): void {
  slot.worker.postMessage(msg);
  // The worker may be asleep in Atomics.wait rather than in its event loop.
  Atomics.add(slot.wake, 0, 1);
  Atomics.notify(slot.wake, 0, 1);
}
