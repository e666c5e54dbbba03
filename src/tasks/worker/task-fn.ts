/**
 * Turning a task function into something a worker can run: its source text
 * (Python's pickling of a function, minus the closure) or a module reference
 * (pickling by reference: the worker imports the module, so the task can use
 * imports and module state; module-ref.ts resolves those).
 */
import { isModuleRef, moduleSpecifier, type ModuleRef } from './module-ref.js';
import type { WireFn } from './protocol.js';

export { isModuleRef, type ModuleRef } from './module-ref.js';

// biome-ignore lint/suspicious/noExplicitAny: the default accepts a function of any parameters (unknown[] would reject typed ones)
export type TaskFn<A extends unknown[] = any[], R = unknown> = ((...args: A) => R) | ModuleRef;

/** The value a task's promise resolves to: R, or what R resolves to. */
export type Awaited2<R> = R extends PromiseLike<infer U> ? U : R;

const wireCache = new WeakMap<object, WireFn>();

export function toWireFn(fn: unknown, what = 'fn'): WireFn {
  if (fn === null || (typeof fn !== 'function' && typeof fn !== 'object')) {
    throw new TypeError(`${what} must be a function or a { module, name } reference, got ${fn === null ? 'null' : typeof fn}`);
  }
  const cached = wireCache.get(fn);
  if (cached) return cached;
  let wire: WireFn;
  if (typeof fn === 'function') {
    const src = Function.prototype.toString.call(fn);
    if (/\{\s*\[native code\]\s*\}\s*$/.test(src)) {
      throw new TypeError(
        `${what}: built-in and bound functions cannot be sent to a worker (their source is not available); ` +
          `wrap it in an arrow function, e.g. (x) => Math.sqrt(x)`,
      );
    }
    if (/^class\b/.test(src)) throw new TypeError(`${what} must be a function, not a class`);
    wire = { s: src };
  } else if (isModuleRef(fn)) {
    if (typeof fn.name !== 'string' || fn.name === '') throw new TypeError(`${what}: module reference needs a non-empty string \`name\``);
    wire = { m: moduleSpecifier(fn.module), n: fn.name };
  } else {
    throw new TypeError(`${what} must be a function or a { module, name } reference`);
  }
  wireCache.set(fn, wire);
  return wire;
}
