/**
 * The one resolver of task module references, `{ module, name }` (pickling a
 * function by reference: whoever runs the task imports the module, so the task
 * can use imports and module state). Every backend goes through it, on the
 * calling thread ('async', 'sequential') and in task workers ('worker'), so a
 * reference means the same thing everywhere:
 * - a URL (or a string with a scheme: file:, data:, node:, http(s):) is used as is;
 * - a path (absolute, or starting with ./ or ../) is taken from process.cwd(),
 *   since a worker cannot know the caller's file (pass `new URL('./m.mjs',
 *   import.meta.url)` to be relative to the caller's file);
 * - anything else is a package name, resolved from wasmpar's own location.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A function exported by a module: `{ module: new URL('./tasks.mjs', import.meta.url), name: 'square' }`. */
export interface ModuleRef {
  module: URL | string;
  name: string;
}

export type AnyFn = (...args: unknown[]) => unknown;

export function isModuleRef(x: unknown): x is ModuleRef {
  return x !== null && typeof x === 'object' && 'module' in x && 'name' in x;
}

/** The import() specifier for a reference's `module`. */
export function moduleSpecifier(m: URL | string): string {
  if (m instanceof URL) return m.href;
  if (typeof m !== 'string' || m === '') throw new TypeError('module reference: `module` must be a URL or a non-empty string');
  if (/^(file|data|node|https?):/.test(m)) return m;
  if (isAbsolute(m) || m.startsWith('./') || m.startsWith('../')) return pathToFileURL(resolve(m)).href;
  return m;
}

/** The function exported as `name` by the module at `specifier` (also `default[name]`). */
export async function importExport(specifier: string, name: string): Promise<AnyFn> {
  const mod = (await import(specifier)) as Record<string, unknown>;
  const fn = mod[name] ?? (name === 'default' ? undefined : (mod.default as Record<string, unknown> | undefined)?.[name]);
  if (typeof fn !== 'function') throw new TypeError(`module '${specifier}' has no exported function named '${name}'`);
  return fn as AnyFn;
}

const imported = new Map<string, Promise<AnyFn>>();

/** A reference's function on this thread, imported once per (specifier, name). */
export function importModuleRef(ref: ModuleRef): Promise<AnyFn> {
  if (typeof ref.name !== 'string' || ref.name === '') throw new TypeError('module reference needs a non-empty string `name`');
  const specifier = moduleSpecifier(ref.module);
  const key = `${specifier}\0${ref.name}`;
  let p = imported.get(key);
  if (!p) {
    p = importExport(specifier, ref.name);
    imported.set(key, p);
    // A failed import is retried next time (the file may appear), and is not an unhandled rejection here.
    p.catch(() => imported.delete(key));
  }
  return p;
}
