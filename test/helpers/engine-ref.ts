// Shared pieces of the engine-* suites: watchdogs, seeded data, sequential
// typed-array references and guarded (unaligned) views on engine memory.
import { Engine } from '../../dist/index.js';

export type Dtype = 'f64' | 'f32' | 'i32' | 'u32' | 'u8';
export type TA = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

export const DTYPES: Dtype[] = ['f64', 'f32', 'i32', 'u32', 'u8'];
export const FLOATS: Dtype[] = ['f64', 'f32'];
export const INTS: Dtype[] = ['i32', 'u32', 'u8'];
export const CTOR = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array } as const;
/** Awkward sizes: empty, below one SIMD step, primes around vector widths, several chunks. */
export const SIZES = [0, 1, 2, 3, 5, 7, 13, 31, 127, 1021, 65537];
export const BIG = 2_500_003;

export const isFloat = (d: Dtype) => d === 'f64' || d === 'f32';
export const make = (d: Dtype, n: number): TA => new CTOR[d](n);

/** Rejects with a labelled error when `p` has not settled within `ms`: no test can hang. */
export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const dog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`watchdog: ${label} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, dog]).finally(() => clearTimeout(timer));
}

/** The settled state of a promise, under a watchdog: for asserting rejections without try/catch. */
export async function settle<T>(p: Promise<T>, ms: number, label: string): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  return withTimeout(p.then((value) => ({ ok: true as const, value }), (error) => ({ ok: false as const, error })), ms, label);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Engines every elementwise/reduce file runs on: 1 thread, 2 threads, and 3 threads
 * with inlineThreshold 0 so that even 1-element jobs go through the worker protocol. */
export const ENGINE_CONFIGS = [
  { label: 't1', threads: 1 },
  { label: 't2', threads: 2 },
  { label: 't3-noinline', threads: 3, inlineThreshold: 0 },
] as const;

export async function createEngines(): Promise<Engine[]> {
  return withTimeout(Promise.all(ENGINE_CONFIGS.map(({ label: _l, ...o }) => Engine.create(o))), 30_000, 'Engine.create');
}

export async function disposeAll(engines: Engine[] | undefined): Promise<void> {
  if (engines) await withTimeout(Promise.all(engines.map((e) => e.dispose())), 15_000, 'dispose');
}

// ------------------------------------------------------------------ data

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random values for `d`: floats in [lo, hi), integers over the dtype's full range. */
export function random(d: Dtype, n: number, seed: number, lo = -100, hi = 100): TA {
  const r = rng(seed);
  const a = make(d, n);
  if (isFloat(d)) for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  else for (let i = 0; i < n; i++) a[i] = Math.floor(r() * 4294967296); // stores wrap to the dtype
  return a;
}

// ------------------------------------------------------------------ references

const f64b = new Float64Array(1), i64b = new BigInt64Array(f64b.buffer);
const f32b = new Float32Array(1), i32b = new Int32Array(f32b.buffer);
function ord64(x: number): bigint { f64b[0] = x; const b = i64b[0]!; return b < 0n ? -(b & 0x7fffffffffffffffn) : b; }
function ord32(x: number): number { f32b[0] = x; const b = i32b[0]!; return b < 0 ? -(b & 0x7fffffff) : b; }

/** Distance in ulps; NaN only matches NaN. */
export function ulps(a: number, b: number, f32: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  if (f32) return Math.abs(ord32(a) - ord32(b));
  const d = ord64(a) - ord64(b);
  return Number(d < 0n ? -d : d);
}

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x), d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : (f % 2 === 0 ? f : f + 1);
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
export const FLOAT_MAP: Record<string, (v: number) => number> = {
  abs: Math.abs, neg: (v) => -v, sqrt: Math.sqrt, square: (v) => v * v, floor: Math.floor, ceil: Math.ceil,
  round: roundHalfEven, exp: Math.exp, log: Math.log, sin: Math.sin, cos: Math.cos, tanh: Math.tanh, sigmoid,
};
export const EXACT_MAPS = ['abs', 'neg', 'sqrt', 'square', 'floor', 'ceil', 'round'];
export const APPROX_MAPS = ['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid'];
export const INT_MAPS = ['abs', 'neg', 'square', 'floor', 'ceil', 'round'];
/** Argument ranges where the approximations are specified to be within 4 ulp. */
export const MAP_RANGE: Record<string, [number, number]> = {
  exp: [-80, 80], log: [1e-30, 1e30], sin: [-200, 200], cos: [-200, 200], tanh: [-12, 12], sigmoid: [-40, 40],
};

export function refMap(op: string, d: Dtype, x: TA): TA {
  const out = make(d, x.length);
  if (isFloat(d)) {
    const f = FLOAT_MAP[op]!;
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  } else if (op === 'square') {
    for (let i = 0; i < x.length; i++) out[i] = Math.imul(x[i]!, x[i]!);
  } else if (op === 'abs') {
    for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!);
  } else if (op === 'neg') {
    for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
  } else {
    out.set(x); // floor/ceil/round of an integer
  }
  return out;
}

function ipow(base: number, e: number): number {
  let r = 1, b = base | 0;
  while (e) { if (e & 1) r = Math.imul(r, b); b = Math.imul(b, b); e >>>= 1; }
  return r;
}

/** Integer pow: wrapping; negative exponents give 0 except bases 1 and (signed) -1. */
function intPow(d: Dtype, base: number, e: number): number {
  if (e < 0) return base === 1 ? 1 : d === 'i32' && base === -1 ? (Math.abs(e) % 2 === 1 ? -1 : 1) : 0;
  return ipow(base, Math.min(e, 4294967295) >>> 0);
}

/** C99 / numpy pow: Math.pow except pow(1, y) = 1 for every y (NaN too) and pow(-1, ±Infinity) = 1. */
export function powC99(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}

export const BINARY_OPS = ['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'pow'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** One element of a binary op, stored through the result array (which wraps / rounds). */
function scalarOp(op: BinaryOp, d: Dtype, a: number, b: number): number {
  const int = !isFloat(d);
  switch (op) {
    case 'add': return a + b;
    case 'subtract': return a - b;
    case 'multiply': return int ? Math.imul(a, b) : a * b;
    case 'divide': return int ? (b === 0 ? 0 : Math.floor(a / b)) : a / b;
    case 'maximum': return Math.max(a, b);
    case 'minimum': return Math.min(a, b);
    case 'pow': return int ? intPow(d, a, b) : powC99(a, b);
  }
}

/** b: an array, or a scalar converted as the engine documents (stored into the dtype, except pow's exponent). */
export const INT_RANGE: Partial<Record<Dtype, [number, number]>> = { i32: [-(2 ** 31), 2 ** 31 - 1], u32: [0, 2 ** 32 - 1], u8: [0, 255] };

export function refBinary(op: BinaryOp, d: Dtype, a: TA, b: TA | number): TA {
  const out = make(d, a.length);
  let s = 0;
  if (typeof b === 'number') {
    s = op === 'pow' || isFloat(d) ? b : (make(d, 1).fill(b) as TA)[0]!;
    // An integer bound out of the dtype's range clamps (numpy's value where the dtype holds it, else saturated).
    if (!isFloat(d) && (op === 'maximum' || op === 'minimum')) s = Math.min(Math.max(b, INT_RANGE[d]![0]), INT_RANGE[d]![1]);
    if (op === 'pow' && d === 'f32') s = Math.fround(s);
    if (op === 'pow' && !isFloat(d)) s = Math.trunc(s);
  }
  for (let i = 0; i < a.length; i++) out[i] = scalarOp(op, d, a[i]!, typeof b === 'number' ? s : b[i]!);
  return out;
}

/** Index of the first element that differs from the reference beyond `maxUlps` (-1 if none). */
export function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>, maxUlps = 0, f32 = false): number {
  if (got.length !== want.length) return -2;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (maxUlps === 0 ? !Object.is(g, w) : ulps(g, w, f32) > maxUlps) return i;
  }
  return -1;
}

export function describeMismatch(got: ArrayLike<number>, want: ArrayLike<number>, i: number, input?: ArrayLike<number>): string {
  if (i === -1) return 'ok';
  if (i === -2) return `length ${got.length} != ${want.length}`;
  return `at ${i}: got ${got[i]} want ${want[i]}${input ? ` (input ${input[i]})` : ''}`;
}

/** Neumaier-compensated sum: the "exact enough" reference for float sums. */
export function compensatedSum(values: ArrayLike<number>, f: (v: number) => number = (v) => v): number {
  let s = 0, c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = f(values[i]!);
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return s + c;
}

// ------------------------------------------------------------------ guarded views

export const SENTINEL: Record<Dtype, number> = { f64: -12345.5, f32: -777.25, i32: -559038737, u32: 0xdeadbeef, u8: 0xa5 };

/**
 * A view of `n` elements at element offset `off` inside an engine block whose
 * other elements hold a sentinel: `intact()` says whether the op wrote outside.
 */
export function guarded(engine: Engine, d: Dtype, n: number, off: number, fill?: ArrayLike<number>) {
  const pad = 9;
  const block = engine.alloc(d, off + n + pad) as TA;
  block.fill(SENTINEL[d]);
  const view = block.subarray(off, off + n) as TA;
  if (fill) view.set(fill);
  const outside = () => [...block.subarray(0, off), ...block.subarray(off + n)];
  const intact = () => outside().every((v) => Object.is(v, (make(d, 1).fill(SENTINEL[d]) as TA)[0]));
  return { block, view, intact, free: () => engine.free(block) };
}
