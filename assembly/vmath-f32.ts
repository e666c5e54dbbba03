// f32 exp, log, tanh, sigmoid and pow. exp and log run 4 lanes at once in f32
// arithmetic, arranged so that every rounding but the last falls on a term at
// most a quarter of the result (max error over every f32 input, checked by
// scripts/vmath-f32-exhaustive.mjs: exp 0.94 ulp, log 0.86 ulp), with a fast
// path for vectors with no special lane (the same bits). tanh, sigmoid and pow
// widen each lane to f64 and evaluate series cut to what an f32 result needs:
// relative error below 1e-8, under a fifth of an f32 ulp, so the one rounding
// to f32 lands within 1 ulp of the correctly rounded result. (A 4-lane f32
// reciprocal with a Newton step in place of their two f64 divisions was
// slower: the conversions cost more than the divisions.) sigmoid takes 2^(i/N)
// from the f64 exp's table (math-tables.ts): every f32 input within 0.5008 ulp.

import { add, div, expRow, hiHalf, join, mad, mul, pow2i, rowHi, rowLo, sel, signOf, sp, sub } from './vmath';
import { EXP_BITS, EXP_INV_LN2N, EXP_N } from './math-tables';
import { powSpecials } from './vmath-pow';

const LN2 = 0.6931471805599453;
const INV_LN2 = 1.4426950408889634;

/**
 * (e^r - 1)/r = 1 + r/2 + r²/6 + ... for |r| <= ln2/2, Taylor to r^7/8!: the
 * remainder is < 0.347^8/9! = 6e-9 of q (2e-10 of e^r = 1 + r·q), a tenth of
 * an f32 ulp at most. exp takes 1 + r·q, tanh expm1(r) = r·q (no cancellation
 * near 0).
 */
@inline function em1OverR(r: v128): v128 {
  let q = mad(r, sp(1.0 / 40320.0), sp(1.0 / 5040.0));
  q = mad(r, q, sp(1.0 / 720.0));
  q = mad(r, q, sp(1.0 / 120.0));
  q = mad(r, q, sp(1.0 / 24.0));
  q = mad(r, q, sp(1.0 / 6.0));
  q = mad(r, q, sp(0.5));
  return mad(r, q, sp(1.0));
}

/**
 * e^x for x in [-150, 100] (wider than f32's range: e^-150 rounds to 0, e^100 to
 * Infinity). |k| <= 217 keeps r = x - k·ln2 within ~3e-14 of exact.
 */
@inline function expCore(x: v128): v128 {
  const k = f64x2.nearest(mul(x, sp(INV_LN2)));
  const r = sub(x, mul(k, sp(LN2)));
  return mul(mad(r, em1OverR(r), sp(1.0)), pow2i(k));
}

/**
 * 1/(1 + e^-x) for |x| <= 150 (sigmoidf_v clamps: past it the f32 result is 0 or 1).
 * e^-x = 2^(kd/N)·e^r from vmath.ts's table (its hi word alone: the tail is
 * 2^-53) and e^r = 1 + r + r²/2 for |r| <= ln2/(2N) (the r³/6 left out is
 * 5e-11); r = -x - kd·ln2/N in one step (its error ~2e-14). 1 + E then needs
 * no care: E's relative error 5e-11 becomes at most that in the quotient.
 */
@inline function sigmoidWide(x: v128): v128 {
  const kb = add(mul(x, sp(-EXP_INV_LN2N)), sp(6755399441055744.0));
  const rn = add(x, mul(sub(kb, sp(6755399441055744.0)), sp(LN2 / <f64>EXP_N))); // -r
  const off = expRow(kb);
  const scale = i64x2.add(i64x2.shuffle(rowLo(off), rowHi(off), 1, 3), i64x2.shl(kb, 52 - EXP_BITS));
  const er = sub(sp(1.0), mul(rn, mad(rn, sp(-0.5), sp(1.0))));
  return div(sp(1.0), mad(scale, er, sp(1.0)));
}

/**
 * tanh(a) = t/(t+2) with t = expm1(2a): t = 2^k·expm1(r) + (2^k - 1), where
 * 2^k - 1 is exact. |x| >= 10 rounds to ±1 in f32 (clamping keeps k <= 29).
 */
@inline function tanhWide(x: v128): v128 {
  const a = f64x2.pmin(f64x2.abs(x), sp(10.0));
  const a2 = add(a, a);
  const k = f64x2.nearest(mul(a2, sp(INV_LN2)));
  const r = sub(a2, mul(k, sp(LN2)));
  const pk = pow2i(k);
  const t = mad(pk, mul(r, em1OverR(r)), sub(pk, sp(1.0)));
  return v128.or(div(t, add(t, sp(2.0))), signOf(x));
}

@inline function f4(c: f32): v128 { return f32x4.splat(c); }

/**
 * log on 4 f32 lanes in f32 arithmetic, fdlibm's logf scheme: x = 2^k·m, m in
 * [√2/2, √2), f = m - 1, s = f/(2+f), log(1+f) = f - (hfsq - s·(hfsq + R)),
 * hfsq = f²/2, R = 2/3·s² + 2/5·s⁴ + 2/7·s⁶ + 2/9·s⁸ (the series' remainder
 * is < 1e-9 relative). Every error but the last rounding falls on terms at
 * most a quarter of the result, so it stays under 1 ulp; k·ln2hi is exact
 * (16-bit ln2hi, |k| <= 149). `fast` (a compile-time flag): no subnormal or
 * special inputs, the same bits for the others.
 */
@inline function logF4(x: v128, fast: bool): v128 {
  let xs = x;
  let subn = i32x4.splat(0);
  if (!fast) {
    subn = f32x4.lt(x, f4(1.1754943508222875e-38));
    xs = sel(f32x4.mul(x, f4(8388608.0)), x, subn); // 2^23
  }
  // Shift the exponent boundary to √2/2: m's bits are u's mantissa + √2/2's.
  const u = i32x4.add(xs, i32x4.splat(0x004afb0d));
  let k = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(u, 23), i32x4.splat(127)));
  if (!fast) k = f32x4.sub(k, v128.and(subn, f4(23.0)));
  const f = f32x4.sub(i32x4.add(v128.and(u, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3)), f4(1.0));
  const s = f32x4.div(f, f32x4.add(f4(2.0), f));
  const z = f32x4.mul(s, s);
  const w = f32x4.mul(z, z);
  const R = f32x4.add(f32x4.mul(z, f32x4.add(f4(<f32>(2.0 / 3.0)), f32x4.mul(w, f4(<f32>(2.0 / 7.0))))),
    f32x4.mul(w, f32x4.add(f4(<f32>(2.0 / 5.0)), f32x4.mul(w, f4(<f32>(2.0 / 9.0))))));
  const hfsq = f32x4.mul(f32x4.mul(f4(0.5), f), f);
  const t = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, R)), f32x4.mul(k, f4(1.428606765330187e-6)));
  const res = f32x4.sub(f32x4.mul(k, f4(0.693145751953125)), f32x4.sub(f32x4.sub(hfsq, t), f));
  if (fast) return res;
  // log(0) = -Infinity, log(+Infinity) = +Infinity, x < 0 and NaN give NaN.
  const special = sel(f4(-Infinity), sel(f4(NaN), x, f32x4.lt(x, f4(0))), f32x4.eq(x, f4(0)));
  return sel(res, special, v128.and(f32x4.gt(x, f4(0)), f32x4.lt(x, f4(Infinity))));
}

/** 2^n for i32 lanes n in [-126, 127]. */
@inline function pow2f(n: v128): v128 { return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23); }

/**
 * e^x on 4 f32 lanes in f32 arithmetic: k = round(x/ln2), r = hi - lo with
 * hi = x - k·ln2hi exact (16-bit ln2hi), e^r = 1 + (hi - (lo - r²·P(r))),
 * P the Taylor series to r^5/7! (remainder < 6e-9). The sum inside is at most
 * 0.42, so its rounding costs at most a quarter ulp and the total stays
 * under 1 ulp. The full path clamps x to [-104, 89] and scales in two exact
 * steps (the second rounds a subnormal result once); `fast` (|x| <= 87)
 * scales in one: the same bits.
 */
@inline function expF4(x: v128, fast: bool): v128 {
  const xc = fast ? x : f32x4.pmax(f32x4.pmin(x, f4(89.0)), f4(-104.0)); // a NaN stays NaN
  const k = f32x4.nearest(f32x4.mul(xc, f4(1.4426950408889634)));
  const hi = f32x4.sub(xc, f32x4.mul(k, f4(0.693145751953125)));
  const lo = f32x4.mul(k, f4(1.428606765330187e-6));
  const r = f32x4.sub(hi, lo);
  let p = f32x4.add(f32x4.mul(r, f4(<f32>(1.0 / 5040.0))), f4(<f32>(1.0 / 720.0)));
  p = f32x4.add(f32x4.mul(r, p), f4(<f32>(1.0 / 120.0)));
  p = f32x4.add(f32x4.mul(r, p), f4(<f32>(1.0 / 24.0)));
  p = f32x4.add(f32x4.mul(r, p), f4(<f32>(1.0 / 6.0)));
  p = f32x4.add(f32x4.mul(r, p), f4(0.5));
  const y = f32x4.add(f4(1.0), f32x4.sub(hi, f32x4.sub(lo, f32x4.mul(f32x4.mul(r, r), p))));
  const n = i32x4.trunc_sat_f32x4_s(k);
  if (fast) return f32x4.mul(y, pow2f(n));
  const n1 = i32x4.shr_s(n, 1);
  return f32x4.mul(f32x4.mul(y, pow2f(n1)), pow2f(i32x4.sub(n, n1)));
}

@inline export function expf_v(x: v128): v128 { return expF4(x, false); }
/** Lanes where expf_fast gives expf_v's bits: |x| <= 87, a normal result (NaN fails). */
@inline export function expfFastOk(x: v128): v128 { return f32x4.le(f32x4.abs(x), f4(87.0)); }
@inline export function expf_fast(x: v128): v128 { return expF4(x, true); }
@inline export function logf_v(x: v128): v128 { return logF4(x, false); }
/** Lanes where logf_fast gives logf_v's bits: x normal, positive and finite (NaN fails). */
@inline export function logfFastOk(x: v128): v128 {
  return v128.and(f32x4.ge(x, f32x4.splat(1.1754943508222875e-38)), f32x4.lt(x, f32x4.splat(Infinity)));
}
@inline export function logf_fast(x: v128): v128 { return logF4(x, true); }
@inline export function tanhf_v(x: v128): v128 { return join(tanhWide(f64x2.promote_low_f32x4(x)), tanhWide(hiHalf(x))); }
@inline export function sigmoidf_v(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, f4(-150.0)), f4(150.0)); // a NaN stays first: NaN
  return join(sigmoidWide(f64x2.promote_low_f32x4(xc)), sigmoidWide(hiHalf(xc)));
}
/**
 * Half of powF4: |x|^y = 2^t, t = y·log2|x|, on two widened lanes, where x =
 * 2^k·(1 + f). log2(1 + f) = s·Q(s²), s = f/(2 + f), |s| <= 0.172, Q a
 * minimax fit of degree 4 (relative error 4e-12); 2^r for r = t - round(t),
 * a minimax fit of degree 6 on [-1/2, 1/2] (2.5e-9). Where the f32 result is
 * neither 0 nor Infinity |t| <= 150, so log2's error moves the result by at
 * most 150·ln2·4e-12: the total stays near 3e-9, a twentieth of an f32 ulp,
 * and the one rounding to f32 lands within 1 ulp of the correctly rounded
 * result. t is clamped to [-160, 130], past which f32 rounds to 0 or Infinity,
 * so that 2^round(t) stays a normal f64.
 */
@inline function powHalf(f: v128, k: v128, y: v128): v128 {
  const s = div(f, add(sp(2.0), f));
  const z = mul(s, s);
  let q = mad(z, sp(0.34071413665191197), sp(0.411673658400816));
  q = mad(z, q, sp(0.5770835677034892));
  q = mad(z, q, sp(0.9617966734432283));
  q = mad(z, q, sp(2.885390081789993));
  const t = f64x2.pmax(f64x2.pmin(mul(y, mad(s, q, k)), sp(130.0)), sp(-160.0)); // a NaN stays NaN
  const n = f64x2.nearest(t);
  const r = sub(t, n);
  let p = mad(r, sp(0.00015461456301343578), sp(0.0013400441580195398));
  p = mad(r, p, sp(0.00961805664951722));
  p = mad(r, p, sp(0.05550327193163993));
  p = mad(r, p, sp(0.24022650922424724));
  p = mad(r, p, sp(0.6931472067185375));
  return mul(mad(r, p, sp(1.0)), pow2i(n));
}

/**
 * f32 pow on 4 lanes: k and f = m - 1 (m = x/2^k in [√2/2, √2), so f is exact
 * in f32) from x's bits, 4 lanes at once; the rest in f64 (powHalf). `slow`
 * (a compile-time flag) takes any x and y: |x|, subnormal x rescaled by 2^23,
 * and the special cases (powSpecials) over the result; without it, x must be
 * positive, normal and finite and y finite (powfFastOk): the same bits there.
 */
@inline function powF4(x: v128, y: v128, slow: bool): v128 {
  let xs = x;
  let subn = i32x4.splat(0);
  if (slow) {
    xs = f32x4.abs(x);
    subn = f32x4.lt(xs, f4(1.1754943508222875e-38));
    xs = sel(f32x4.mul(xs, f4(8388608.0)), xs, subn); // 2^23
  }
  // Shift the exponent boundary to √2/2: m's bits are u's mantissa + √2/2's.
  const u = i32x4.add(xs, i32x4.splat(0x004afb0d));
  let k = i32x4.sub(i32x4.shr_u(u, 23), i32x4.splat(127));
  if (slow) k = i32x4.sub(k, v128.and(subn, i32x4.splat(23)));
  const f = f32x4.sub(i32x4.add(v128.and(u, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3)), f4(1.0));
  const fh = i64x2.shuffle(f, f, 1, 1), kh = i64x2.shuffle(k, k, 1, 1), yh = i64x2.shuffle(y, y, 1, 1);
  let lo = powHalf(f64x2.promote_low_f32x4(f), f64x2.convert_low_i32x4_s(k), f64x2.promote_low_f32x4(y));
  let hi = powHalf(f64x2.promote_low_f32x4(fh), f64x2.convert_low_i32x4_s(kh), f64x2.promote_low_f32x4(yh));
  if (slow) {
    lo = powSpecials(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(y), lo);
    hi = powSpecials(hiHalf(x), f64x2.promote_low_f32x4(yh), hi);
  }
  return join(lo, hi);
}

@inline export function powf_v(x: v128, y: v128): v128 { return powF4(x, y, true); }

/** Lanes where powf_fast gives powf_v's bits: x positive, normal and finite, y finite (NaN fails). */
@inline export function powfFastOk(x: v128, y: v128): v128 {
  return v128.and(v128.and(f32x4.ge(x, f4(1.1754943508222875e-38)), f32x4.lt(x, f4(Infinity))), f32x4.lt(f32x4.abs(y), f4(Infinity)));
}
@inline export function powf_fast(x: v128, y: v128): v128 { return powF4(x, y, false); }
