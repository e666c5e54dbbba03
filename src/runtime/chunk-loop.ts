/**
 * The loop every participating thread (caller and workers alike) runs for a
 * published job: claim the next chunk with Atomics.add on the shared cursor, run
 * it, repeat. Dynamic claiming balances irregular work; chunk boundaries depend
 * only on (n, chunk), so which thread ran a chunk never changes its result.
 */
import { callKernel } from './kernel-table.js';
import {
  ABORT, CURSOR, DONE, ERROR_KIND, ERROR_LEN, ERROR_MSG_BYTE, ERROR_MSG_MAX, ERROR_WORKER, ERR_NONE, ERR_TRAP, PARTIALS_BYTE,
} from './protocol.js';

// biome-ignore lint/suspicious/noExplicitAny: a kernel takes and returns whatever its wasm signature says
type AnyFn = (...args: any[]) => any;

const encoder = new TextEncoder();

export interface JobView {
  fn: AnyFn;
  args: number[];
  argc: number;
  n: number;
  chunk: number;
  nChunks: number;
  partials: boolean;
}

/**
 * Claim and run chunks until none are left or the job is aborted (returns true),
 * or until `deadline` (a performance.now() time) passes (returns false: the
 * caller of an async op yields to its event loop, then comes back for more).
 * `control` / `f64` are views of the control block (which never moves).
 */
export function runClaimedChunks(control: Int32Array, f64: Float64Array, job: JobView, reporter: number, deadline = Infinity): boolean {
  const { fn, args, argc, n, chunk, nChunks, partials } = job;
  const partialBase = PARTIALS_BYTE >> 3;
  // Completed chunks are counted here and added to DONE once, on the way out:
  // one write to the shared counter per thread per job instead of per chunk.
  let done = 0;
  let finished = true;
  for (;;) {
    // ABORT is checked before each claim, so after an error or a cancel no new
    // chunk starts; chunks already running complete (cooperative cancellation).
    if (Atomics.load(control, ABORT) !== 0) break;
    if (deadline !== Infinity && performance.now() > deadline) { finished = false; break; }
    const c = Atomics.add(control, CURSOR, 1);
    if (c >= nChunks) break;
    const start = c * chunk;
    const end = Math.min(n, start + chunk);
    try {
      const r = callKernel(fn, start, end, args, argc);
      // A plain store is enough: the thread's later check-out (Atomics.sub on
      // PENDING, or the caller's own completion) publishes it to the waiter.
      if (partials) f64[partialBase + c] = r;
      done++;
    } catch (err) {
      reportJobError(control, ERR_TRAP, errorMessage(err), reporter);
      break;
    }
  }
  // Sequenced before this thread's check-out, which is the release the caller acquires.
  if (done > 0) Atomics.add(control, DONE, done);
  return finished;
}

/**
 * First error wins: CAS on ERROR_KIND makes exactly one thread the writer of the
 * message. The message bytes are published by the same check-out that publishes
 * partials; ABORT is raised last so other threads stop claiming promptly.
 */
export function reportJobError(control: Int32Array, kind: number, message: string, reporter: number): void {
  if (Atomics.compareExchange(control, ERROR_KIND, ERR_NONE, kind) === ERR_NONE) {
    const bytes = encoder.encode(message).subarray(0, ERROR_MSG_MAX);
    new Uint8Array(control.buffer, ERROR_MSG_BYTE, ERROR_MSG_MAX).set(bytes);
    Atomics.store(control, ERROR_LEN, bytes.length);
    Atomics.store(control, ERROR_WORKER, reporter);
  }
  Atomics.store(control, ABORT, 1);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
