/**
 * Read-only math tables in the shared memory (issue 15): kernels may not carry
 * data segments (each instance would re-apply them over the shared memory), so
 * the engine writes the tables once, before any kernel runs, at addresses every
 * kernel knows (assembly/math-tables.ts). The data, the layout and the kernel
 * constants come from one script, scripts/gen-math-tables.py.
 *
 * The region is the top 16 KiB of the control block ([49152, 65536)) rather than
 * a page of its own above it: the heap base, the minimum memory size and every
 * harness that runs build/kernels.wasm on a memory of its own with a heap at
 * 65536 stay as they are. The cost is fewer reduction partials (protocol.ts
 * MAX_CHUNKS: 5632, from 7680), far more than any default chunking makes.
 */
import type { WasmMemory } from '../memory/wasm-types.js';
import { MATH_TABLE_WORDS, MATH_TABLES_BYTE, MATH_TABLES_END } from './math-tables-data.js';

export { MATH_TABLES_BYTE, MATH_TABLES_END };

/** Writes the tables into `memory` (idempotent; before the first kernel runs on it). */
export function writeMathTables(memory: WasmMemory): void {
  new Uint32Array(memory.buffer, MATH_TABLES_BYTE, MATH_TABLE_WORDS.length).set(MATH_TABLE_WORDS);
}
