/**
 * What the engine core needs from its host, so that src/engine and the runtime
 * it drives carry no static `node:` import: a browser build links
 * platform-browser.ts, the Node entry links platform-node.ts, and the core is
 * the same code on both.
 */
import type { WasmMemory, WasmModule } from '../memory/wasm-types.js';

/** The engine's view of its worker threads (pool.ts on Node, pool-browser.ts in browsers). */
export interface EnginePool {
  readonly size: number;
  /** Instantiate `module` in slot `slot` on every live worker; resolves when each acknowledged. */
  load(slot: number, module: WasmModule): Promise<void>;
  /** After the dispatcher published EXIT: wait for the workers to go, terminate stragglers. */
  close(): Promise<void>;
}

export interface PoolStartOptions {
  memory: WasmMemory;
  count: number;
  spin: number;
  /** A worker died unexpectedly: the dispatcher must stop waiting for it (Dispatcher#workerExited). */
  onExit: (index: number) => void;
}

export interface Platform {
  /** Threads when `threads` is not given: the machine's logical cores. */
  defaultThreads(): number;
  /** build/kernels.wasm, compiled (once per realm). */
  builtinModule(): Promise<WasmModule>;
  startPool(options: PoolStartOptions, modules: Array<{ slot: number; module: WasmModule }>): Promise<EnginePool>;
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
