// f64 pow for the pow kernels (pow.ts): glibc's algorithm on the math tables
// the engine writes into the shared memory (math-tables.ts); pow_fast skips
// the special cases, subnormal bases and results near the exponent range's
// ends for vectors where powFastOk holds (the kernels branch on it).
import { add, expR, expRow, expShifted, expTmp, hi32, mad, mul, rowHi, rowLo, scale2, sel, signOf, sp, sub } from './vmath';
import { EXP_BITS, EXP_N, POW_A1, POW_A2, POW_A3, POW_A4, POW_A5, POW_A6, POW_LN2HI, POW_LN2LO, POW_LOG_TABLE, POW_LOG_Z0 } from './math-tables';

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
 * |x|^y, glibc's pow (ARM's optimized-routines) on two lanes, without FMA:
 * log|x| = k·ln2 + log(c) + log1p(r) as a double-double hi + lo, with c and
 * log(c) from a 128-entry table (math-tables.ts POW_LOG_TABLE; r = x/2^k/c - 1
 * is exact) and a degree-8 polynomial; y·log|x| = ehi + elo from products of
 * 27-bit halves (exact); e^(ehi + elo) = 2^(j/N)·e^r' with 2^(j/N) from
 * the exp table (EXP_TABLE) and vmath.ts's polynomial. About 0.52 ulp.
 *
 * `slow` (a compile-time flag) takes any x and y: |x|, subnormal x rescaled
 * by 2^52, ehi clamped to [-760, 720] (past which the result is 0 or
 * Infinity) and the scaling by 2^(j/N) done in two steps (scale2), so
 * overflow, underflow and subnormal results come out right; powSpecials then
 * fixes the special cases. Without it (pow_fast: x positive, normal and
 * finite, y finite), the scaling is one integer add into the exponent, valid
 * while |ehi| <= 707: lanes past that come back as NaN and the kernel redoes
 * their vector with pow_v. Where both are valid they give the same bits.
 */
@inline function powCore(x: v128, y: v128, slow: bool): v128 {
  let ix = x;
  if (slow) {
    ix = f64x2.abs(x);
    const subn = f64x2.lt(ix, sp(2.2250738585072014e-308));
    ix = sel(i64x2.sub(mul(ix, sp(4503599627370496.0)), i64x2.splat(<i64>52 << 52)), ix, subn);
  }
  // x = 2^k·z, z in [z0, 2·z0); tmp carries k + 2048 in its top 12 bits (the
  // 2^63 in the offset makes k's shift a logical one) and the subinterval
  // index in the next 7.
  const z0 = reinterpret<i64>(POW_LOG_Z0);
  const tmp = i64x2.sub(ix, i64x2.splat(z0 ^ <i64>0x8000000000000000));
  const z = i64x2.add(v128.and(tmp, i64x2.splat(0x000fffffffffffff)), i64x2.splat(z0));
  const kx = sub(v128.or(i64x2.shr_u(tmp, 52), i64x2.splat(0x4330000000000000)), sp(4503599627372544.0)); // 2^52 + 2048
  const io = v128.and(i64x2.shr_u(tmp, 52 - 7 - 5), i64x2.splat(127 << 5)); // 32 bytes per entry
  const a0 = POW_LOG_TABLE + <usize>i32x4.extract_lane(io, 0), a1 = POW_LOG_TABLE + <usize>i32x4.extract_lane(io, 2);
  const e0 = v128.load(a0), e1 = v128.load(a1);
  const invc = i64x2.shuffle(e0, e1, 0, 2), logc = i64x2.shuffle(e0, e1, 1, 3);
  const logctail = i64x2.shuffle(v128.load(a0, 16), v128.load(a1, 16), 0, 2);
  // r = z/c - 1 = rhi + rlo, exact: zhi has 21 bits and 1/c 9.
  const zhi = hi32(i64x2.add(z, i64x2.splat(0x80000000)));
  const rhi = sub(mul(zhi, invc), sp(1.0));
  const rlo = mul(sub(z, zhi), invc);
  const r = add(rhi, rlo);
  // k·ln2 + log(c) + r - r²/2 + r³·P(r) as hi + lo (k·ln2hi + logc is exact).
  const t1 = mad(kx, sp(POW_LN2HI), logc);
  const t2 = add(t1, r);
  const lo1 = mad(kx, sp(POW_LN2LO), logctail);
  const lo2 = add(sub(t1, t2), r);
  const ar = mul(sp(-0.5), r);
  const ar2 = mul(r, ar);
  const ar3 = mul(r, ar2);
  const arhi = mul(sp(-0.5), rhi);
  const arhi2 = mul(rhi, arhi);
  const hi = add(t2, arhi2);
  const lo3 = mul(rlo, add(ar, arhi));
  const lo4 = add(sub(t2, hi), arhi2);
  const p = mul(ar3, add(mad(r, sp(POW_A2), sp(POW_A1)), mul(ar2, add(mad(r, sp(POW_A4), sp(POW_A3)), mul(ar2, mad(r, sp(POW_A6), sp(POW_A5)))))));
  const lo = add(add(add(add(lo1, lo2), lo3), lo4), p);
  const lg = add(hi, lo);
  const lgt = add(sub(hi, lg), lo);
  // y·log|x| = ehi + elo: 27-bit halves make yhi·lhi exact.
  const m27 = i64x2.splat(<i64>-1 << 27);
  const yhi = v128.and(y, m27), lhi = v128.and(lg, m27);
  let ehi = mul(yhi, lhi);
  let elo = add(mul(sub(y, yhi), lhi), mul(y, add(sub(lg, lhi), lgt)));
  if (slow) {
    const inRange = v128.and(f64x2.ge(ehi, sp(-760.0)), f64x2.le(ehi, sp(720.0)));
    ehi = f64x2.pmax(f64x2.pmin(ehi, sp(720.0)), sp(-760.0));
    elo = v128.and(elo, inRange);
  }
  // e^(ehi + elo) with vmath.ts's exp steps (the 2^(i/N) table), elo added to r.
  const kb = expShifted(ehi);
  const kd = sub(kb, sp(6755399441055744.0));
  const off = expRow(kb);
  const rlo0 = rowLo(off), rhi0 = rowHi(off);
  const tmp2 = expTmp(add(expR(ehi, kd), elo), i64x2.shuffle(rlo0, rhi0, 0, 2));
  const bitsI = i64x2.shuffle(rlo0, rhi0, 1, 3);
  if (slow) {
    // As vmath.ts's exp_v: 2^(i/N), then 2^floor(kd/N) in two exact steps.
    const t = i64x2.add(bitsI, i64x2.shl(v128.and(kb, i64x2.splat(<i64>(EXP_N - 1))), 52 - EXP_BITS));
    return scale2(mad(t, tmp2, t), f64x2.floor(mul(kd, sp(1.0 / <f64>EXP_N))));
  }
  const scale = i64x2.add(bitsI, i64x2.shl(kb, 52 - EXP_BITS));
  const res = mad(scale, tmp2, scale);
  // Past |ehi| = 707 the one-step scaling may leave the exponent range: NaN asks for pow_v.
  return v128.or(res, v128.and(f64x2.gt(mul(ehi, ehi), sp(707.0 * 707.0)), sp(NaN)));
}

@inline export function pow_v(x: v128, y: v128): v128 {
  return powSpecials(x, y, powCore(x, y, true));
}

/**
 * Lanes pow_fast may take: x normal, positive and finite. Any y: an infinite
 * or NaN y makes ehi infinite or NaN, so pow_fast's result is NaN there too.
 */
@inline export function powFastOk(x: v128): v128 {
  // bits(x) - bits(2^-1022) + 2^63 is below 2^63 + (bits(Infinity) - bits(2^-1022)), as signed, exactly there.
  return i64x2.lt_s(i64x2.sub(x, i64x2.splat(<i64>0x0010000000000000 ^ <i64>0x8000000000000000)), i64x2.splat(<i64>0xffe0000000000000));
}

/** pow_v where powFastOk holds, or NaN in a lane whose result may not be normal or whose y is not finite (then only pow_v's is right). */
@inline export function pow_fast(x: v128, y: v128): v128 {
  return powCore(x, y, false);
}
