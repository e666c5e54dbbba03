/**
 * The options every public op takes, and their check. Checked inside each op's
 * driver (engine.ts runOp), so a bad options object rejects rather than throws.
 */
import { describe, type TypedArray } from '../memory/dtypes.js';

export interface EngineOptions {
  /** Threads that compute, the caller included (default: the machine's logical cores). */
  threads?: number;
  /** Shared memory size in bytes: initial (default 64 MiB) and maximum (default 4 GiB). */
  memory?: { initial?: number; maximum?: number };
  /** Spin iterations before a thread sleeps (tuning; default 20000). */
  spin?: number;
  /** Work (elements × op cost) below which an op runs on the calling thread only. */
  inlineThreshold?: number;
}

export interface OpOptions { signal?: AbortSignal }
export interface OutOptions<T extends TypedArray = TypedArray> extends OpOptions { out?: T }
export interface VarianceOptions extends OpOptions { ddof?: number }
export interface HistogramOptions extends OutOptions<Uint32Array> {
  /** Number of bins (default 10). */
  bins?: number;
  /** [lo, hi]; default [min(x), max(x)]. */
  range?: readonly [number, number];
}
export interface MatmulOptions<T extends TypedArray = TypedArray> extends OutOptions<T> { m: number; k: number; n: number }
export interface LinspaceOptions extends OutOptions { endpoint?: boolean }

const NO_OPTIONS = Object.freeze({});

export function checkOptions<T extends object>(opts: unknown, op: string): T {
  if (opts === undefined) return NO_OPTIONS as T;
  if (typeof opts !== 'object' || opts === null || ArrayBuffer.isView(opts)) {
    throw new TypeError(`${op}: options must be an object like { out, signal }; got ${describe(opts)}`);
  }
  const signal = (opts as OpOptions).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${op}: options.signal must be an AbortSignal; got ${describe(signal)}`);
  }
  return opts as T;
}
