/**
 * The caller's writes to the control block around a job: publishing it (the
 * descriptor, then the generation word as the release), and checking out
 * workers that will not check out themselves (late, or dead).
 */
import {
  ABORT, ARGC, ARGS_BYTE, CHECKED, CHUNK, CMD_RUN, COMMAND, CURSOR, DONE, ERROR_KIND, ERROR_LEN, ERR_NONE, FLAGS,
  FLAG_PARTIALS, FUNC, GEN, INVITED, MAX_ARGS, MODULE, N, NCHUNKS, PENDING, STATUS, STATUS_ALIVE, STATUS_DEAD, entered,
} from './protocol.js';

/** A job as the dispatcher publishes it: the kernel, the range, the chunking, the arguments. */
export interface ResolvedJob {
  slot: number;
  index: number;
  name: string;
  n: number;
  chunk: number;
  nChunks: number;
  args: readonly number[];
  partials: boolean;
  /** Run on the calling thread only. */
  inline: boolean;
}

/** Writes `job` into the control block and wakes the workers; returns its generation. */
export function publishJob(c: Int32Array, f64: Float64Array, job: ResolvedJob, workerCount: number): number {
  if (job.args.length > MAX_ARGS) throw new RangeError(`a kernel takes at most ${MAX_ARGS} arguments after (start, end)`);
  // Every invited worker has checked out of the previous job (we waited for
  // PENDING == 0), so nobody reads these words while we write them plainly.
  c[COMMAND] = CMD_RUN;
  c[MODULE] = job.slot;
  c[FUNC] = job.index;
  c[N] = job.n;
  c[CHUNK] = job.chunk;
  c[NCHUNKS] = job.nChunks;
  c[ARGC] = job.args.length;
  c[FLAGS] = job.partials ? FLAG_PARTIALS : 0;
  const argBase = ARGS_BYTE >> 3;
  for (let i = 0; i < job.args.length; i++) f64[argBase + i] = job.args[i]!;
  c[CURSOR] = 0;
  c[DONE] = 0;
  c[ABORT] = 0;
  c[ERROR_KIND] = ERR_NONE;
  c[ERROR_LEN] = 0;
  const gen = (c[GEN]! + 1) | 0;
  let invited = 0;
  for (let i = 0; i < workerCount; i++) {
    if (Atomics.load(c, STATUS + i) !== STATUS_ALIVE) continue;
    c[INVITED + i] = gen;
    invited++;
  }
  c[PENDING] = invited;
  // Release: Atomics.add is sequentially consistent, so every plain store above
  // is visible to a worker whose Atomics.load(GEN) observes the new generation.
  Atomics.add(c, GEN, 1);
  Atomics.notify(c, GEN);
  // The other half of the crash handshake (worker-loop.ts, the abrupt-end hook): we wrote
  // GEN before reading STATUS, the dying worker wrote DEAD before reading GEN,
  // so at least one of us sees the other; CHECKED's CAS makes the check-out once.
  for (let i = 0; i < workerCount; i++) {
    if (c[INVITED + i] === gen && Atomics.load(c, STATUS + i) === STATUS_DEAD) checkOutFor(c, i, gen);
  }
  return gen;
}

/**
 * No chunk is left to claim (or the job was aborted): an invited worker that has
 * not entered yet would find nothing to do, so check it out instead of waiting
 * for it to wake. The CAS races the worker's own entering CAS on CHECKED[i]:
 * exactly one wins. If we win, the worker skips the job without reading the
 * descriptor; if it wins, it checks out itself and we wait for that.
 */
export function checkOutLateWorkers(c: Int32Array, workerCount: number, gen: number): void {
  for (let i = 0; i < workerCount; i++) {
    if (Atomics.load(c, INVITED + i) !== gen) continue;
    const prev = Atomics.load(c, CHECKED + i);
    if (prev === gen || prev === entered(gen)) continue;
    if (Atomics.compareExchange(c, CHECKED + i, prev, gen) === prev) Atomics.sub(c, PENDING, 1);
  }
}

/** Check out on behalf of a dead worker (entered or not); CAS so that it happens exactly once. */
export function checkOutFor(c: Int32Array, worker: number, gen: number): void {
  const prev = Atomics.load(c, CHECKED + worker);
  if (prev === gen || Atomics.compareExchange(c, CHECKED + worker, prev, gen) !== prev) return;
  if (Atomics.sub(c, PENDING, 1) === 1) Atomics.notify(c, PENDING);
}
