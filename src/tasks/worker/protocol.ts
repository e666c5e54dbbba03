/**
 * Messages between the task pool (caller's thread) and its task workers.
 * Shared by both sides, so it must stay dependency-free plain JS once compiled.
 *
 * Tasks travel in batches: one postMessage carries many calls, and a worker
 * answers once per batch. That, plus keeping more than one batch in flight per
 * worker, is what makes tiny tasks cheap (a message round trip costs ~10-50 µs,
 * far more than `x => x + 1`).
 */
import type { BatchOutcome } from '../batch.js';

/** A function as it travels: by source (compiled once per worker) or by module reference. */
export type WireFn = { s: string } | { m: string; n: string };

export interface TaskWorkerData {
  initializer?: WireFn;
  initargs: unknown[];
  /** Bumped (and notified) by the pool after each message it posts: lets an idle worker sleep in Atomics.wait. */
  wake?: Int32Array;
}

/** caller -> worker: the task with this batch id should stop (its signal fires). */
export interface AbortMessage {
  t: 'abort';
  id: number;
}

/**
 * caller -> worker: run `calls` in order; call i uses fns[fi[i]] (fns[0] when fi is absent).
 * With `unary` set, calls[i] is call i's one argument rather than its argument array:
 * map's form, since cloning a flat array costs a fraction of an array of one-item arrays.
 */
export interface BatchMessage {
  id: number;
  fns: WireFn[];
  /** A Float64Array when every call's one argument is a number (packNumbers). */
  calls: unknown[] | Float64Array;
  unary?: true;
  fi?: number[];
}

/** A thrown value, made cloneable. `kind: 'value'` is for throws of non-errors. */
export type WireError =
  | {
      kind: 'error';
      name: string;
      message: string;
      stack?: string;
      props?: Record<string, unknown>;
      cause?: WireError;
      /** The constructor's name when it differs from `name` (a subclass that does not set `name`). */
      cls?: string;
      /** An AggregateError's `errors` (an own property, but not enumerable). */
      errors?: WireError[];
    }
  | { kind: 'value'; value: unknown };

/** worker -> caller. `values` holds the results before the first failing call, if any. */
export type WorkerMessage =
  | { t: 'ready' }
  | { t: 'init-error'; error: WireError }
  | { t: 'done'; id: number; values: unknown[] | Float64Array; error?: WireError; ms: number };

/** Below this many values a plain array costs less to send than a typed array (its buffer is an object of its own). */
const PACK_MIN = 16;

/**
 * values[start, end) as one Float64Array, or undefined if one is not a number (or
 * there are few). Numbers travel best that way: V8 clones an array value by value
 * (tens of ns each, and a non-integer is a heap object on both sides), a typed
 * array as one copy. Every JS number is a float64, so what is read back is the same
 * number (-0, NaN and the infinities included).
 */
export function packNumbers(values: ArrayLike<unknown>, start = 0, end = values.length): Float64Array | undefined {
  if (end - start < PACK_MIN || typeof values[start] !== 'number') return undefined;
  const out = new Float64Array(end - start);
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (typeof v !== 'number') return undefined;
    out[i - start] = v;
  }
  return out;
}

/**
 * values[start, end) as a packed array, built by push: `new Array(n)` or slice() of a
 * holey array stays holey, and V8 clones a holey array key by key (several times
 * slower) and runs slower on it everywhere after. A hole becomes undefined, as iteration reads it.
 */
export function packedCopy<T>(values: ArrayLike<T>, start = 0, end = values.length): T[] {
  const out: T[] = [];
  for (let i = start, e = Math.min(end, values.length); i < e; i++) out.push(values[i]!);
  return out;
}

/** packNumbers undone: a plain (packed) array. */
export function unpackValues(values: unknown[] | Float64Array): unknown[] {
  return values instanceof Float64Array ? packedCopy(values) : values;
}

/** A 'done' message as the pool reports it. */
export function outcomeOf(msg: Extract<WorkerMessage, { t: 'done' }>): BatchOutcome {
  const outcome: BatchOutcome = { values: unpackValues(msg.values), hasError: msg.error !== undefined, ms: msg.ms };
  if (msg.error) outcome.error = deserializeError(msg.error);
  return outcome;
}

function cloneable(v: unknown): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

export function serializeError(e: unknown, depth = 0): WireError {
  if (e instanceof Error || (e !== null && typeof e === 'object' && 'message' in e && 'name' in e)) {
    const err = e as Error & Record<string, unknown>;
    const props: Record<string, unknown> = {};
    let hasProps = false;
    for (const key of Object.keys(err)) {
      if (key === 'stack' || key === 'message' || key === 'name' || key === 'cause') continue;
      const v = err[key];
      props[key] = cloneable(v) ? v : String(v);
      hasProps = true;
    }
    const out: WireError = {
      kind: 'error',
      name: String(err.name),
      message: String(err.message),
      stack: typeof err.stack === 'string' ? err.stack : undefined,
    };
    if (hasProps) out.props = props;
    if (err.cause !== undefined && depth < 4) out.cause = serializeError(err.cause, depth + 1);
    const cls = typeof err.constructor === 'function' ? err.constructor.name : '';
    if (cls && cls !== out.name) out.cls = cls;
    if (Array.isArray(err.errors) && !Object.hasOwn(props, 'errors') && depth < 4) {
      out.errors = err.errors.map((x: unknown) => serializeError(x, depth + 1));
    }
    return out;
  }
  return { kind: 'value', value: cloneable(e) ? e : String(e) };
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};
const dynamicClasses = new Map<string, ErrorConstructor>();

/**
 * A class named like the remote one, so `err.constructor.name` and `err.name` match; a
 * subclass of a built-in error that keeps its `name` (class Foo extends TypeError) stays
 * an `instanceof` that built-in.
 */
function classFor(name: string, cls = name): ErrorConstructor {
  const base = builtins[name] ?? Error;
  if (cls === name && builtins[name]) return base;
  const key = `${base.name} ${cls}`;
  let c = dynamicClasses.get(key);
  if (!c) {
    c = { [cls]: class extends base {} }[cls] as unknown as ErrorConstructor;
    dynamicClasses.set(key, c);
  }
  return c;
}

export function deserializeError(w: WireError): unknown {
  if (w.kind === 'value') return w.value;
  const errors = w.errors?.map(deserializeError);
  const err = (
    (w.cls ?? w.name) === 'AggregateError' ? new AggregateError(errors ?? [], w.message) : new (classFor(w.name, w.cls))(w.message)
  ) as Error & Record<string, unknown>;
  if (err.name !== w.name) {
    Object.defineProperty(err, 'name', { value: w.name, writable: true, configurable: true, enumerable: false });
  }
  // The remote stack is the useful one: it points into the task function.
  if (w.stack) err.stack = w.stack;
  if (w.props) Object.assign(err, w.props);
  if (errors && !Array.isArray(err.errors)) {
    Object.defineProperty(err, 'errors', { value: errors, writable: true, configurable: true, enumerable: false });
  }
  if (w.cause) {
    Object.defineProperty(err, 'cause', {
      value: deserializeError(w.cause),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return err;
}
