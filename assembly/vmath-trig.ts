// sin and cos, f64 and f32 (vmath.ts's conventions: table-free, the vector
// code is the only version, a lane's result never depends on its neighbour).
//
// f64: x = n·π/2 + y0 + y1, then fdlibm's sin and cos kernels on [-π/4, π/4]
// (both, one picked per lane by n's parity; a step whose lanes share a parity
// runs one, and a step within ±0.78 needs no reduction: vmath-trig-map.ts). The fast reduction is a 4-part
// Cody–Waite split of π/2 with no error-free sums but one; lanes where it is
// not exact enough (|n| > 2^19, or y0 small) take sincosSlow, which redoes
// only those lanes: a 6-part split up to |n| = 2^27 and Payne–Hanek
// (trig-reduce.ts) beyond. Arguments below ~1e4 almost never do.

import { add, hiHalf, join, mad, mul, sel, sp, sub, twoSumLo } from './vmath';
import { quadrantLarge, reduceBits, reducedLarge } from './trig-reduce';

// 1.5·2^52: x·2/π + SHIFTER rounds to an integer n whose low bits are n's (two's complement).
const SHIFTER = 6755399441055744.0;
const TWO_OVER_PI = 6.36619772367581382433e-01;

// fdlibm's __kernel_sin and __kernel_cos on y0 + y1 (y1n = -y1), |y0| <= π/4.
// Separate so that a step whose lanes all want the same kernel runs only that
// one (vmath-trig-map.ts); both take z = y0² and w = z² the same way, so a lane's
// bits are the same whichever path ran it.

@inline export function sinKernel(y0: v128, y1n: v128): v128 {
  const z = mul(y0, y0);
  const w = mul(z, z);
  const wc = sub(sp(1.0), mul(sp(0.5), z));
  const rs = add(mad(z, mad(z, sp(2.75573137070700676789e-06), sp(-1.98412698298579493134e-04)), sp(8.33333333332248946124e-03)),
    mul(mul(z, w), mad(z, sp(1.58969099521155010221e-10), sp(-2.50507602534068634195e-08))));
  // y1 enters as y1·cos(y0) ≈ y1·(1 - z/2); y0 minus a +0 keeps sin(-0) = -0.
  return sub(y0, sub(mul(y1n, wc), mul(mul(z, y0), mad(z, rs, sp(-1.66666666666666324348e-01)))));
}

@inline export function cosKernel(y0: v128, y1n: v128): v128 {
  const z = mul(y0, y0);
  const w = mul(z, z);
  const hz = mul(sp(0.5), z);
  const wc = sub(sp(1.0), hz);
  // 1 - z/2 rounded, its rounding error added back with the rest.
  const rc = add(mad(z, mad(z, sp(2.48015872894767294178e-05), sp(-1.38888888888741095749e-03)), sp(4.16666666666666019037e-02)),
    mul(mul(z, w), mad(z, mad(z, sp(-1.13596475577881948265e-11), sp(2.08757232129817482790e-09)), sp(-2.75573143513906633035e-07))));
  return add(wc, add(sub(sub(sp(1.0), wc), hz), add(mul(w, rc), mul(y0, y1n))));
}

/** Quadrants 2 and 3 flip the sign: bit 1 of k moved to the sign bit. */
@inline function signOfQuadrant(k: v128): v128 { return i64x2.shl(i64x2.shr_u(k, 1), 63); }

/**
 * sin (offset 0) or cos (offset 1, cos x = sin(x + π/2)) from the reduced argument
 * y0 + y1 and k, whose low 2 bits are the quadrant (n + offset) mod 4: odd
 * quadrants take the cos kernel. (Shifts rather than masks: two fewer constants
 * to keep in registers.)
 */
@inline function finish(y0: v128, y1n: v128, k: v128): v128 {
  const odd = i64x2.lt_s(i64x2.shl(k, 63), i64x2.splat(0));
  return v128.xor(sel(cosKernel(y0, y1n), sinKernel(y0, y1n), odd), signOfQuadrant(k));
}

// ---- reduction: x = n·π/2 + y0 + y1 --------------------------------------------
// π/2 = c1 + c2 + c3 + c4: c1 (33 bits, to 2^-32) and c3 (33 bits) times |n| <= 2^19
// are exact, c2 (to 2^-53) times any n here is. x and t1 are multiples of 2^-53 when
// n != 0 (|x| > 1/2), so t1 = x - n·c1 (Sterbenz) and t2 = t1 - n·c2 (below 1) are
// exact; y0 = t2 - n·c3 keeps its rounding error in y1 (Fast2Sum: |t2| >= |n·c3|, or
// the difference is exact), and y0 + y1 is within |n|·2^-141 of x - n·π/2. c2..c4
// are truncations, so every term is >= 0 and sin(-0) stays -0.

/** x·2/π + SHIFTER + offset: its low bits are n + offset, n = round(x·2/π). */
@inline export function kOf(x: v128, offset: f64): v128 { return add(mul(x, sp(TWO_OVER_PI)), sp(SHIFTER + offset)); }
@inline function nOf(k: v128, offset: f64): v128 { return sub(k, sp(SHIFTER + offset)); }
/** t2 = x - n·(c1 + c2), exact. */
@inline function t2Of(x: v128, n: v128): v128 {
  return sub(sub(x, mul(n, sp(1.5707963267341256))), mul(n, sp(6.077094383272197e-11)));
}
@inline function p3Of(n: v128): v128 { return mul(n, sp(6.12323399538461e-17)); }
/** -y1: y0's rounding error and n·c4, negated (finish takes it so). */
@inline function y1nOf(n: v128, t2: v128, p3: v128, y0: v128): v128 {
  return sub(mul(n, sp(3.5215598651832e-27)), sub(sub(t2, y0), p3));
}
/**
 * Lanes the fast reduction cannot take: |y0| < (n·2^-19)^2 holds for every lane past
 * |n| = 2^19 (where the exact products end) and for every y0 small enough that the
 * |n|·2^-141 could matter (|y0| < |n|·2^-74), and for few others (|y0| < 2^-6 at
 * |x| ~ 1e5). ±Infinity and NaN are not rare: they give NaN either way.
 */
@inline function rareOf(n: v128, y0: v128): v128 {
  const ns = mul(n, sp(1.9073486328125e-06));
  return f64x2.gt(mul(ns, ns), f64x2.abs(y0));
}

/**
 * sin or cos by the fast reduction, right for lanes where rareLanes is clear.
 * kernel 0 or 1: every lane has an even or every lane an odd quadrant (one
 * kernel runs, with the bits finish would give); 2: any lanes.
 */
@inline export function sincosFast(x: v128, offset: f64, kernel: i32 = 2): v128 {
  const k = kOf(x, offset), n = nOf(k, offset), t2 = t2Of(x, n), p3 = p3Of(n);
  const y0 = sub(t2, p3), y1n = y1nOf(n, t2, p3, y0);
  if (kernel == 0) return v128.xor(sinKernel(y0, y1n), signOfQuadrant(k));
  if (kernel == 1) return v128.xor(cosKernel(y0, y1n), signOfQuadrant(k));
  return finish(y0, y1n, k);
}

/** Same expressions as sincosFast, so the compiler computes them once. */
@inline export function rareLanes(x: v128, offset: f64): v128 {
  const n = nOf(kOf(x, offset), offset);
  return rareOf(n, sub(t2Of(x, n), p3Of(n)));
}

/**
 * sincosFast with the rare lanes reduced again: a 6-part Cody–Waite split up to
 * |x·2/π| = 2^27, Payne–Hanek (trig-reduce.ts) beyond. The other lanes keep the
 * fast reduction, so their results do not depend on their neighbours.
 */
@inline function sincosSlow(x: v128, offset: f64): v128 {
  const k = kOf(x, offset), n = nOf(k, offset), t2 = t2Of(x, n), p3 = p3Of(n);
  const y0 = sub(t2, p3);
  const rare = rareOf(n, y0);
  // π/2 = c1 + ... + c5 + c6 with c1..c5 of <= 26 bits: fn·ci is exact for |fn| <= 2^27,
  // x - fn·c1 is exact (Sterbenz), and the TwoSum chain keeps every rounding error, so
  // s0 + s1 is x - fn·π/2 to ~2^-120 relative even under the worst cancellation.
  const fn = f64x2.nearest(mul(x, sp(TWO_OVER_PI)));
  const u1 = sub(x, mul(fn, sp(1.5707963109016418)));
  const a2 = f64x2.neg(mul(fn, sp(1.5893254712295857e-8)));
  const s2 = add(u1, a2);
  const a3 = f64x2.neg(mul(fn, sp(6.123233932053594e-17)));
  const s3 = add(s2, a3);
  const a4 = f64x2.neg(mul(fn, sp(6.368317055225283e-25)));
  const s4 = add(s3, a4);
  const a5 = f64x2.neg(mul(fn, sp(1.0828566716053562e-32)));
  const s5 = add(s4, a5);
  const err = add(add(twoSumLo(u1, a2, s2), twoSumLo(s2, a3, s3)), add(twoSumLo(s3, a4, s4), twoSumLo(s4, a5, s5)));
  const lo = sub(err, mul(fn, sp(2.316557725048044e-41)));
  let s0 = add(s5, lo);
  let s1 = add(sub(s5, s0), lo);
  // fn mod 4 in f64 (exact for any fn).
  let qs = sub(fn, mul(sp(4.0), f64x2.floor(mul(fn, sp(0.25)))));
  // Past |fn| = 2^27 the products above are inexact: finite lanes there take the
  // Payne–Hanek reduction, which also gives their quadrant.
  const big = v128.andnot(f64x2.lt(f64x2.abs(x), sp(Infinity)), f64x2.le(f64x2.abs(fn), sp(134217728.0)));
  if (i64x2.extract_lane(big, 0) != 0) {
    const x0 = f64x2.extract_lane(x, 0), w = reduceBits(abs(x0)), r = reducedLarge(w, x0);
    s0 = f64x2.replace_lane(s0, 0, f64x2.extract_lane(r, 0));
    s1 = f64x2.replace_lane(s1, 0, f64x2.extract_lane(r, 1));
    qs = f64x2.replace_lane(qs, 0, quadrantLarge(w, x0));
  }
  if (i64x2.extract_lane(big, 1) != 0) {
    const x1 = f64x2.extract_lane(x, 1), w = reduceBits(abs(x1)), r = reducedLarge(w, x1);
    s0 = f64x2.replace_lane(s0, 1, f64x2.extract_lane(r, 0));
    s1 = f64x2.replace_lane(s1, 1, f64x2.extract_lane(r, 1));
    qs = f64x2.replace_lane(qs, 1, quadrantLarge(w, x1));
  }
  return finish(sel(s0, y0, rare), sel(f64x2.neg(s1), y1nOf(n, t2, p3, y0), rare), sel(add(qs, sp(SHIFTER + offset)), k, rare));
}

// Not inlined: the rare lanes' code stays out of the map loops.
export function sinSlow(x: v128): v128 { return sincosSlow(x, 0.0); }
export function cosSlow(x: v128): v128 { return sincosSlow(x, 1.0); }

/** One vector, either path (map tails, the f32 kernels). */
@inline export function sincos(x: v128, offset: f64): v128 {
  if (v128.any_true(rareLanes(x, offset))) return offset != 0 ? cosSlow(x) : sinSlow(x);
  return sincosFast(x, offset);
}

@inline export function sin_v(x: v128): v128 { return sincos(x, 0.0); }
@inline export function cos_v(x: v128): v128 { return sincos(x, 1.0); }

// ---- f32 ---------------------------------------------------------------------
// Four lanes in f32 arithmetic: the same scheme, with f32-sized pieces. An f32
// result within 1 ulp of fround(exact) allows ~1.5 ulp of error, so short
// polynomials do: fitted on [-π/4, π/4] (relative error 2^-27 for sin, 2^-31
// for cos, coefficients rounded to f32). Rare lanes (|n| > 2^11, or y0 small)
// take the f64 kernels and round once.

@inline export function spf(v: f32): v128 { return f32x4.splat(v); }
const SHIFTER_F = <f32>12582912.0; // 1.5·2^23

/**
 * π/2 = c1 + c2 + c3 + c4 (13, 12 and 9 bits, then an f32): for |n| <= 2^11 the
 * products with c1..c3 are exact, and as in f64 t1, t2 are exact (x and t1 are
 * multiples of 2^-24 when n != 0) and y0 = t2 - n·c3 keeps its error (Fast2Sum,
 * |t2| >= |n·c3| outside the rare lanes); y0 + y1 is within |n|·2^-62 of x - n·π/2.
 */
@inline export function kOfF(x: v128, offset: f32): v128 { return f32x4.add(f32x4.mul(x, spf(<f32>0.6366197466850281)), spf(SHIFTER_F + offset)); }
@inline function nOfF(k: v128, offset: f32): v128 { return f32x4.sub(k, spf(SHIFTER_F + offset)); }
@inline function t2OfF(x: v128, n: v128): v128 {
  return f32x4.sub(f32x4.sub(x, f32x4.mul(n, spf(<f32>1.570556640625))), f32x4.mul(n, spf(<f32>0.0002396702766418457)));
}
@inline function p3OfF(n: v128): v128 { return f32x4.mul(n, spf(<f32>1.5890691429376602e-08)); }
/**
 * Rare: |n| > 2^11, or |y0| < |n|·2^-22 (then |t2| < 2|n·c3| is possible), as
 * n² > min(y0²·2^44, 2^22) (pmin: one instruction). NaN and ±Infinity are not
 * rare: y0 is NaN, the result too.
 */
@inline function rareOfF(n: v128, y0: v128): v128 {
  const z = f32x4.mul(y0, y0);
  return f32x4.gt(f32x4.mul(n, n), f32x4.pmin(f32x4.mul(z, spf(<f32>17592186044416.0)), spf(<f32>4194304.0)));
}

@inline function y1nOfF(n: v128, t2: v128, p3: v128, y0: v128): v128 {
  return f32x4.sub(f32x4.mul(n, spf(<f32>2.5633440682570896e-12)), f32x4.sub(f32x4.sub(t2, y0), p3));
}
/** sin: y0 + y1 + y0·z·P(z); y0 minus a +0 keeps sin(-0) = -0. */
@inline export function sinKernelF(y0: v128, y1n: v128): v128 {
  const z = f32x4.mul(y0, y0);
  const ps = f32x4.add(f32x4.mul(z, f32x4.add(f32x4.mul(z, spf(<f32>-0.00019513866573106498)), spf(<f32>0.00833214819431305))), spf(<f32>-0.16666653752326965));
  return f32x4.sub(y0, f32x4.sub(y1n, f32x4.mul(f32x4.mul(y0, z), ps)));
}
/** cos: 1 - (z/2 - z²·Q(z) + y0·y1). */
@inline export function cosKernelF(y0: v128, y1n: v128): v128 {
  const z = f32x4.mul(y0, y0);
  const qc = f32x4.add(f32x4.mul(z, f32x4.add(f32x4.mul(z, spf(<f32>2.443049925204832e-05)), spf(<f32>-0.0013887289678677917))), spf(<f32>0.04166664555668831));
  return f32x4.sub(spf(1.0), f32x4.sub(f32x4.mul(z, spf(0.5)), f32x4.add(f32x4.mul(f32x4.mul(z, z), qc), f32x4.mul(y0, y1n))));
}

/** The f32 fast path; kernel 0 or 1: every lane has an even or every lane an odd quadrant, 2: either. */
@inline export function sincosFastF(x: v128, offset: f32, kernel: i32 = 2): v128 {
  const k = kOfF(x, offset), n = nOfF(k, offset), t2 = t2OfF(x, n), p3 = p3OfF(n);
  const y0 = f32x4.sub(t2, p3), y1n = y1nOfF(n, t2, p3, y0);
  const sign = i32x4.shl(i32x4.shr_u(k, 1), 31);
  if (kernel == 0) return v128.xor(sinKernelF(y0, y1n), sign);
  if (kernel == 1) return v128.xor(cosKernelF(y0, y1n), sign);
  const odd = i32x4.shr_s(i32x4.shl(k, 31), 31);
  return v128.xor(sel(cosKernelF(y0, y1n), sinKernelF(y0, y1n), odd), sign);
}

@inline export function rareLanesF(x: v128, offset: f32): v128 {
  const n = nOfF(kOfF(x, offset), offset);
  return rareOfF(n, f32x4.sub(t2OfF(x, n), p3OfF(n)));
}

/** Rare lanes from the f64 kernels (rounded once); the others keep the f32 result. */
@inline function sincosSlowF(x: v128, offset: f32): v128 {
  const lo = f64x2.promote_low_f32x4(x), hi = hiHalf(x);
  const wide = offset != 0 ? join(cos_v(lo), cos_v(hi)) : join(sin_v(lo), sin_v(hi));
  return sel(wide, sincosFastF(x, offset), rareLanesF(x, offset));
}
export function sinSlowF(x: v128): v128 { return sincosSlowF(x, 0.0); }
export function cosSlowF(x: v128): v128 { return sincosSlowF(x, 1.0); }

@inline export function sincosF(x: v128, offset: f32): v128 {
  if (v128.any_true(rareLanesF(x, offset))) return offset != 0 ? cosSlowF(x) : sinSlowF(x);
  return sincosFastF(x, offset);
}

@inline export function sinf_v(x: v128): v128 { return sincosF(x, 0.0); }
@inline export function cosf_v(x: v128): v128 { return sincosF(x, 1.0); }
