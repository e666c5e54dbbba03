/**
 * The control block: the whole engine<->worker protocol lives in these words of
 * the shared memory, below the heap. Both sides import this module, so the
 * offsets exist in exactly one place.
 *
 * A job, in one breath (the full ordering argument is next to each step in
 * dispatcher.ts and worker-loop.ts):
 *   caller: write descriptor + ARGS, CURSOR = 0, PENDING = invited workers,
 *           INVITED[i] = gen + 1 for each, then Atomics.add(GEN) + notify   (release)
 *   worker: sees GEN change (acquire), enters: CAS(CHECKED[i]) to entered(gen),
 *           claims chunks with Atomics.add(CURSOR), runs them, then checks out:
 *           CAS(CHECKED[i]) to gen + Atomics.sub(PENDING)                  (release)
 *   caller: claims chunks too; once none are left, checks out every invited
 *           worker that has not entered (CAS), then waits for PENDING == 0 (acquire)
 * Every invited worker is checked out of every job, by itself or, if it had not
 * entered, by the caller; a worker only reads the descriptor after entering, so
 * none can still be touching it or CURSOR when the next job resets them, and a
 * worker that wakes late (descheduled, busy loading a module) delays nothing.
 */
import type { WasmMemory, WasmModule } from '../memory/wasm-types.js';
import { MATH_TABLES_BYTE } from './math-tables.js';

/** Addresses below 1024 are never used: Binaryen assumes the low 1 KiB is free at -O2+. */
export const CONTROL_BASE = 1024;
export const CONTROL_END = 65536;

/**
 * Int32 word indices, relative to an Int32Array over the whole buffer. Words that
 * different threads write while others read get a 64-byte cache line each: GEN
 * (workers spin on it), CURSOR (every claim writes it), PENDING + DONE (written at
 * check-out, the caller spins on PENDING). The descriptor line is read-only while
 * a job runs, so ABORT, read before every claim, lives there without bouncing.
 */
const W = CONTROL_BASE >> 2;
// line 0 (byte 1024): the job descriptor
export const COMMAND = W + 0;      // CMD_RUN | CMD_EXIT
export const MODULE = W + 1;       // module slot of the kernel (JS_MODULE for JS functions)
export const FUNC = W + 2;         // kernel index within the module
export const N = W + 3;            // elements: the job covers [0, N)
export const CHUNK = W + 4;        // chunk size in elements
export const NCHUNKS = W + 5;
export const ARGC = W + 6;
export const FLAGS = W + 7;        // FLAG_PARTIALS
export const ABORT = W + 8;        // non-zero: stop claiming chunks (error or cancellation)
export const ERROR_KIND = W + 9;   // first error wins by CAS from ERR_NONE
export const ERROR_LEN = W + 10;   // UTF-8 bytes of the message at ERROR_MSG_BYTE
export const ERROR_WORKER = W + 11;// which thread reported it (-1 = caller)
// line 1 (byte 1088)
export const GEN = W + 16;         // job generation; workers wait on this word
// line 2 (byte 1152)
export const CURSOR = W + 32;      // next chunk to claim (Atomics.add)
// line 3 (byte 1216)
export const PENDING = W + 48;     // invited workers that have not checked out; the caller waits on it
export const DONE = W + 49;        // chunks completed, added once per thread per job; fewer than NCHUNKS after
                                   // a clean finish means a thread died mid-chunk

export const CMD_RUN = 1;
export const CMD_EXIT = 2;
export const FLAG_PARTIALS = 1;
export const JS_MODULE = -1;
/** Module slot of a generated wasm kernel whose bytes each job carries (kernel-table.ts). */
export const SHIPPED_MODULE = -2;

export const ERR_NONE = 0;
export const ERR_TRAP = 1;    // a kernel threw (wasm trap or JS exception)
export const ERR_CRASH = 2;   // a worker thread died while invited to the job

/** Per-worker words (index = worker number, 0-based). */
export const MAX_WORKERS = 64;
export const STATUS = W + 64;          // STATUS_* per worker
export const INVITED = W + 128;        // the generation the worker is invited to
export const CHECKED = W + 192;        // gen: checked out of gen; entered(gen): running it
/** CHECKED's value while a worker runs job `gen`: never a generation itself (GEN counts up from 0). */
export function entered(gen: number): number { return ~gen; }
export const STATUS_STARTING = 0;
export const STATUS_ALIVE = 1;
export const STATUS_DEAD = 2;

/** Kernel arguments after (start, end), as f64 (i32 params receive ToInt32 of them). */
export const ARGS_BYTE = CONTROL_BASE + 1024;   // 2048
export const MAX_ARGS = 16;
export const ERROR_MSG_BYTE = 3072;
export const ERROR_MSG_MAX = 1024;
/** One f64 per chunk, written by whichever thread ran the chunk, up to the math tables (math-tables.ts). */
export const PARTIALS_BYTE = 4096;
export const MAX_CHUNKS = (MATH_TABLES_BYTE - PARTIALS_BYTE) >> 3; // 5632

/** Spin iterations on Atomics.load before sleeping; a round trip of sleep+notify is ~25 µs here. */
export const DEFAULT_WORKER_SPIN = 20_000;
export const DEFAULT_CALLER_SPIN = 5_000;

/** Messages on the worker's port (module loading happens between jobs, never inside one). */
export type ToWorker =
  | { type: 'load'; slot: number; module: WasmModule };

export type FromWorker =
  | { type: 'ready'; index: number }
  | { type: 'loaded'; slot: number; error?: string }
  | { type: 'startup-error'; message: string }
  // Browser workers only: a Worker has no 'exit' event, so the thread says it is going
  // (expected: after the EXIT command; unexpected: a kernel called self.close()).
  | { type: 'closed'; index: number; expected: boolean };

export interface WorkerInit {
  index: number;
  memory: WasmMemory;
  modules: Array<{ slot: number; module: WasmModule }>;
  spin: number;
}
