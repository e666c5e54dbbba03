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
import { MATH_TABLES_BASE64, MATH_TABLES_BYTE, MATH_TABLES_END } from './math-tables-data.js';

export { MATH_TABLES_BYTE, MATH_TABLES_END };

let bytes: Uint8Array | undefined;
/** The tables' bytes, from MATH_TABLES_BYTE on (decoded once; do not modify). */
export function mathTableBytes(): Uint8Array {
  bytes ??= Uint8Array.from(atob(MATH_TABLES_BASE64), (c) => c.charCodeAt(0));
  return bytes;
}

/** Writes the tables into `memory` (idempotent; before the first kernel runs on it). */
export function writeMathTables(memory: WasmMemory): void {
  const b = mathTableBytes();
  new Uint8Array(memory.buffer, MATH_TABLES_BYTE, b.length).set(b);
}
