/**
 * What a running task can learn from wasmpar: its AbortSignal, which fires when
 * its future is cancelled while it runs, when its parallel() call stops at an
 * error, or when its executor shuts down with cancelFutures. Cancellation is
 * cooperative: the task reads the signal (between steps, or by passing it to
 * fetch and friends) and stops.
 *
 * A task gets its context as `this` (a `function`, not an arrow), or from
 * `taskContext()` (import it in a module task, or reach it in a task sent by
 * source as `globalThis[Symbol.for('wasmpar.taskContext')]()`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { StateError } from '../errors.js';

export interface TaskContext {
  readonly signal: AbortSignal;
}

/** Where a task worker publishes the running task's context (task-worker.ts). */
export const TASK_CONTEXT_SLOT = Symbol.for('wasmpar.taskContext');

const local = new AsyncLocalStorage<TaskContext>();

/** Runs `fn` with `context` as the context of the task it starts (local backends: several run at once). */
export function runInContext<R>(context: TaskContext, fn: () => R): R {
  return local.run(context, fn);
}

/** The context of the task running here; a StateError outside a task. */
export function taskContext(): TaskContext {
  const mine = local.getStore();
  if (mine) return mine;
  const worker = (globalThis as Record<symbol, unknown>)[TASK_CONTEXT_SLOT] as (() => TaskContext | undefined) | undefined;
  const context = typeof worker === 'function' ? worker.call(undefined) : undefined;
  if (!context) throw new StateError('taskContext() is available only inside a running task');
  return context;
}
