// f64 pow for the pow kernels (pow.ts): fdlibm's e_pow.c, branch-free, its
// two-entry tables as selects; pow_fast skips the special cases and subnormal
// bases for vectors where powFastOk holds (the kernels branch on it).
import { add, div, hi32, mad, mul, scale2, sel, signOf, sp, sub } from './vmath';

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

/**
 * x^y for x > 0; `subnormal` (a compile-time flag) handles subnormal x by
 * rescaling. For normal x the flag changes nothing: pow_fast's results are
 * pow_v's, bit for bit.
 */
@inline function powPos(x: v128, y: v128, subnormal: bool): v128 {
  let ax = x;
  let subn = i64x2.splat(0);
  if (subnormal) {
    subn = f64x2.lt(ax, sp(2.2250738585072014e-308));
    ax = sel(mul(ax, sp(9007199254740992.0)), ax, subn);
  }
  const bits = ax;
  const ix0 = i64x2.shr_u(bits, 32);
  const j = v128.and(ix0, i64x2.splat(0x000fffff));
  const kOne = v128.and(i64x2.gt_s(j, i64x2.splat(0x3988E)), i64x2.lt_s(j, i64x2.splat(0xBB67A)));
  const kHalf = i64x2.ge_s(j, i64x2.splat(0xBB67A));
  // n = exponent (+1 when x is folded into [sqrt(3)/2, 1)), as f64 via the 2^52 shifter.
  const eb = v128.or(i64x2.shr_u(ix0, 20), i64x2.splat(<i64>0x4330000000000000));
  let n = add(sub(eb, sp(4503599627371519.0)), sel(sp(1.0), sp(0.0), kHalf));
  if (subnormal) n = sub(n, sel(sp(53.0), sp(0.0), subn));
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
  p_h = f64x2.pmax(f64x2.pmin(p_h, sp(1100.0)), sp(-1100.0));
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
  return scale2(zz, nn);
}

@inline export function pow_v(x: v128, y: v128): v128 {
  return powSpecials(x, y, powPos(f64x2.abs(x), y, true));
}

/** Lanes pow_fast may take (pow_v's result is |x|^y there): x normal, positive and finite, y finite. */
@inline export function powFastOk(x: v128, y: v128): v128 {
  return v128.and(v128.and(f64x2.ge(x, sp(2.2250738585072014e-308)), f64x2.lt(x, sp(Infinity))), f64x2.lt(f64x2.abs(y), sp(Infinity)));
}

/** pow_v where powFastOk holds: no special cases, no subnormal rescaling. */
@inline export function pow_fast(x: v128, y: v128): v128 {
  return powPos(x, y, false);
}

