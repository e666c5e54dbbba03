/** joblib's delayed: a call captured to run later, the unit parallel() consumes. */
import { isModuleRef, type TaskFn } from './worker/task-fn.js';

const delayedTag = Symbol('wasmpar.delayed');

export interface Delayed<R = unknown> {
  readonly fn: TaskFn;
  readonly args: readonly unknown[];
  readonly [delayedTag]: R | true;
}

type Awaited2<R> = R extends PromiseLike<infer U> ? U : R;

/** `delayed(fn)(...args)` captures a call to run later, as joblib's delayed. */
export function delayed<A extends unknown[], R>(fn: TaskFn<A, R>): (...args: A) => Delayed<Awaited2<R>> {
  if (typeof fn !== 'function' && !isModuleRef(fn)) throw new TypeError('delayed: fn must be a function or a { module, name } reference');
  return (...args: A) => Object.freeze({ fn: fn as TaskFn, args, [delayedTag]: true as const }) as Delayed<Awaited2<R>>;
}

export function isDelayed(x: unknown): x is Delayed {
  return x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[delayedTag] === true;
}
