// Test points for the long-double accuracy suite (accuracy-ld.test.ts): per
// function, ranges that together cover its whole domain — uniform over the
// useful range, log-uniform magnitudes down to subnormals, random bit patterns
// (every exponent), the overflow/underflow boundaries — plus the special values.
import { rng } from '../helpers/engine-ref.js';

export type Gen = (r: () => number) => number;
export interface Range { name: string; gen: Gen; y?: Gen }

const u = (lo: number, hi: number): Gen => (r) => lo + (hi - lo) * r();
/** ±10^[e0, e1), both signs unless `pos`. */
const logu = (e0: number, e1: number, pos = false): Gen => (r) => (pos || r() < 0.5 ? 1 : -1) * 10 ** (e0 + (e1 - e0) * r());
const dv = new DataView(new ArrayBuffer(8));
/** A random f64 (or f32) bit pattern: every exponent equally likely, NaNs included. */
const bits = (f32: boolean, pos = false): Gen => (r) => {
  if (f32) { dv.setUint32(0, (r() * 2 ** 32) >>> 0); const v = dv.getFloat32(0); return pos ? Math.abs(v) : v; }
  dv.setUint32(0, (r() * 2 ** 32) >>> 0); dv.setUint32(4, (r() * 2 ** 32) >>> 0);
  const v = dv.getFloat64(0);
  return pos ? Math.abs(v) : v;
};
/** Within a relative 2^-20 of each point in `at`. */
const near = (...at: number[]): Gen => (r) => at[Math.floor(r() * at.length)]! * (1 + (r() - 0.5) * 2 ** -19);

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308,
  Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.5, -0.5, 2, -2];
const SPECIAL32 = [1.401298464324817e-45, -1.401298464324817e-45, 1.1754943508222875e-38, 3.4028234663852886e38, -3.4028234663852886e38];

export function ranges(op: string, f32: boolean): Range[] {
  const all: Range = { name: 'bits', gen: bits(f32) };
  switch (op) {
    case 'exp': return [
      { name: 'main', gen: f32 ? u(-104, 89) : u(-745.2, 709.8) }, { name: 'small', gen: logu(-320, 0) }, all,
      { name: 'edges', gen: f32 ? near(88.72284, -87.33655, -103.97208, -103.27893) : near(709.782712893384, -708.3964185322641, -745.1332191019411, -744.4400719213812) },
    ];
    case 'log': return [
      { name: 'main', gen: u(0, 100) }, { name: 'near 1', gen: (r) => 1 + logu(-16, -1)(r) }, { name: 'bits', gen: bits(f32, true) },
      { name: 'subnormal', gen: f32 ? logu(-45, -38, true) : logu(-324, -307, true) },
    ];
    case 'sin': case 'cos': return [
      { name: 'main', gen: u(-2 * Math.PI, 2 * Math.PI) }, { name: 'large', gen: f32 ? logu(0, 38) : logu(0, 308) }, all,
      { name: 'small', gen: logu(-320, 0) },
      // Around the ends of the fast reductions (f32 |x| ~ 3217, f64 ~ 8.2e5) and of the 6-part one (2.1e8).
      { name: 'to 1e5', gen: u(-1e5, 1e5) }, { name: 'to 1e6', gen: u(-1e6, 1e6) }, { name: 'to 2.2e8', gen: u(-2.2e8, 2.2e8) },
      // A few ulps from multiples of π/2 (cancellation in the reduction).
      { name: 'near kπ/2', gen: (r) => Math.floor((r() - 0.5) * 2 ** 22) * (Math.PI / 2) * (1 + (r() - 0.5) * 2 ** -49) },
    ];
    case 'tanh': return [{ name: 'main', gen: u(-20, 20) }, { name: 'small', gen: logu(-320, 1.5) }, all];
    case 'sigmoid': return [{ name: 'main', gen: f32 ? u(-105, 20) : u(-746, 40) }, { name: 'small', gen: logu(-320, 1.5) }, all];
    case 'pow': {
      // In 'bits', y = t / log2(x) (points()): results over the whole range, subnormal and overflow included.
      const lim = f32 ? [-155, 133] : [-1080, 1030];
      return [
        { name: 'main', gen: logu(-3, 3, true), y: u(-30, 30) },
        { name: 'near 1', gen: (r) => 1 + logu(-12, -1)(r), y: logu(0, f32 ? 6 : 12) },
        { name: 'bits', gen: bits(f32, true), y: u(lim[0]!, lim[1]!) },
        { name: 'negative base', gen: (r) => -(10 ** (-2 + 4 * r())), y: (r) => Math.round(-60 + 120 * r()) },
      ];
    }
  }
  throw new Error(`no ranges for ${op}`);
}

/** `n` points per range (pow: pairs; in the 'bits' range y is scaled by 1/log2|x| so results span the range). */
export function points(op: string, f32: boolean, n: number, seed: number): Array<{ name: string; x: Float64Array; y?: Float64Array }> {
  const out = ranges(op, f32).map((rg, k) => {
    const r = rng(seed * 31 + k);
    const x = new Float64Array(n), y = rg.y ? new Float64Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      x[i] = f32 ? Math.fround(rg.gen(r)) : rg.gen(r);
      if (y) {
        let v = rg.y!(r);
        if (rg.name === 'bits' && Math.log2(x[i]!) !== 0) v /= Math.log2(x[i]!);
        y[i] = f32 ? Math.fround(v) : v;
      }
    }
    return { name: rg.name, x, y };
  });
  const sp = f32 ? [...SPECIAL.map(Math.fround), ...SPECIAL32] : SPECIAL;
  if (op === 'pow') {
    const xs = [...sp, 3, -3, 0.25], ys = [...sp, 3, -3, 0.25, 1075, -1075, 1e300];
    const f = f32 ? Math.fround : (v: number) => v;
    out.push({ name: 'specials', x: Float64Array.from(xs.flatMap((a) => ys.map(() => f(a)))), y: Float64Array.from(xs.flatMap(() => ys.map(f))) });
  } else {
    out.push({ name: 'specials', x: Float64Array.from(sp) });
  }
  return out;
}
