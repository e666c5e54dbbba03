// Reduction kernels: one f64 partial per chunk [start, end).
// Float sums (sum, sumsq, sumsqdev, dot) are pairwise like numpy: blocks of
// <= 256 elements summed in 16 independent lanes (8 f64x2), halves combined
// recursively above that, so rounding error grows like log n. f32 is widened
// to f64 before any arithmetic. Integer sum/sumsq/dot accumulate exactly in
// 64-bit lanes. min/max/argmin/argmax: reduce-extremes.ts.
import { shiftOf } from './elementwise';

// @ts-ignore: decorator
@inline const SUM = 0;
// @ts-ignore: decorator
@inline const SQ = 1;
// @ts-ignore: decorator
@inline const DEV = 2;
// @ts-ignore: decorator
@inline const DOT = 3;
// @ts-ignore: decorator
@inline const BLOCK = 256;

// Two consecutive elements at p, widened to an f64x2.
// @ts-ignore: decorator
@inline function ld2<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  if (isFloat<T>()) return f64x2.promote_low_f32x4(v128.load64_zero(p));
  if (sizeof<T>() == 4) return v128.convert_low<T>(v128.load64_zero(p));
  const b = i16x8.extend_low_i8x16_u(v128.load16_splat(p));
  return f64x2.convert_low_i32x4_u(i32x4.extend_low_i16x8_u(b));
}

// @ts-ignore: decorator
@inline function term2<T>(kind: i32, x: usize, y: usize, m: v128): v128 {
  const v = ld2<T>(x);
  if (kind == SUM) return v;
  if (kind == SQ) return f64x2.mul(v, v);
  if (kind == DEV) { const d = f64x2.sub(v, m); return f64x2.mul(d, d); }
  return f64x2.mul(v, ld2<T>(y));
}

// @ts-ignore: decorator
@inline function term1<T>(kind: i32, x: usize, y: usize, m: f64): f64 {
  const v = <f64>load<T>(x);
  if (kind == SUM) return v;
  if (kind == SQ) return v * v;
  if (kind == DEV) { const d = v - m; return d * d; }
  return v * <f64>load<T>(y);
}

// 16 independent lanes (8 f64x2 chains): enough adds in flight to hide the add
// latency, so a thread streams at memory speed even when two threads share the bus.
// @ts-ignore: decorator
@inline function blockK<T>(kind: i32, x: usize, y: usize, n: i32, mean: f64): f64 {
  const SH = shiftOf<T>();
  const S2: usize = 2 << SH;
  const m = f64x2.splat(mean);
  let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << SH;
    const px = x + o, py = y + o;
    a0 = f64x2.add(a0, term2<T>(kind, px, py, m));
    a1 = f64x2.add(a1, term2<T>(kind, px + S2, py + S2, m));
    a2 = f64x2.add(a2, term2<T>(kind, px + 2 * S2, py + 2 * S2, m));
    a3 = f64x2.add(a3, term2<T>(kind, px + 3 * S2, py + 3 * S2, m));
    a4 = f64x2.add(a4, term2<T>(kind, px + 4 * S2, py + 4 * S2, m));
    a5 = f64x2.add(a5, term2<T>(kind, px + 5 * S2, py + 5 * S2, m));
    a6 = f64x2.add(a6, term2<T>(kind, px + 6 * S2, py + 6 * S2, m));
    a7 = f64x2.add(a7, term2<T>(kind, px + 7 * S2, py + 7 * S2, m));
  }
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << SH;
    a0 = f64x2.add(a0, term2<T>(kind, x + o, y + o, m));
  }
  const v = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7)));
  let r = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
  for (; i < n; i++) {
    const o = <usize>i << SH;
    r += term1<T>(kind, x + o, y + o, mean);
  }
  return r;
}

// The kind test sits outside the loops, once per block of 128.
function block<T>(kind: i32, x: usize, y: usize, n: i32, mean: f64): f64 {
  if (kind == SUM) return blockK<T>(SUM, x, y, n, mean);
  if (kind == SQ) return blockK<T>(SQ, x, y, n, mean);
  if (kind == DEV) return blockK<T>(DEV, x, y, n, mean);
  return blockK<T>(DOT, x, y, n, mean);
}

function pairwise<T>(kind: i32, x: usize, y: usize, n: i32, mean: f64): f64 {
  if (n <= BLOCK) return block<T>(kind, x, y, n, mean);
  const h = (n >> 1) & ~15;
  const o = <usize>h << shiftOf<T>();
  return pairwise<T>(kind, x, y, h, mean) + pairwise<T>(kind, x + o, y + o, n - h, mean);
}

// @ts-ignore: decorator
@inline function fsum<T>(kind: i32, start: i32, end: i32, x: usize, y: usize, mean: f64): f64 {
  if (end <= start) return 0;
  const o = <usize>start << shiftOf<T>();
  return pairwise<T>(kind, x + o, y + o, end - start, mean);
}

// Exact integer sums in 64-bit lanes: Σx of any dtype, Σx² and Σx·y of u8 (lanes
// folded pairwise to 32 bits first; that cannot overflow: 4 * 255^2 < 2^32).
// i32/u32 products need more than 64 bits in all: reduce-exact.ts.
// @ts-ignore: decorator
@inline function isum<T>(kind: i32, start: i32, end: i32, x: usize, y: usize): f64 {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  let a0 = i64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let i = start;
  for (; i + 2 * L <= end; i += 2 * L) {
    const o = <usize>i << SH;
    const u0 = v128.load(x + o), u1 = v128.load(x + o, 16);
    let w0 = u0, w1 = u1;
    if (kind == DOT) { w0 = v128.load(y + o); w1 = v128.load(y + o, 16); }
    if (sizeof<T>() == 4) {
      if (kind == SUM) {
        a0 = i64x2.add(a0, v128.extend_low<T>(u0));
        a1 = i64x2.add(a1, v128.extend_high<T>(u0));
        a2 = i64x2.add(a2, v128.extend_low<T>(u1));
        a3 = i64x2.add(a3, v128.extend_high<T>(u1));
      } else {
        a0 = i64x2.add(a0, v128.extmul_low<T>(u0, w0));
        a1 = i64x2.add(a1, v128.extmul_high<T>(u0, w0));
        a2 = i64x2.add(a2, v128.extmul_low<T>(u1, w1));
        a3 = i64x2.add(a3, v128.extmul_high<T>(u1, w1));
      }
    } else {
      let p0: v128, p1: v128;
      if (kind == SUM) {
        p0 = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(u0));
        p1 = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(u1));
      } else {
        p0 = i32x4.add(
          i32x4.extadd_pairwise_i16x8_u(i16x8.extmul_low_i8x16_u(u0, w0)),
          i32x4.extadd_pairwise_i16x8_u(i16x8.extmul_high_i8x16_u(u0, w0)));
        p1 = i32x4.add(
          i32x4.extadd_pairwise_i16x8_u(i16x8.extmul_low_i8x16_u(u1, w1)),
          i32x4.extadd_pairwise_i16x8_u(i16x8.extmul_high_i8x16_u(u1, w1)));
      }
      a0 = i64x2.add(a0, i64x2.extend_low_i32x4_u(p0));
      a1 = i64x2.add(a1, i64x2.extend_high_i32x4_u(p0));
      a2 = i64x2.add(a2, i64x2.extend_low_i32x4_u(p1));
      a3 = i64x2.add(a3, i64x2.extend_high_i32x4_u(p1));
    }
  }
  const v = i64x2.add(i64x2.add(a0, a1), i64x2.add(a2, a3));
  let r = i64x2.extract_lane(v, 0) + i64x2.extract_lane(v, 1);
  for (; i < end; i++) {
    const o = <usize>i << SH;
    const a = isSigned<T>() ? <i64>load<T>(x + o) : <i64><u64>load<T>(x + o);
    if (kind == SUM) r += a;
    else if (kind == SQ) r += a * a;
    else r += a * (isSigned<T>() ? <i64>load<T>(y + o) : <i64><u64>load<T>(y + o));
  }
  return isSigned<T>() ? <f64>r : <f64><u64>r;
}

// @ts-ignore: decorator
@inline function sumT<T>(kind: i32, start: i32, end: i32, x: usize, y: usize, mean: f64): f64 {
  if (isFloat<T>() || kind == DEV) return fsum<T>(kind, start, end, x, y, mean);
  return isum<T>(kind, start, end, x, y);
}

type P = usize;

export function sum_f64(s: i32, e: i32, x: P): f64 { return sumT<f64>(SUM, s, e, x, 0, 0); }
export function sum_f32(s: i32, e: i32, x: P): f64 { return sumT<f32>(SUM, s, e, x, 0, 0); }
export function sum_i32(s: i32, e: i32, x: P): f64 { return sumT<i32>(SUM, s, e, x, 0, 0); }
export function sum_u32(s: i32, e: i32, x: P): f64 { return sumT<u32>(SUM, s, e, x, 0, 0); }
export function sum_u8(s: i32, e: i32, x: P): f64 { return sumT<u8>(SUM, s, e, x, 0, 0); }
export function sumsq_f64(s: i32, e: i32, x: P): f64 { return sumT<f64>(SQ, s, e, x, 0, 0); }
export function sumsq_f32(s: i32, e: i32, x: P): f64 { return sumT<f32>(SQ, s, e, x, 0, 0); }
export function sumsq_u8(s: i32, e: i32, x: P): f64 { return sumT<u8>(SQ, s, e, x, 0, 0); }
export function sumsqdev_f64(s: i32, e: i32, x: P, m: f64): f64 { return sumT<f64>(DEV, s, e, x, 0, m); }
export function sumsqdev_f32(s: i32, e: i32, x: P, m: f64): f64 { return sumT<f32>(DEV, s, e, x, 0, m); }
export function sumsqdev_i32(s: i32, e: i32, x: P, m: f64): f64 { return sumT<i32>(DEV, s, e, x, 0, m); }
export function sumsqdev_u32(s: i32, e: i32, x: P, m: f64): f64 { return sumT<u32>(DEV, s, e, x, 0, m); }
export function sumsqdev_u8(s: i32, e: i32, x: P, m: f64): f64 { return sumT<u8>(DEV, s, e, x, 0, m); }
export function dot_f64(s: i32, e: i32, a: P, b: P): f64 { return sumT<f64>(DOT, s, e, a, b, 0); }
export function dot_f32(s: i32, e: i32, a: P, b: P): f64 { return sumT<f32>(DOT, s, e, a, b, 0); }
export function dot_u8(s: i32, e: i32, a: P, b: P): f64 { return sumT<u8>(DOT, s, e, a, b, 0); }

// u8 variance from exact moments: Σx and Σx² of a chunk in integer lanes (a
// byte's square fits an i16 dot product's i32), stored as two f64 at
// out + 16·(start / chunk). The JS side forms n·Σx² − (Σx)² exactly (BigInt),
// so the variance needs one pass and rounds once; the float two-pass path
// widened every byte to f64 and ran 6× slower than a copy.
export function moments_u8(start: i32, end: i32, x: P, out: P, chunk: i32): void {
  let S1: u64 = 0, S2: u64 = 0;
  let i = start;
  while (i + 16 <= end) {
    // ≤ 2048 steps between flushes: a lane of s2 gains ≤ 4·255² a step, < 2^31 in all.
    const stop = min<i32>(end - 15, i + 2048 * 16);
    let s1 = i32x4.splat(0), s2 = i32x4.splat(0);
    for (; i < stop; i += 16) {
      const v = v128.load(x + <usize>i);
      const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
      s1 = i32x4.add(s1, i32x4.extadd_pairwise_i16x8_u(i16x8.add(lo, hi)));
      s2 = i32x4.add(s2, i32x4.add(i32x4.dot_i16x8_s(lo, lo), i32x4.dot_i16x8_s(hi, hi)));
    }
    S1 += <u64><u32>i32x4.extract_lane(s1, 0) + <u64><u32>i32x4.extract_lane(s1, 1) + <u64><u32>i32x4.extract_lane(s1, 2) + <u64><u32>i32x4.extract_lane(s1, 3);
    S2 += <u64><u32>i32x4.extract_lane(s2, 0) + <u64><u32>i32x4.extract_lane(s2, 1) + <u64><u32>i32x4.extract_lane(s2, 2) + <u64><u32>i32x4.extract_lane(s2, 3);
  }
  for (; i < end; i++) { const v = <u64>load<u8>(x + <usize>i); S1 += v; S2 += v * v; }
  const o = out + (<usize>(start / chunk) << 4);
  store<f64>(o, <f64>S1);
  store<f64>(o, <f64>S2, 8);
}
