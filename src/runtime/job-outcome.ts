/**
 * Reading a finished job's outcome off the control block: the first error any
 * thread reported, a shortfall of completed chunks (cancelled, or a thread died
 * mid-chunk), or the per-chunk partials. Called after the check-outs, whose
 * Atomics.sub on PENDING published every thread's writes to these words.
 */
import { CancelledError, KernelError, WorkerCrashError } from '../errors.js';
import { ABORT, DONE, ERROR_KIND, ERROR_LEN, ERROR_MSG_BYTE, ERROR_WORKER, ERR_CRASH, ERR_NONE, PARTIALS_BYTE } from './protocol.js';

/** Per-chunk partials in chunk order: a Float64Array copied from the control block, or a plain array for inline jobs. */
export type Partials = Float64Array | number[];

/** What a finished job gives back: its partials, or nothing (a job that writes only its output). */
export type JobOutcome = Partials | undefined;

const decoder = new TextDecoder();

export function collectOutcome(control: Int32Array, f64: Float64Array,
  job: { name: string; nChunks: number; partials: boolean }, signal?: AbortSignal): JobOutcome {
  const kind = control[ERROR_KIND]!;
  if (kind !== ERR_NONE) {
    const len = control[ERROR_LEN]!;
    const message = decoder.decode(new Uint8Array(control.buffer, ERROR_MSG_BYTE, len).slice());
    const reporter = control[ERROR_WORKER]!;
    if (kind === ERR_CRASH) throw new WorkerCrashError(`${message} (kernel ${job.name}); the worker is being replaced`);
    throw kernelError(job.name, message, reporter);
  }
  const done = control[DONE]!;
  if (done < job.nChunks) {
    if (control[ABORT] !== 0) throw new CancelledError(`${job.name} was cancelled after ${done} of ${job.nChunks} chunks`, { cause: signal?.reason });
    throw new WorkerCrashError(`a worker died during ${job.name}: ${job.nChunks - done} of ${job.nChunks} chunks did not complete`);
  }
  if (!job.partials) return undefined;
  const base = PARTIALS_BYTE >> 3;
  return f64.slice(base, base + job.nChunks);
}

/** reporter: the worker that trapped, or -1 for the calling thread. */
export function kernelError(kernel: string, message: string, reporter: number, cause?: unknown): KernelError {
  const where = reporter < 0 ? 'the calling thread' : `worker ${reporter}`;
  return new KernelError(`kernel ${kernel} trapped on ${where}: ${message}`, { kernel, cause });
}
