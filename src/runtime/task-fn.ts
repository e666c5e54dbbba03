/**
 * Turning a task function into something a worker can run: its source text
 * (Python's pickling of a function, minus the closure) or a module reference
 * (pickling by reference: the worker imports the module, so the task can use
 * imports and module state).
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WireFn } from './task-protocol.js';

/** A function exported by a module: `{ module: new URL('./tasks.mjs', import.meta.url), name: 'square' }`. */
export interface ModuleRef {
  module: URL | string;
  name: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskFn<A extends unknown[] = any[], R = unknown> = ((...args: A) => R) | ModuleRef;

const wireCache = new WeakMap<object, WireFn>();

function moduleSpecifier(m: URL | string): string {
  if (m instanceof URL) return m.href;
  if (typeof m !== 'string' || m === '') throw new TypeError('module reference: `module` must be a URL or a non-empty string');
  if (/^(file|data|node|https?):/.test(m)) return m;
  // Relative paths are taken from the working directory: the worker cannot know the caller's file.
  if (isAbsolute(m) || m.startsWith('./') || m.startsWith('../')) return pathToFileURL(resolve(m)).href;
  return m; // a bare package name, resolved from wasmpar's own location
}

export function isModuleRef(x: unknown): x is ModuleRef {
  return x !== null && typeof x === 'object' && 'module' in x && 'name' in x;
}

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
