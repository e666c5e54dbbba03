// Reduction kernels min, max, argmin, argmax: one f64 partial per chunk
// [start, end) (the extreme, or the index of its first occurrence). NaN wins,
// and -0 counts as less than +0, as with Math.min/Math.max.
import { shiftOf } from './elementwise';

// Horizontal min/max by halving with shuffles (lane indices must be constants).
// @ts-ignore: decorator
@inline function mm<T>(isMax: bool, a: v128, b: v128): v128 {
  return isMax ? v128.max<T>(a, b) : v128.min<T>(a, b);
}

// @ts-ignore: decorator
@inline function hred<T>(isMax: bool, v: v128): T {
  v = mm<T>(isMax, v, i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  if (sizeof<T>() <= 4) v = mm<T>(isMax, v, i8x16.shuffle(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
  if (sizeof<T>() == 1) {
    v = mm<T>(isMax, v, i8x16.shuffle(v, v, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
    v = mm<T>(isMax, v, i8x16.shuffle(v, v, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
  }
  return v128.extract_lane<T>(v, 0);
}

// Signed zero test on raw bits, so -0 and +0 can be told apart in a vector.
// @ts-ignore: decorator
@inline function hasZero<T>(neg: bool, start: i32, end: i32, x: usize): bool {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  const z: v128 = sizeof<T>() == 8
    ? i64x2.splat(neg ? 0x8000000000000000 : 0)
    : i32x4.splat(neg ? 0x80000000 : 0);
  let i = start;
  for (; i + L <= end; i += L) {
    const v = v128.load(x + (<usize>i << SH));
    if (v128.any_true(sizeof<T>() == 8 ? i64x2.eq(v, z) : i32x4.eq(v, z))) return true;
  }
  for (; i < end; i++) {
    const v = load<T>(x + (<usize>i << SH));
    if (v == 0 && (neg ? 1 / v < 0 : 1 / v > 0)) return true;
  }
  return false;
}

// Floats: the wasm NaN-propagating min/max lower to long instruction sequences
// on x86, so the loop uses pmin/pmax (one minpd/maxpd) and tracks NaN on the
// side; the sign of a zero result is settled by a scan that runs only when the
// extreme is zero, which yields wasm/Math.min semantics (-0 < +0) overall.
// @ts-ignore: decorator
@inline function extremeT<T>(isMax: bool, start: i32, end: i32, x: usize): T {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  let i = start;
  let r = load<T>(x + (<usize>i << SH));
  if (i + 4 * L <= end) {
    let v0 = v128.load(x + (<usize>i << SH)), v1 = v0, v2 = v0, v3 = v0;
    let nan = v128.splat<i32>(0);
    for (; i + 4 * L <= end; i += 4 * L) {
      const p = x + (<usize>i << SH);
      const u0 = v128.load(p), u1 = v128.load(p, 16), u2 = v128.load(p, 32), u3 = v128.load(p, 48);
      if (isFloat<T>()) {
        v0 = isMax ? v128.pmax<T>(v0, u0) : v128.pmin<T>(v0, u0);
        v1 = isMax ? v128.pmax<T>(v1, u1) : v128.pmin<T>(v1, u1);
        v2 = isMax ? v128.pmax<T>(v2, u2) : v128.pmin<T>(v2, u2);
        v3 = isMax ? v128.pmax<T>(v3, u3) : v128.pmin<T>(v3, u3);
        nan = v128.or(nan, v128.or(v128.or(v128.ne<T>(u0, u0), v128.ne<T>(u1, u1)),
          v128.or(v128.ne<T>(u2, u2), v128.ne<T>(u3, u3))));
      } else {
        v0 = mm<T>(isMax, v0, u0); v1 = mm<T>(isMax, v1, u1);
        v2 = mm<T>(isMax, v2, u2); v3 = mm<T>(isMax, v3, u3);
      }
    }
    if (isFloat<T>() && v128.any_true(nan)) return <T>NaN;
    r = hred<T>(isMax, mm<T>(isMax, mm<T>(isMax, v0, v1), mm<T>(isMax, v2, v3)));
  }
  for (; i < end; i++) {
    const v = load<T>(x + (<usize>i << SH));
    r = isMax ? max<T>(r, v) : min<T>(r, v);
  }
  if (isFloat<T>()) {
    if (r == 0) r = hasZero<T>(!isMax, start, end, x) ? (isMax ? <T>0 : <T>-0.0) : (isMax ? <T>-0.0 : <T>0);
  }
  return r;
}

// First index holding the extreme value (or, for floats, the first NaN, which
// is what the extreme is when any NaN is present): a vector min/max pass, then
// a vector equality scan that stops at the first hit.
// @ts-ignore: decorator
@inline function argT<T>(isMax: bool, start: i32, end: i32, x: usize): f64 {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  const m = extremeT<T>(isMax, start, end, x);
  const nan = isFloat<T>() && m != m;
  const vm = v128.splat<T>(m);
  let i = start;
  for (; i + 4 * L <= end; i += 4 * L) {
    const p = x + (<usize>i << SH);
    const u0 = v128.load(p), u1 = v128.load(p, 16), u2 = v128.load(p, 32), u3 = v128.load(p, 48);
    const hit = nan
      ? v128.or(v128.or(v128.ne<T>(u0, u0), v128.ne<T>(u1, u1)), v128.or(v128.ne<T>(u2, u2), v128.ne<T>(u3, u3)))
      : v128.or(v128.or(v128.eq<T>(u0, vm), v128.eq<T>(u1, vm)), v128.or(v128.eq<T>(u2, vm), v128.eq<T>(u3, vm)));
    if (v128.any_true(hit)) break;
  }
  for (; i < end; i++) {
    const v = load<T>(x + (<usize>i << SH));
    if (nan ? v != v : v == m) break;
  }
  return <f64>i;
}

type P = usize;

export function min_f64(s: i32, e: i32, x: P): f64 { return <f64>extremeT<f64>(false, s, e, x); }
export function min_f32(s: i32, e: i32, x: P): f64 { return <f64>extremeT<f32>(false, s, e, x); }
export function min_i32(s: i32, e: i32, x: P): f64 { return <f64>extremeT<i32>(false, s, e, x); }
export function min_u32(s: i32, e: i32, x: P): f64 { return <f64>extremeT<u32>(false, s, e, x); }
export function min_u8(s: i32, e: i32, x: P): f64 { return <f64>extremeT<u8>(false, s, e, x); }
export function max_f64(s: i32, e: i32, x: P): f64 { return <f64>extremeT<f64>(true, s, e, x); }
export function max_f32(s: i32, e: i32, x: P): f64 { return <f64>extremeT<f32>(true, s, e, x); }
export function max_i32(s: i32, e: i32, x: P): f64 { return <f64>extremeT<i32>(true, s, e, x); }
export function max_u32(s: i32, e: i32, x: P): f64 { return <f64>extremeT<u32>(true, s, e, x); }
export function max_u8(s: i32, e: i32, x: P): f64 { return <f64>extremeT<u8>(true, s, e, x); }
export function argmin_f64(s: i32, e: i32, x: P): f64 { return argT<f64>(false, s, e, x); }
export function argmin_f32(s: i32, e: i32, x: P): f64 { return argT<f32>(false, s, e, x); }
export function argmin_i32(s: i32, e: i32, x: P): f64 { return argT<i32>(false, s, e, x); }
export function argmin_u32(s: i32, e: i32, x: P): f64 { return argT<u32>(false, s, e, x); }
export function argmin_u8(s: i32, e: i32, x: P): f64 { return argT<u8>(false, s, e, x); }
export function argmax_f64(s: i32, e: i32, x: P): f64 { return argT<f64>(true, s, e, x); }
export function argmax_f32(s: i32, e: i32, x: P): f64 { return argT<f32>(true, s, e, x); }
export function argmax_i32(s: i32, e: i32, x: P): f64 { return argT<i32>(true, s, e, x); }
export function argmax_u32(s: i32, e: i32, x: P): f64 { return argT<u32>(true, s, e, x); }
export function argmax_u8(s: i32, e: i32, x: P): f64 { return argT<u8>(true, s, e, x); }
