// sin and cos, f64 and f32 (vmath.ts's conventions: table-free, the vector
// code is the only version). Reduction: a 6-part Cody-Waite split of pi/2,
// exact up to |x·2/pi| = 2^27, and Payne-Hanek (trig-reduce.ts) beyond.

import { add, hiHalf, join, mad, mul, sel, sp, sub, twoSumLo } from './vmath';
import { quadrantLarge, reduceBits, reducedLarge } from './trig-reduce';

/**
 * sin(x) for quadrant offset 0, cos(x) for offset 1 (cos(x) = sin(x + pi/2)).
 * forF32 (a constant, folded at each call): short Taylor series, enough for a
 * result rounded to f32 (relative error < 1.2e-10 on |y| <= pi/4), without
 * the reduction's low part.
 */
@inline function sincos_v(x: v128, offset: f64, forF32: bool): v128 {
  const fn = f64x2.nearest(mul(x, sp(6.36619772367581382433e-01)));
  // pi/2 = c1 + ... + c5 + c6 with c1..c5 of <= 26 bits: fn*ci is exact for |fn| <= 2^27,
  // x - fn*c1 is exact (Sterbenz), and the TwoSum chain keeps every rounding error, so
  // y0 + y1 is x - fn*pi/2 to ~2^-120 relative even under the worst cancellation.
  const t1 = sub(x, mul(fn, sp(1.5707963109016418)));
  const a2 = f64x2.neg(mul(fn, sp(1.5893254712295857e-8)));
  const s2 = add(t1, a2);
  const a3 = f64x2.neg(mul(fn, sp(6.123233932053594e-17)));
  const s3 = add(s2, a3);
  const a4 = f64x2.neg(mul(fn, sp(6.368317055225283e-25)));
  const s4 = add(s3, a4);
  const a5 = f64x2.neg(mul(fn, sp(1.0828566716053562e-32)));
  const s5 = add(s4, a5);
  const err = add(add(twoSumLo(t1, a2, s2), twoSumLo(s2, a3, s3)), add(twoSumLo(s3, a4, s4), twoSumLo(s4, a5, s5)));
  const lo = sub(err, mul(fn, sp(2.316557725048044e-41)));
  let y0 = add(s5, lo);
  let y1 = add(sub(s5, y0), lo);
  // Past |fn| = 2^27 the products above are inexact: finite lanes there take the
  // Payne–Hanek reduction (trig-reduce.ts), which also gives their quadrant.
  let qn = fn;
  const big = v128.andnot(f64x2.lt(f64x2.abs(x), sp(Infinity)), f64x2.le(f64x2.abs(fn), sp(134217728.0)));
  if (v128.any_true(big)) {
    if (i64x2.extract_lane(big, 0) != 0) {
      const x0 = f64x2.extract_lane(x, 0), w = reduceBits(abs(x0)), r = reducedLarge(w, x0);
      y0 = f64x2.replace_lane(y0, 0, f64x2.extract_lane(r, 0));
      y1 = f64x2.replace_lane(y1, 0, f64x2.extract_lane(r, 1));
      qn = f64x2.replace_lane(qn, 0, quadrantLarge(w, x0));
    }
    if (i64x2.extract_lane(big, 1) != 0) {
      const x1 = f64x2.extract_lane(x, 1), w = reduceBits(abs(x1)), r = reducedLarge(w, x1);
      y0 = f64x2.replace_lane(y0, 1, f64x2.extract_lane(r, 0));
      y1 = f64x2.replace_lane(y1, 1, f64x2.extract_lane(r, 1));
      qn = f64x2.replace_lane(qn, 1, quadrantLarge(w, x1));
    }
  }
  const z = mul(y0, y0);
  let sn: v128, cs: v128;
  if (forF32) {
    // Taylor to degree 11 (sin) and 10 (cos) on |y0| <= pi/4.
    sn = mad(mul(z, y0), mad(z, mad(z, mad(z, mad(z, sp(-1.0 / 39916800.0), sp(1.0 / 362880.0)), sp(-1.0 / 5040.0)), sp(1.0 / 120.0)), sp(-1.0 / 6.0)), y0);
    cs = mad(z, mad(z, mad(z, mad(z, mad(z, sp(-1.0 / 3628800.0), sp(1.0 / 40320.0)), sp(-1.0 / 720.0)), sp(1.0 / 24.0)), sp(-0.5)), sp(1.0));
  } else {
    const w = mul(z, z);
    // fdlibm __sin(y0, y1, 1)
    const rs = add(mad(z, mad(z, sp(2.75573137070700676789e-06), sp(-1.98412698298579493134e-04)), sp(8.33333333332248946124e-03)),
      mul(mul(z, w), mad(z, sp(1.58969099521155010221e-10), sp(-2.50507602534068634195e-08))));
    const v = mul(z, y0);
    sn = sub(y0, sub(sub(mul(z, sub(mul(sp(0.5), y1), mul(v, rs))), y1), mul(v, sp(-1.66666666666666324348e-01))));
    // fdlibm __cos(y0, y1)
    const rc = add(mul(z, mad(z, mad(z, sp(2.48015872894767294178e-05), sp(-1.38888888888741095749e-03)), sp(4.16666666666666019037e-02))),
      mul(mul(w, w), mad(z, mad(z, sp(-1.13596475577881948265e-11), sp(2.08757232129817482790e-09)), sp(-2.75573143513906633035e-07))));
    const hz = mul(sp(0.5), z);
    const wc = sub(sp(1.0), hz);
    cs = add(wc, add(sub(sub(sp(1.0), wc), hz), sub(mul(z, rc), mul(y0, y1))));
  }

  // Quadrant from fn mod 4 in f64 (exact for any fn, unlike an i32 conversion).
  const q = add(sub(qn, mul(sp(4.0), f64x2.floor(mul(qn, sp(0.25))))), sp(offset));
  const odd = f64x2.ne(f64x2.floor(mul(q, sp(0.5))), mul(q, sp(0.5)));
  const neg = v128.and(f64x2.ge(q, sp(2.0)), f64x2.lt(q, sp(4.0)));
  const r = sel(cs, sn, odd);
  return v128.xor(r, v128.and(neg, i64x2.splat(<i64>0x8000000000000000)));
}

export function sin_v(x: v128): v128 {
  // |x| < 2^-26: sin(x) rounds to x (and -0 stays -0).
  return sel(x, sincos_v(x, 0.0, false), f64x2.lt(f64x2.abs(x), sp(1.4901161193847656e-08)));
}

export function cos_v(x: v128): v128 { return sincos_v(x, 1.0, false); }

// As sin_v: below 2^-26, sin(x) rounds to x (and -0 stays -0).
@inline function sinWide(x: v128): v128 { return sel(x, sincos_v(x, 0.0, true), f64x2.lt(f64x2.abs(x), sp(1.4901161193847656e-08))); }
export function sinf_v(x: v128): v128 { return join(sinWide(f64x2.promote_low_f32x4(x)), sinWide(hiHalf(x))); }
export function cosf_v(x: v128): v128 { return join(sincos_v(f64x2.promote_low_f32x4(x), 1.0, true), sincos_v(hiHalf(x), 1.0, true)); }
