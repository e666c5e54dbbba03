// Vector math for the map kernels (issue 2; speed: issue 15).
//
// Every constant is an inline literal and every helper is @inline, so the
// module keeps zero data segments (Math.sin & co. would pull in tables). The
// one table, exp's 2^(i/128), is not the module's: the engine writes it into
// the shared memory before any kernel runs (src/runtime/math-tables.ts; its
// address and the constants that go with it: math-tables.ts, generated).
// The vector functions are the only versions: map.ts runs a tail through the
// same code on a splatted lane, so an element's result never depends on
// whether it fell in a vector body or a tail (chunk boundaries and subarray
// offsets cannot change results). exp, log and sigmoid (and pow, vmath-pow.ts)
// also have a fast path for vectors with no special lane, which gives the same
// bits as the full path; map.ts picks it with one branch per 4 vectors.
//
// Why 4 vectors per loop iteration (map.ts, pow.ts): V8 builds each v128
// constant with 3 instructions or keeps it in a stack slot, and a Horner step
// without FMA waits ~8 cycles on the one before; 4 independent evaluations
// fill those waits and share the constants.
//
// Accuracy (ulps from the correctly rounded result; test/numpy/accuracy-ld
// .test.ts, 2M points per range with `npm run test:accuracy`): exp, log, pow,
// tanh, sigmoid: <= 1 ulp over the whole f64 range (incl. subnormals,
// overflow to Infinity, gradual underflow). f32 (vmath-f32.ts): <= 1 ulp of
// fround(exact); exp and log run 4 lanes in f32 arithmetic (every f32 input
// checked: scripts/vmath-f32-exhaustive.mjs), tanh, sigmoid and pow widen to
// f64. sin, cos: vmath-trig.ts.

import { EXPM1_C2, EXPM1_C3, EXPM1_C4, EXPM1_C5, EXP_C2, EXP_C3, EXP_C4, EXP_INV_LN2N, EXP_LN2HI_N, EXP_LN2LO_N, EXP_BITS, EXP_N, EXP_TABLE } from './math-tables';

// ---- helpers -------------------------------------------------------------

@inline export function sp(x: f64): v128 { return f64x2.splat(x); }
@inline export function add(a: v128, b: v128): v128 { return f64x2.add(a, b); }
@inline export function sub(a: v128, b: v128): v128 { return f64x2.sub(a, b); }
@inline export function mul(a: v128, b: v128): v128 { return f64x2.mul(a, b); }
@inline export function div(a: v128, b: v128): v128 { return f64x2.div(a, b); }
@inline export function mad(a: v128, b: v128, c: v128): v128 { return f64x2.add(f64x2.mul(a, b), c); }
@inline export function sel(ifTrue: v128, ifFalse: v128, mask: v128): v128 { return v128.bitselect(ifTrue, ifFalse, mask); }
/** Clears the low 32 bits (fdlibm's SET_LOW_WORD(x, 0)): exact products of split halves. */
@inline export function hi32(a: v128): v128 { return v128.and(a, i64x2.splat(<i64>0xffffffff00000000)); }
@inline export function signOf(a: v128): v128 { return v128.and(a, i64x2.splat(<i64>0x8000000000000000)); }

/** 2^k for integral f64 lanes k in [-1022, 1023]: the 2^52 shifter puts k+1023 in the low bits. */
@inline export function pow2i(k: v128): v128 {
  return i64x2.shl(f64x2.add(k, sp(4503599627371519.0)), 52);
}

/** y * 2^k for k in [-1100, 1100], rounding once (two factors keep each power normal). */
@inline export function scale2(y: v128, k: v128): v128 {
  const k1 = f64x2.floor(mul(k, sp(0.5)));
  return mul(mul(y, pow2i(k1)), pow2i(sub(k, k1)));
}

// Cody-Waite ln2 split: ln2hi has 32 significant bits, so k*ln2hi is exact for |k| < 2^21.
@inline function ln2hi(): v128 { return sp(6.93147180369123816490e-01); }
@inline function ln2lo(): v128 { return sp(1.90821492927058770002e-10); }

// ---- exp (table-driven: the 2^(i/N) table the engine wrote, math-tables.ts) ----
//
// e^x = 2^(k + i/N) * e^r with kd = k*N + i = round(x*N/ln2), N = 512,
// |r| <= ln2/(2N): 2^(i/N) comes from the table as hi*(1 + tail), e^r - 1 - r
// from a degree-4 polynomial (relative error 2^-61.5). Without FMA the result
// is within 0.5 + ~0.01 ulp (r's rounding, the tail's and the polynomial's
// errors are each below 2^-60 relative). Against the degree-13 Taylor series
// it replaced, the lookup (2 lane extracts, 2 loads, 2 shuffles) saves ~20
// floating-point ops: 1.6x the speed. (N = 256 with the same degree is as fast
// and 2^-56.5; degree 5 with N = 128 is 10% slower.)

/** x*N/ln2 + 1.5*2^52: rounds to the integer kd, which sits in the low bits. */
@inline export function expShifted(x: v128): v128 {
  return add(mul(x, sp(EXP_INV_LN2N)), sp(6755399441055744.0));
}
/** r = x - kd*ln2/N: kd*ln2hi/N is exact (32-bit ln2hi, |kd| < 2^21) and x minus it exact (Sterbenz). */
@inline export function expR(x: v128, kd: v128): v128 {
  return sub(sub(x, mul(kd, sp(EXP_LN2HI_N))), mul(kd, sp(EXP_LN2LO_N)));
}
/** Each lane's byte offset of its table row (16 bytes: tail, bits), i = kd mod N. */
@inline export function expRow(shifted: v128): v128 {
  return v128.and(i64x2.shl(shifted, 4), i64x2.splat(<i64>((EXP_N - 1) * 16)));
}
@inline export function rowLo(off: v128): v128 { return v128.load(<usize>i32x4.extract_lane(off, 0), EXP_TABLE); }
@inline export function rowHi(off: v128): v128 { return v128.load(<usize>i32x4.extract_lane(off, 2), EXP_TABLE); }
/** tmp with e^(x) = 2^(kd/N)_hi * (1 + tmp): the table tail plus e^r - 1. */
@inline export function expTmp(r: v128, tail: v128): v128 {
  const r2 = mul(r, r);
  return add(add(tail, r), mul(r2, add(mad(r, sp(EXP_C3), sp(EXP_C2)), mul(r2, sp(EXP_C4)))));
}

/**
 * e^x as scale*(1 + tmp) for |x| <= 746. fast (|x| <= 708: a normal result):
 * scale = 2^(kd/N) directly (the table word plus kd << (52 - EXP_BITS) is its bits);
 * full: scale = 2^(i/N) and the product is scaled by 2^k afterwards, rounding
 * once; for a normal result both give the same bits.
 */
@inline function expCore(x: v128, fast: bool): v128 {
  const kb = expShifted(x);
  const kd = sub(kb, sp(6755399441055744.0));
  const r = expR(x, kd);
  const off = expRow(kb);
  const lo = rowLo(off), hi = rowHi(off);
  const tmp = expTmp(r, i64x2.shuffle(lo, hi, 0, 2));
  const bitsI = i64x2.shuffle(lo, hi, 1, 3);
  if (fast) {
    const scale = i64x2.add(bitsI, i64x2.shl(kb, 52 - EXP_BITS));
    return mad(scale, tmp, scale);
  }
  // 2^(i/N) alone: put the i bits back; k = floor(kd/N) is exact.
  const t = i64x2.add(bitsI, i64x2.shl(v128.and(kb, i64x2.splat(<i64>(EXP_N - 1))), 52 - EXP_BITS));
  return scale2(mad(t, tmp, t), f64x2.floor(mul(kd, sp(1.0 / <f64>EXP_N))));
}

@inline export function exp_v(x: v128): v128 {
  // Clamping keeps k in scale2's range; pmin/pmax (one instruction each, where
  // min/max take ~7) keep a NaN x as their first operand.
  return expCore(f64x2.pmax(f64x2.pmin(x, sp(710.0)), sp(-746.0)), false);
}

/** Lanes where exp_fast gives exp_v's result: |x| <= 708 (NaN fails). */
@inline export function expFastOk(x: v128): v128 { return f64x2.le(f64x2.abs(x), sp(708.0)); }
@inline export function exp_fast(x: v128): v128 { return expCore(x, true); }

/** Low part of a + b (Knuth's TwoSum: exact, any order of magnitude). */
@inline export function twoSumLo(a: v128, b: v128, s: v128): v128 {
  const bb = sub(s, a);
  return add(sub(a, sub(s, bb)), sub(b, bb));
}
/**
 * tanh(a) = t/(t + 2), t = e^(2a) - 1, for a = |x| (the sign is put back;
 * a >= 19.1 rounds to 1, so a is clamped to 22): within 0.5 + 2^-6 ulp.
 * With the exp steps on y = 2a (kd >= 0, scale = 2^(kd/N) >= 1,
 * y - kd*ln2/N = rh - kd*ln2lo/N, rh exact) and r = fl(that):
 *   t = (scale - 1) + rh - kd*ln2lo/N + (scale - 1) r + scale (tail (1 + r) + r^2 P(r)),
 * scale - 1 exact (scale < 2^52; past that t's error moves tanh by ~2^-100),
 * h = (scale - 1) + rh by Fast2Sum (scale - 1 >= ln2/N >= |rh|, or 0), and
 * the small terms l, each under 2^-9 of t, rounded at 2^-62 of it. t can be
 * as small as r, so P is the EXPM1_ fit (2^-64.5 relative to e^r - 1, where
 * exp's fit is relative to e^r) and the tail's product with r counts.
 * t + 2 = dh1 + dl1 with dh1 = fl(h + l + 2) cut to 21 bits and dl1 =
 * ((max(2, h) - dh1) + min(2, h)) + l, exact but for roundings at 2^-73 of
 * t + 2, which is what tanh's error follows (tanh = 1 - 2/(t + 2): with
 * 2 - dh1, the 2 itself would round away once t > 2^53). Then sigmoidCore's
 * division step with numerator h + l (h - q1*dh1 exact by Sterbenz). A
 * subnormal x: t = 2x, t + 2 = 2, q1 + (x - q1) = x.
 */
@inline export function tanh_v(x: v128): v128 {
  const a = f64x2.pmin(f64x2.abs(x), sp(22.0)); // a NaN stays a NaN
  const y = add(a, a);
  const kb = expShifted(y);
  const kd = sub(kb, sp(6755399441055744.0));
  const rh = sub(y, mul(kd, sp(EXP_LN2HI_N)));
  const rl = mul(kd, sp(EXP_LN2LO_N));
  const r = sub(rh, rl);
  const off = expRow(kb);
  const lo = rowLo(off), hi = rowHi(off);
  const scale = i64x2.add(i64x2.shuffle(lo, hi, 1, 3), i64x2.shl(kb, 52 - EXP_BITS));
  const r2 = mul(r, r);
  const p = add(mad(r, sp(EXPM1_C3), sp(EXPM1_C2)), mul(r2, mad(r, sp(EXPM1_C5), sp(EXPM1_C4))));
  const sm1 = sub(scale, sp(1.0));
  const h = add(sm1, rh);
  const tail = i64x2.shuffle(lo, hi, 0, 2);
  const l = add(sub(add(sub(sm1, h), rh), rl), add(mul(sm1, r), mul(scale, mad(r2, p, mad(tail, r, tail)))));
  const dh = add(add(h, sp(2.0)), l);
  const dh1 = hi32(dh);
  const dl1 = add(add(sub(f64x2.pmax(h, sp(2.0)), dh1), f64x2.pmin(h, sp(2.0))), l);
  const inv = div(sp(1.0), dh);
  const q1 = hi32(mul(add(h, l), inv));
  const rem = sub(add(sub(h, mul(q1, dh1)), l), mul(q1, dl1));
  return v128.or(mad(rem, inv, q1), signOf(x));
}

/**
 * 1/(1 + E), E = e^-x, for |x| <= 670 (E and 1/E normal), rounded once:
 * within 0.5 + 2^-6 ulp.
 * - E = eh + el, exactly scale + fl(scale*tmp) (Fast2Sum, scale >= |scale*tmp|):
 *   relative error ~2^-59 (exp's, before its last rounding). The reduction
 *   runs on x itself with r' = -r (x + kd*ln2/N), so the odd terms change sign.
 * - 1 + E = dh1 + dl1, dh1 = fl(1 + eh) cut to 21 bits (hi32). With
 *   b = max(1, eh), s = min(1, eh): b - dh1 is exact (Sterbenz, or dh1 - 1 is
 *   eh cut to a multiple of 2^-20, or 0), and so is adding s (the sum is
 *   1 + eh - dh1: below 2^-19 (1 + eh) and a multiple of ulp(s), when
 *   eh < 2^53; beyond, it rounds at 2^-73 of 1 + E). Adding el rounds at 2^-72.
 * - q1 = 1/dh cut to 21 bits: q1*dh1 is exact (42 bits), and 1 - q1*dh1 is
 *   exact by Sterbenz (q1*dh1 = 1 +- 2^-19). The residual rem = 1 - q1*(dh1 +
 *   dl1) is right to ~2^-72, and q1 + rem/dh rounds once; rem/dh is ~2^-19 of
 *   the result, so 1/dh's own rounding costs ~2^-72 of it.
 */
@inline function sigmoidCore(x: v128): v128 {
  const kb = add(mul(x, sp(-EXP_INV_LN2N)), sp(6755399441055744.0));
  const kd = sub(kb, sp(6755399441055744.0));
  const rn = add(add(x, mul(kd, sp(EXP_LN2HI_N))), mul(kd, sp(EXP_LN2LO_N))); // -r
  const off = expRow(kb);
  const lo = rowLo(off), hi = rowHi(off);
  const r2 = mul(rn, rn);
  const tmp = add(sub(i64x2.shuffle(lo, hi, 0, 2), rn), mul(r2, add(mad(rn, sp(-EXP_C3), sp(EXP_C2)), mul(r2, sp(EXP_C4)))));
  const scale = i64x2.add(i64x2.shuffle(lo, hi, 1, 3), i64x2.shl(kb, 52 - EXP_BITS));
  const st = mul(scale, tmp);
  const dh = add(add(sp(1.0), scale), st);
  const dh1 = hi32(dh);
  const dl1 = add(add(sub(f64x2.pmax(scale, sp(1.0)), dh1), f64x2.pmin(scale, sp(1.0))), st);
  const inv = div(sp(1.0), dh);
  const q1 = hi32(inv);
  const rem = sub(sub(sp(1.0), mul(q1, dh1)), mul(q1, dl1));
  return mad(rem, inv, q1);
}
/**
 * Below x = -670, e^x < 2^-966: sigmoid(x) = e^x (1 - e^x + ...) rounds as
 * e^x does: exp_v's result (gradual underflow included). Above 670 it rounds
 * to 1, as the core's value at 670 does. The clamp keeps the core normal.
 */
@inline export function sigmoid_v(x: v128): v128 {
  const core = sigmoidCore(f64x2.pmin(f64x2.pmax(x, sp(-670.0)), sp(670.0))); // a NaN stays first: NaN
  return sel(exp_v(x), core, f64x2.lt(x, sp(-670.0)));
}
/** Lanes where sigmoid_fast gives sigmoid_v's result: |x| <= 670 (NaN fails). */
@inline export function sigmoidFastOk(x: v128): v128 { return f64x2.le(f64x2.abs(x), sp(670.0)); }
@inline export function sigmoid_fast(x: v128): v128 { return sigmoidCore(x); }

// ---- log (fdlibm's e_log.c, branch-free) ----------------------------------

/** log x; `fast` (a compile-time flag) where logFastOk holds: the same bits, without the subnormal and special-value handling. */
@inline function logCore(x: v128, fast: bool): v128 {
  let xs = x;
  let subn = i64x2.splat(0);
  if (!fast) {
    subn = f64x2.lt(x, sp(2.2250738585072014e-308));
    xs = sel(mul(x, sp(18014398509481984.0)), x, subn); // 2^54
  }
  // Shift the exponent boundary to sqrt(2)/2 so m lands in [sqrt(2)/2, sqrt(2)).
  const u = i64x2.add(xs, i64x2.splat(<i64>0x00095f6200000000));
  const kb = v128.or(i64x2.shr_u(u, 52), i64x2.splat(<i64>0x4330000000000000));
  let k = sub(kb, sp(4503599627371519.0));
  if (!fast) k = sub(k, sel(sp(54.0), sp(0.0), subn));
  const m = i64x2.add(v128.and(u, i64x2.splat(<i64>0x000fffffffffffff)), i64x2.splat(<i64>0x3fe6a09e00000000));
  const f = sub(m, sp(1.0));
  const hfsq = mul(mul(sp(0.5), f), f);
  const s = div(f, add(sp(2.0), f));
  const z = mul(s, s);
  const w = mul(z, z);
  const t1 = mul(w, mad(w, mad(w, sp(1.531383769920937332e-01), sp(2.222219843214978396e-01)), sp(3.999999999940941908e-01)));
  const t2 = mul(z, mad(w, mad(w, mad(w, sp(1.479819860511658591e-01), sp(1.818357216161805012e-01)),
    sp(2.857142874366239149e-01)), sp(6.666666666666735130e-01)));
  const R = add(t2, t1);
  const r = add(sub(mad(s, add(hfsq, R), mul(k, ln2lo())), hfsq), f);
  const res = add(r, mul(k, ln2hi()));
  if (fast) return res;
  // x == 0 -> -Inf, x < 0 -> NaN, +Inf and NaN -> x.
  const special = sel(sp(-Infinity), sel(sp(NaN), x, f64x2.lt(x, sp(0.0))), f64x2.eq(x, sp(0.0)));
  return sel(res, special, v128.and(f64x2.gt(x, sp(0.0)), f64x2.lt(x, sp(Infinity))));
}

@inline export function log_v(x: v128): v128 { return logCore(x, false); }
/** Lanes where log_fast gives log_v's result: x normal, positive and finite (NaN fails). */
@inline export function logFastOk(x: v128): v128 {
  return v128.and(f64x2.ge(x, sp(2.2250738585072014e-308)), f64x2.lt(x, sp(Infinity)));
}
@inline export function log_fast(x: v128): v128 { return logCore(x, true); }

// ---- f32x4: widen, evaluate in f64, round once -----------------------------
// (the f32 functions themselves: vmath-f32.ts, and sin/cos in vmath-trig.ts.)

@inline export function hiHalf(a: v128): v128 { return f64x2.promote_low_f32x4(i64x2.shuffle(a, a, 1, 1)); }
@inline export function join(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}
