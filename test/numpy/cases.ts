// Seeded inputs and comparisons for the differential suites against numpy
// (test/numpy/*.test.ts): data with the special values every op must survive,
// dtype names as numpy spells them, and exact / ulp comparisons with a message
// that says where and by how much.
import type { Engine } from '../../dist/index.js';
import { CTOR, isFloat, rng, ulps, type Dtype, type TA } from '../helpers/engine-ref.js';

export const NP: Record<Dtype, string> = { f64: 'np.float64', f32: 'np.float32', i32: 'np.int32', u32: 'np.uint32', u8: 'np.uint8' };

/** Sizes every op is checked at: empty, below a vector, primes around vectors and chunks, several chunks. */
export const SIZES = [0, 1, 2, 3, 5, 8, 13, 31, 127, 1021, 32_771, 131_101];
/** One large size for ops that stream: exercises the parallel paths (look-back, many chunks). */
export const LARGE = 1_000_003;

const F64_SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1, -1, 0.5];
const F32_SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1.401298464324817e-45, -1.401298464324817e-45, 1.1754943508222875e-38, 3.4028234663852886e38, -3.4028234663852886e38, 1, -1, 0.5];
const INT_SPECIAL: Record<'i32' | 'u32' | 'u8', number[]> = {
  i32: [0, 1, -1, 2147483647, -2147483648, 2, -2],
  u32: [0, 1, 4294967295, 2147483648, 2],
  u8: [0, 1, 255, 128, 2],
};

export function specials(d: Dtype): number[] {
  return d === 'f64' ? F64_SPECIAL : d === 'f32' ? F32_SPECIAL : INT_SPECIAL[d];
}

export interface DataSpec {
  /** Floats: values uniform in [lo, hi). Integers: the whole dtype range unless [lo, hi) is given. */
  lo?: number; hi?: number;
  /** Fraction of elements replaced by special values (NaN, ±Inf, ±0, subnormals, extremes). */
  special?: number;
  /** Special values to draw from (default: specials(d)). */
  pool?: readonly number[];
}

/** Seeded data of dtype `d`: random values with special values sprinkled in. */
export function data(d: Dtype, n: number, seed: number, spec: DataSpec = {}): TA {
  const r = rng(seed);
  const a = new CTOR[d](n) as TA;
  const float = isFloat(d);
  const lo = spec.lo ?? (float ? -100 : d === 'i32' ? -2147483648 : 0);
  const hi = spec.hi ?? (float ? 100 : d === 'u8' ? 256 : d === 'u32' ? 4294967296 : 2147483648);
  for (let i = 0; i < n; i++) a[i] = float ? lo + (hi - lo) * r() : Math.floor(lo + (hi - lo) * r());
  const pool = spec.pool ?? specials(d);
  const k = Math.round((spec.special ?? 0) * n);
  for (let j = 0; j < k; j++) a[Math.floor(r() * n)] = pool[Math.floor(r() * pool.length)]!;
  return a;
}

/** `x` copied to an engine array at element offset `off` (an unaligned view when off is odd). */
export function onEngine(e: Engine, x: TA, off: number): { view: TA; free: () => void } {
  const d = dtypeName(x);
  const block = e.alloc(d, x.length + off) as TA;
  const view = block.subarray(off, off + x.length) as TA;
  view.set(x);
  return { view, free: () => e.free(block) };
}

export function dtypeName(x: TA): Dtype {
  return x instanceof Float64Array ? 'f64' : x instanceof Float32Array ? 'f32' : x instanceof Int32Array ? 'i32' : x instanceof Uint32Array ? 'u32' : 'u8';
}

export interface Compare {
  /** Allowed distance in ulps of the dtype (0: identical, the sign of zero included). */
  ulps?: number;
  /** Treat +0 and -0 as equal (documented differences only). */
  zeroSign?: boolean;
  /** Describes the case in the failure message. */
  label: string;
  /** The inputs, printed next to a mismatch. */
  inputs?: Array<ArrayLike<number> | number>;
}

/**
 * Mismatch description for `got` against numpy's `want` ('' when they agree).
 * NaN matches any NaN; otherwise values match bitwise (sign of zero included)
 * or within `ulps`.
 */
export function mismatch(got: ArrayLike<number>, want: ArrayLike<number | bigint>, f32: boolean, c: Compare): string {
  if (got.length !== want.length) return `${c.label}: length ${got.length}, numpy ${want.length}`;
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = Number(want[i]!);
    let ok: boolean;
    if (Number.isNaN(w) || Number.isNaN(g)) ok = Number.isNaN(w) && Number.isNaN(g);
    else if (c.ulps) ok = ulps(g, w, f32) <= c.ulps && (c.zeroSign || g !== 0 || Object.is(g, w));
    else ok = c.zeroSign ? g === w : Object.is(g, w);
    if (!ok) {
      count++;
      if (bad.length < 5) {
        const ins = c.inputs?.map((v) => (typeof v === 'number' ? v : v[i])).join(', ');
        bad.push(`[${i}] got ${fmt(g)}, numpy ${fmt(w)}${ins !== undefined ? ` (inputs ${ins})` : ''}${c.ulps ? ` ${ulps(g, w, f32)} ulp` : ''}`);
      }
    }
  }
  return count ? `${c.label}: ${count} of ${want.length} differ: ${bad.join('; ')}` : '';
}

export function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}
