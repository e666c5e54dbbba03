/**
 * The engine's view of its worker threads, and what a host (Node, browser) must
 * provide for the shared pool in pool.ts: how to start a thread and how to hear
 * it die. Lives in runtime/ so that neither side imports upward from engine/.
 */
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import type { WasmMemory, WasmModule } from '../memory/wasm-types.js';

/** A compiled module and the table slot it is instantiated in on every thread. */
export interface LoadedModule {
  slot: number;
  module: WasmModule;
}

export interface NumericPool {
  readonly size: number;
  /** Instantiate `module` in slot `slot` on every live worker; resolves when each acknowledged. */
  load(slot: number, module: WasmModule): Promise<void>;
  /** After the dispatcher published EXIT: wait for the workers to go, terminate stragglers. */
  close(): Promise<void>;
}

export interface NumericPoolOptions {
  memory: WasmMemory;
  count: number;
  spin: number;
  /** A worker died unexpectedly: the dispatcher must stop waiting for it (Dispatcher#workerExited). */
  onExit: (index: number) => void;
}

/** One started thread, as the host shows it (threads-node.ts, threads-browser.ts). */
export interface Thread {
  /** Adds a listener for the thread's messages; returns its removal. */
  onMessage(listener: (msg: FromWorker) => void): () => void;
  /** `listener` runs once, when the thread is gone for any reason (exit, crash, failed load, terminate). */
  onGone(listener: (why: string) => void): void;
  post(msg: ToWorker): void;
  /** Idempotent; the thread is gone (onGone) afterwards. */
  terminate(): void;
  /** Whether this thread keeps the host process alive (Node's ref/unref; a no-op in browsers). Starts held. */
  hold(keep: boolean): void;
}

export type StartThread = (init: WorkerInit) => Thread;
