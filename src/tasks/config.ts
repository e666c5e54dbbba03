/** joblib's parallel_config: defaults for parallel() scoped over async code. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { checkOptionKeys } from './common.js';
import { PARALLEL_OPTIONS, type ParallelOptions } from './parallel-options.js';

const store = new AsyncLocalStorage<ParallelOptions>();

export function currentParallelConfig(): ParallelOptions {
  return store.getStore() ?? {};
}

/** Run `fn` with these options as defaults for every parallel() created inside it (awaits included). */
export function parallelConfig<R>(options: ParallelOptions, fn: () => R): R {
  if (options === null || typeof options !== 'object') throw new TypeError('parallelConfig: options must be an object');
  checkOptionKeys(options, 'parallelConfig', PARALLEL_OPTIONS);
  if (typeof fn !== 'function') throw new TypeError('parallelConfig: fn must be a function');
  const merged: ParallelOptions = { ...currentParallelConfig() };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return store.run(merged, fn);
}
