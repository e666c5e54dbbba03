/**
 * What the engine core needs from its host, so that src/engine and the runtime
 * it drives carry no static `node:` import: a browser build links
 * platform-browser.ts, the Node entry links platform-node.ts, and the core is
 * the same code on both.
 */
import type { LoadedModule, NumericPool, NumericPoolOptions } from '../runtime/numeric-pool.js';
import type { WasmMemory, WasmModule } from '../memory/wasm-types.js';

export interface Platform {
  /** Threads when `threads` is not given: the machine's logical cores. */
  defaultThreads(): number;
  /** build/kernels.wasm, compiled (once per realm). */
  builtinModule(): Promise<WasmModule>;
  startPool(options: NumericPoolOptions, modules: LoadedModule[]): Promise<NumericPool>;
}

/**
 * Whether this thread may block in Atomics.wait. A browser's main thread may
 * not (Atomics.wait throws there), so the *Sync ops must refuse up front rather
 * than publish a job they can never wait for. Word 0 of the memory is never
 * used (protocol.ts), and holds 0, so the wait returns 'not-equal' at once
 * wherever blocking is allowed; the agent check comes before the comparison.
 */
export function threadCanBlock(memory: WasmMemory): boolean {
  try {
    Atomics.wait(new Int32Array(memory.buffer, 0, 1), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
