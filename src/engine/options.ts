/**
 * The options every public op takes, Engine.create's options, and their checks.
 * An op's options are checked inside its runner (engine.ts), so a bad options
 * object rejects rather than throws.
 */
import { describe, type TypedArray } from '../memory/dtypes.js';
import { HEAP_BASE, PAGE_BYTES } from '../memory/heap.js';
import { DEFAULT_WORKER_SPIN, MAX_WORKERS } from '../runtime/protocol.js';
import { DEFAULT_INLINE_WORK } from '../runtime/scheduler.js';

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
export interface LinspaceOptions<T extends TypedArray = TypedArray> extends OutOptions<T> { endpoint?: boolean }

const NO_OPTIONS = Object.freeze({});

/** A TypeError for the first key of `obj` not in `known`, naming the known ones. */
export function checkKeys(obj: object, where: string, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      const list = known.length ? known.map((k) => `'${k}'`).join(', ') : 'none';
      throw new TypeError(`${where}: unknown option '${key}'; the known options are ${list}`);
    }
  }
}

/** An op's options object: undefined or a plain object with known keys and a valid signal. */
export function checkOptions<T extends object>(opts: unknown, op: string, known: readonly string[] = []): T {
  if (opts === undefined) return NO_OPTIONS as T;
  if (typeof opts !== 'object' || opts === null || ArrayBuffer.isView(opts) || Array.isArray(opts)) {
    throw new TypeError(`${op}: options must be an object like { out, signal }; got ${describe(opts)}`);
  }
  checkKeys(opts, op, ['signal', ...known]);
  const signal = (opts as OpOptions).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${op}: options.signal must be an AbortSignal; got ${describe(signal)}`);
  }
  return opts as T;
}

const MiB = 1024 * 1024;
/** 65536 pages: V8's cap for wasm32. */
export const MAX_BYTES = 65536 * PAGE_BYTES;

function checkBytes(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of bytes; got ${describe(value)}`);
  if (!Number.isInteger(value) || value <= 0 || value > MAX_BYTES) {
    throw new RangeError(`${name} must be a positive integer number of bytes up to 4 GiB (${MAX_BYTES}); got ${describe(value)}`);
  }
  return value;
}

export interface CreateSettings { threads: number; initial: number; maximum: number; spin: number; inlineWork: number }

export function checkCreateOptions(options: unknown, defaultThreads: number): CreateSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`Engine.create: options must be an object; got ${describe(options)}`);
  }
  checkKeys(options, 'Engine.create', ['threads', 'memory', 'spin', 'inlineThreshold']);
  const o = options as EngineOptions;
  const threads = o.threads ?? defaultThreads;
  if (typeof threads !== 'number') throw new TypeError(`Engine.create: threads must be a number; got ${describe(o.threads)}`);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WORKERS + 1) {
    throw new RangeError(`Engine.create: threads must be an integer from 1 to ${MAX_WORKERS + 1}; got ${describe(o.threads)}`);
  }
  const memory: unknown = o.memory;
  if (memory !== undefined && (typeof memory !== 'object' || memory === null || Array.isArray(memory))) {
    throw new TypeError(`Engine.create: memory must be an object like { initial, maximum } (bytes); got ${describe(memory)}`);
  }
  if (memory) checkKeys(memory, 'Engine.create: memory', ['initial', 'maximum']);
  const initial = checkBytes(o.memory?.initial, 'Engine.create: memory.initial', 64 * MiB);
  const maximum = checkBytes(o.memory?.maximum, 'Engine.create: memory.maximum', MAX_BYTES);
  if (initial < HEAP_BASE + PAGE_BYTES || initial > maximum) {
    throw new RangeError(`Engine.create: memory.initial must be at least ${HEAP_BASE + PAGE_BYTES} bytes and at most memory.maximum (${maximum}); got ${initial}`);
  }
  const spin = o.spin ?? DEFAULT_WORKER_SPIN;
  if (typeof spin !== 'number') throw new TypeError(`Engine.create: spin must be a number; got ${describe(o.spin)}`);
  if (!Number.isInteger(spin) || spin < 0) throw new RangeError(`Engine.create: spin must be a non-negative integer; got ${describe(o.spin)}`);
  const inlineWork = o.inlineThreshold ?? DEFAULT_INLINE_WORK;
  if (typeof inlineWork !== 'number') throw new TypeError(`Engine.create: inlineThreshold must be a number; got ${describe(o.inlineThreshold)}`);
  if (!(inlineWork >= 0)) throw new RangeError(`Engine.create: inlineThreshold must be a non-negative number; got ${describe(o.inlineThreshold)}`);
  return { threads, initial, maximum, spin, inlineWork };
}
