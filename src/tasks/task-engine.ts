/**
 * The numeric Engine a task can use: one per task thread, created on first
 * use and shared by every task that thread runs (so a task pays Engine.create
 * once per thread, not per call). A `wasmpar worker` sizes it with --threads
 * (default 1: the worker's task threads already use the cores).
 */
import { Engine } from '../kernels/engine.js';

/** Set by `wasmpar worker --threads n`; inherited by its task threads. */
export const TASK_ENGINE_THREADS_ENV = 'WASMPAR_TASK_ENGINE_THREADS';

let engine: Promise<Engine> | undefined;

/**
 * This thread's task Engine. From a task sent by source:
 * `const { taskEngine } = await import('wasmpar'); const engine = await taskEngine();`
 */
export function taskEngine(): Promise<Engine> {
  if (!engine) {
    const threads = Number(process.env[TASK_ENGINE_THREADS_ENV]) || 1;
    engine = Engine.create({ threads });
    engine.catch(() => (engine = undefined)); // a failed start is retried by the next task
  }
  return engine;
}
