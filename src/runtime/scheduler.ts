/**
 * Chunking and the inline decision. Chunk sizes depend only on the problem
 * (n and the op's cost class), never on the thread count: that is what makes
 * reductions bit-identical across thread counts and between sync and async.
 */
import { MAX_CHUNKS } from './protocol.js';

/**
 * Work (elements × cost) a chunk should carry: ~15–40 µs. Each claim is an atomic
 * on a line every thread writes; at 16K elements a streaming chunk took ~2.5 µs
 * and claims cost ~20% of an 8M sum with 2 threads (measured when the size was
 * chosen; `wasmpar bench --filter sum` times that op today).
 * 64K keeps that to a few percent and still gives hundreds of chunks to balance big jobs.
 */
export const CHUNK_WORK = 65_536;
/** Chunk sizes are multiples of this so SIMD main loops see aligned-size blocks. */
export const CHUNK_QUANTUM = 64;
/**
 * Below this much work a job runs on the calling thread only: waking a sleeping
 * worker costs ~25 µs here, more than such a job takes on one thread.
 * (Measured by bench/inline-threshold.mjs; an engine option overrides it.)
 */
export const DEFAULT_INLINE_WORK = 65_536;

export function chooseChunk(n: number, cost = 1): number {
  const byWork = Math.max(CHUNK_QUANTUM, Math.ceil(CHUNK_WORK / Math.max(cost, 1e-3)));
  const byCount = Math.ceil(n / MAX_CHUNKS);
  const chunk = Math.max(byWork, byCount);
  return Math.ceil(chunk / CHUNK_QUANTUM) * CHUNK_QUANTUM;
}

export function chunkCount(n: number, chunk: number): number {
  return n === 0 ? 0 : Math.ceil(n / chunk);
}
