// Table-free vector math for the map kernels (issue 2).
//
// Every constant is an inline literal and every helper is @inline, so the
// module keeps zero data segments (Math.sin & co. would pull in tables).
// The vector functions are the only versions: map.ts runs a tail through the
// same code on a splatted lane, so an element's result never depends on
// whether it fell in a vector body or a tail (chunk boundaries and subarray
// offsets cannot change results). The f32x4 versions widen to f64, evaluate
// series cut to what an f32 result needs and round once to f32 (vmath-f32.ts;
// sin/cos, in vmath-trig.ts, run in f32 lanes).
//
// Accuracy (max ulp vs V8's Math.*, measured by test/assembly-vmath.test.ts):
//   exp, log, pow: <= 1 ulp over the whole f64 range (incl. subnormals,
//   overflow to Infinity, gradual underflow); tanh, sigmoid: <= 2 ulp
//   (sigmoid against an exact-division reference; 1/(1+Math.exp(-x)) itself
//   rounds 1+e and is up to ~2 ulp off near 1). f32: <= 1 ulp of fround(Math).
//   sin, cos: <= 1 ulp over the whole f64 range (vmath-trig.ts: a short
//   Cody-Waite reduction, a 6-part one for rare lanes up to ~2.1e8, Payne-Hanek
//   beyond in trig-reduce.ts; 2/pi's bits come from a switch, not a table).

// ---- helpers -------------------------------------------------------------

@inline export function sp(x: f64): v128 { return f64x2.splat(x); }
@inline export function add(a: v128, b: v128): v128 { return f64x2.add(a, b); }
@inline export function sub(a: v128, b: v128): v128 { return f64x2.sub(a, b); }
@inline export function mul(a: v128, b: v128): v128 { return f64x2.mul(a, b); }
@inline export function div(a: v128, b: v128): v128 { return f64x2.div(a, b); }
@inline export function mad(a: v128, b: v128, c: v128): v128 { return f64x2.add(f64x2.mul(a, b), c); }
@inline export function sel(ifTrue: v128, ifFalse: v128, mask: v128): v128 { return v128.bitselect(ifTrue, ifFalse, mask); }
/** Clears the low 32 bits (fdlibm's SET_LOW_WORD(x, 0)): exact products of split halves. */
@inline function hi32(a: v128): v128 { return v128.and(a, i64x2.splat(<i64>0xffffffff00000000)); }
@inline export function signOf(a: v128): v128 { return v128.and(a, i64x2.splat(<i64>0x8000000000000000)); }

/** 2^k for integral f64 lanes k in [-1022, 1023]: the 2^52 shifter puts k+1023 in the low bits. */
@inline export function pow2i(k: v128): v128 {
  return i64x2.shl(f64x2.add(k, sp(4503599627371519.0)), 52);
}

/** y * 2^k for k in [-1100, 1100], rounding once (two factors keep each power normal). */
@inline function scale2(y: v128, k: v128): v128 {
  const k1 = f64x2.floor(mul(k, sp(0.5)));
  return mul(mul(y, pow2i(k1)), pow2i(sub(k, k1)));
}

/** Q with expm1(r + c) = r + Q, for |r| <= ~0.35, c a tiny tail; Taylor to degree 13. */
@inline function em1tail(r: v128, c: v128): v128 {
  let p = mad(r, sp(1.0 / 6227020800.0), sp(1.0 / 479001600.0));
  p = mad(r, p, sp(1.0 / 39916800.0));
  p = mad(r, p, sp(1.0 / 3628800.0));
  p = mad(r, p, sp(1.0 / 362880.0));
  p = mad(r, p, sp(1.0 / 40320.0));
  p = mad(r, p, sp(1.0 / 5040.0));
  p = mad(r, p, sp(1.0 / 720.0));
  p = mad(r, p, sp(1.0 / 120.0));
  p = mad(r, p, sp(1.0 / 24.0));
  p = mad(r, p, sp(1.0 / 6.0));
  p = mad(r, p, sp(0.5));
  return add(mul(mul(r, r), p), mad(c, r, c));
}

/** expm1(r + c) for |r| <= ~0.35, c a tiny tail. */
@inline function em1poly(r: v128, c: v128): v128 {
  return add(r, em1tail(r, c));
}

// Cody-Waite ln2 split: ln2hi has 32 significant bits, so k*ln2hi is exact for |k| < 2^21.
@inline function ln2hi(): v128 { return sp(6.93147180369123816490e-01); }
@inline function ln2lo(): v128 { return sp(1.90821492927058770002e-10); }

// ---- exp -----------------------------------------------------------------

export function exp_v(x: v128): v128 {
  // Clamping keeps k in scale2's range; min/max propagate NaN.
  const xc = f64x2.max(f64x2.min(x, sp(710.0)), sp(-746.0));
  const k = f64x2.nearest(mul(xc, sp(1.44269504088896338700e+00)));
  const hi = sub(xc, mul(k, ln2hi()));
  const lo = mul(k, ln2lo());
  const r = sub(hi, lo);
  const c = sub(sub(hi, r), lo);
  return scale2(add(sp(1.0), em1poly(r, c)), k);
}

/** Low part of a + b (Knuth's TwoSum: exact, any order of magnitude). */
@inline export function twoSumLo(a: v128, b: v128, s: v128): v128 {
  const bb = sub(s, a);
  return add(sub(a, sub(s, bb)), sub(b, bb));
}
/** High half of a Veltkamp split (26 bits), so products of halves are exact without FMA. */
@inline function split(a: v128): v128 {
  const c = mul(a, sp(134217729.0));
  return sub(c, sub(c, a));
}
/** Low part of a * b (Dekker): a*b = fl(a*b) + result, exactly, for |a|, |b| < 2^995. */
@inline function twoProdLo(a: v128, b: v128, p: v128): v128 {
  const ah = split(a), bh = split(b);
  const al = sub(a, ah), bl = sub(b, bh);
  return add(add(add(sub(mul(ah, bh), p), mul(ah, bl)), mul(al, bh)), mul(al, bl));
}
/** (n / (dh + dl)) rounded once: the quotient's remainder is computed exactly and folded back. */
@inline function divDD(n: v128, nl: v128, dh: v128, dl: v128): v128 {
  const q = div(n, dh);
  const p = mul(q, dh);
  const rem = sub(add(sub(sub(n, p), twoProdLo(q, dh, p)), nl), mul(q, dl));
  return add(q, div(rem, dh));
}

export function tanh_v(x: v128): v128 {
  // tanh(a) = t/(t+2), t = expm1(2a): no cancellation near 0; a >= 22 rounds to 1.
  // t and t+2 are carried as double-doubles so only the last rounding counts.
  const a = f64x2.min(f64x2.abs(x), sp(22.0));
  const a2 = add(a, a);
  const k = f64x2.nearest(mul(a2, sp(1.44269504088896338700e+00)));
  const hi = sub(a2, mul(k, ln2hi()));
  const lo = mul(k, ln2lo());
  const r = sub(hi, lo);
  const c = sub(sub(hi, r), lo);
  // expm1(r + c) = r + Q
  const Q = em1tail(r, c);
  // t = (2^k - 1) + 2^k*r + 2^k*Q; 2^k - 1 and 2^k*r are exact for k <= 53.
  const pk = pow2i(k);
  const e0 = sub(pk, sp(1.0));
  const e1 = mul(pk, r);
  const h1 = add(e0, e1);
  const l1 = add(twoSumLo(e0, e1, h1), mul(pk, Q));
  const th = add(h1, l1);
  const tl = add(sub(h1, th), l1);
  const dh = add(th, sp(2.0));
  const dl = add(twoSumLo(th, sp(2.0), dh), tl);
  return v128.or(divDD(th, tl, dh, dl), signOf(x));
}

export function sigmoid_v(x: v128): v128 {
  // exp(-|x|) never overflows; x < 0 uses e/(1+e) so tiny results keep full precision.
  // 1 + e is kept as a double-double: rounding it would cost up to 2 ulp near 1.
  const e = exp_v(f64x2.neg(f64x2.abs(x)));
  const dh = add(sp(1.0), e);
  const dl = add(sub(sp(1.0), dh), e);
  const n = sel(e, sp(1.0), f64x2.lt(x, sp(0.0)));
  return divDD(n, sp(0.0), dh, dl);
}

// ---- log (fdlibm's e_log.c, branch-free) ----------------------------------

export function log_v(x: v128): v128 {
  const subn = f64x2.lt(x, sp(2.2250738585072014e-308));
  const xs = sel(mul(x, sp(18014398509481984.0)), x, subn); // 2^54
  // Shift the exponent boundary to sqrt(2)/2 so m lands in [sqrt(2)/2, sqrt(2)).
  const u = i64x2.add(xs, i64x2.splat(<i64>0x00095f6200000000));
  const kb = v128.or(i64x2.shr_u(u, 52), i64x2.splat(<i64>0x4330000000000000));
  const k = sub(sub(kb, sp(4503599627371519.0)), sel(sp(54.0), sp(0.0), subn));
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
  // x == 0 -> -Inf, x < 0 -> NaN, +Inf and NaN -> x.
  const special = sel(sp(-Infinity), sel(sp(NaN), x, f64x2.lt(x, sp(0.0))), f64x2.eq(x, sp(0.0)));
  return sel(res, special, v128.and(f64x2.gt(x, sp(0.0)), f64x2.lt(x, sp(Infinity))));
}

// ---- pow (fdlibm's e_pow.c, branch-free, its two-entry tables as selects) --

/**
 * pow's special cases (C99 Annex F, as numpy's npy_pow) over res, the general
 * path's |x|^y. They differ from ECMAScript's Math.pow in two places: pow(+1, y)
 * is 1 for every y, NaN included, and pow(-1, ±Infinity) is 1.
 */
@inline export function powSpecials(x: v128, y: v128, res: v128): v128 {
  const ay = f64x2.abs(y);
  const yInf = f64x2.eq(ay, sp(Infinity));
  const xa = f64x2.abs(x);
  const ax1 = f64x2.eq(xa, sp(1.0));
  const edge = v128.or(v128.or(f64x2.eq(xa, sp(0.0)), f64x2.eq(xa, sp(Infinity))), yInf);
  const grow = v128.xor(f64x2.gt(y, sp(0.0)), f64x2.lt(xa, sp(1.0)));
  res = sel(sel(sp(1.0), sel(sp(Infinity), sp(0.0), grow), v128.and(ax1, yInf)), res, edge);
  const ty = f64x2.trunc(y);
  const yInt = f64x2.eq(ty, y);
  const hy = mul(y, sp(0.5));
  const yOdd = v128.and(v128.and(yInt, f64x2.lt(ay, sp(9007199254740992.0))), f64x2.ne(f64x2.trunc(hy), hy));
  res = v128.or(res, v128.and(yOdd, signOf(x)));
  const negFinite = v128.and(f64x2.lt(x, sp(0.0)), f64x2.gt(x, sp(-Infinity)));
  const nan = v128.or(v128.or(v128.and(negFinite, v128.not(yInt)), f64x2.ne(x, x)), f64x2.ne(y, y));
  res = sel(sp(NaN), res, nan);
  return sel(sp(1.0), res, v128.or(f64x2.eq(y, sp(0.0)), f64x2.eq(x, sp(1.0))));
}

export function pow_v(x: v128, y: v128): v128 {
  let ax = f64x2.abs(x);
  const subn = f64x2.lt(ax, sp(2.2250738585072014e-308));
  ax = sel(mul(ax, sp(9007199254740992.0)), ax, subn);
  const bits = ax;
  const ix0 = i64x2.shr_u(bits, 32);
  const j = v128.and(ix0, i64x2.splat(0x000fffff));
  const kOne = v128.and(i64x2.gt_s(j, i64x2.splat(0x3988E)), i64x2.lt_s(j, i64x2.splat(0xBB67A)));
  const kHalf = i64x2.ge_s(j, i64x2.splat(0xBB67A));
  // n = exponent (+1 when x is folded into [sqrt(3)/2, 1)), as f64 via the 2^52 shifter.
  const eb = v128.or(i64x2.shr_u(ix0, 20), i64x2.splat(<i64>0x4330000000000000));
  const n = sub(add(sub(eb, sp(4503599627371519.0)), sel(sp(1.0), sp(0.0), kHalf)), sel(sp(53.0), sp(0.0), subn));
  const ixn = i64x2.sub(v128.or(j, i64x2.splat(0x3ff00000)), v128.and(kHalf, i64x2.splat(0x00100000)));
  ax = v128.or(i64x2.shl(ixn, 32), v128.and(bits, i64x2.splat(0xffffffff)));
  const bp = sel(sp(1.5), sp(1.0), kOne);
  const dp_h = sel(sp(5.84962487220764160156e-01), sp(0.0), kOne);
  const dp_l = sel(sp(1.35003920212974897128e-08), sp(0.0), kOne);

  // ss = s_h + s_l = (ax - bp)/(ax + bp)
  let u = sub(ax, bp);
  let v = div(sp(1.0), add(ax, bp));
  const ss = mul(u, v);
  const s_h = hi32(ss);
  let t_h = i64x2.shl(i64x2.add(i64x2.add(v128.or(i64x2.shr_u(ixn, 1), i64x2.splat(0x20000000)), i64x2.splat(0x00080000)),
    v128.and(kOne, i64x2.splat(0x00040000))), 32);
  let t_l = sub(ax, sub(t_h, bp));
  const s_l = mul(v, sub(sub(u, mul(s_h, t_h)), mul(s_h, t_l)));
  // log(ax)
  let s2 = mul(ss, ss);
  let r = mul(mul(s2, s2), mad(s2, mad(s2, mad(s2, mad(s2, mad(s2, sp(2.06975017800338417784e-01),
    sp(2.30660745775561754067e-01)), sp(2.72728123808534006489e-01)), sp(3.33333329818377432918e-01)),
    sp(4.28571428578550184252e-01)), sp(5.99999999999994648725e-01)));
  r = add(r, mul(s_l, add(s_h, ss)));
  s2 = mul(s_h, s_h);
  t_h = hi32(add(add(sp(3.0), s2), r));
  t_l = sub(r, sub(sub(t_h, sp(3.0)), s2));
  u = mul(s_h, t_h);
  v = add(mul(s_l, t_h), mul(t_l, ss));
  let p_h = hi32(add(u, v));
  let p_l = sub(v, sub(p_h, u));
  const z_h = mul(sp(9.61796700954437255859e-01), p_h);
  const z_l = add(add(mul(sp(-7.02846165095275826516e-09), p_h), mul(p_l, sp(9.61796693925975554329e-01))), dp_l);
  // log2(ax) = t1 + t2 = n + dp_h + z_h + z_l
  const t1 = hi32(add(add(add(z_h, z_l), dp_h), n));
  const t2 = sub(z_l, sub(sub(sub(t1, n), dp_h), z_h));

  // y * log2(ax) = p_h + p_l, p_h exact (21-bit halves)
  const y1 = hi32(y);
  p_l = add(mul(sub(y, y1), t1), mul(y, t2));
  p_h = mul(y1, t1);
  // Past +-1100 the result over/underflows anyway: clamp so the tail arithmetic stays finite.
  const big = v128.not(f64x2.le(f64x2.abs(p_h), sp(1100.0)));
  p_h = f64x2.max(f64x2.min(p_h, sp(1100.0)), sp(-1100.0));
  p_l = sel(sp(0.0), p_l, big);
  const nn = f64x2.nearest(add(p_h, p_l));
  p_h = sub(p_h, nn);
  // 2^(p_h + p_l) with |p_h + p_l| <= 0.5 via fdlibm's exp kernel
  const t = hi32(add(p_l, p_h));
  u = mul(t, sp(6.93147182464599609375e-01));
  v = add(mul(sub(p_l, sub(t, p_h)), sp(6.93147180559945286227e-01)), mul(t, sp(-1.90465429995776804525e-09)));
  let zz = add(u, v);
  const ww = sub(v, sub(zz, u));
  const tt = mul(zz, zz);
  const tp1 = sub(zz, mul(tt, mad(tt, mad(tt, mad(tt, mad(tt, sp(4.13813679705723846039e-08), sp(-1.65339022054652515390e-06)),
    sp(6.61375632143793436117e-05)), sp(-2.77777777770155933842e-03)), sp(1.66666666666666019037e-01))));
  const rr = sub(div(mul(zz, tp1), sub(tp1, sp(2.0))), add(ww, mul(zz, ww)));
  zz = sub(sp(1.0), sub(rr, zz));
  let res = scale2(zz, nn);

  return powSpecials(x, y, res);
}

// ---- f32x4: widen, evaluate in f64, round once -----------------------------
// (the f32 functions themselves: vmath-f32.ts, and sin/cos in vmath-trig.ts.)

@inline export function hiHalf(a: v128): v128 { return f64x2.promote_low_f32x4(i64x2.shuffle(a, a, 1, 1)); }
@inline export function join(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}
