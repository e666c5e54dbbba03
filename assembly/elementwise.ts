// Elementwise kernels: fill, copy, binary ops (array-array and array-scalar)
// for f64 f32 i32 u32 u8 (clip and axpy are in clip-axpy.ts). One generic body
// per family; the op is an inlined constant, so Binaryen folds each export
// down to a single loop.
// Main loops process two v128 per step (two independent chains hide latency);
// tails are scalar. v128.load/store are unaligned-safe, so views at any element
// offset work, and out == a / out == b is safe because each step loads before
// it stores and never reads an index it already wrote.

// @ts-ignore: decorator
@inline const ADD = 0;
// @ts-ignore: decorator
@inline const SUB = 1;
// @ts-ignore: decorator
@inline const MUL = 2;
// @ts-ignore: decorator
@inline const DIV = 3;
// @ts-ignore: decorator
@inline const MAX = 4;
// @ts-ignore: decorator
@inline const MIN = 5;

// @ts-ignore: decorator
@inline export function shiftOf<T>(): usize {
  return sizeof<T>() == 8 ? 3 : sizeof<T>() == 4 ? 2 : sizeof<T>() == 2 ? 1 : 0;
}

// JS ToInt32/ToUint32-style wrap of a number to the integer dtype's bits, so a
// scalar the caller did not pre-wrap still behaves like a typed-array store.
// @ts-ignore: decorator
@inline function wrapInt(v: f64): u32 {
  if (!isFinite<f64>(v)) return 0;
  v = trunc(v);
  v -= floor(v / 4294967296.0) * 4294967296.0;
  return <u32>v;
}

// @ts-ignore: decorator
@inline function toT<T>(v: f64): T {
  if (isFloat<T>()) return <T>v;
  return <T>wrapInt(v);
}

// numpy `//` on integers: rounds toward -infinity; x // 0 == 0; MIN // -1 wraps.
// @ts-ignore: decorator
@inline function floorDiv<T>(a: T, b: T): T {
  if (b == 0) return <T>0;
  if (isSigned<T>()) {
    if (b == <T>-1) return <T>(0 - a);
    let q = a / b;
    if (a % b != 0 && (a ^ b) < 0) q -= 1;
    return q;
  }
  return a / b;
}

// Integer floor division in f64 lanes: for |a|, |b| < 2^32 the rounded f64
// quotient never crosses an integer, so floor() is exact; adding 1.5*2^52 puts
// the integer (mod 2^32) in the low mantissa bits, which also gives the wrapping
// result for MIN / -1. Lanes with b == 0 are zeroed afterwards.
// @ts-ignore: decorator
@inline function divLanes32<T>(a: v128, b: v128): v128 {
  const magic = f64x2.splat(6755399441055744.0);
  const ah = i8x16.shuffle(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  const bh = i8x16.shuffle(b, b, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  const ql = f64x2.add(f64x2.floor(f64x2.div(v128.convert_low<T>(a), v128.convert_low<T>(b))), magic);
  const qh = f64x2.add(f64x2.floor(f64x2.div(v128.convert_low<T>(ah), v128.convert_low<T>(bh))), magic);
  const q = i8x16.shuffle(ql, qh, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
  return v128.andnot(q, i32x4.eq(b, i32x4.splat(0)));
}

// u8 lanes: widen to f32 (exact for 0..255 quotients, same argument as above).
// @ts-ignore: decorator
@inline function divQuarter(a: v128, b: v128): v128 {
  return i32x4.trunc_sat_f32x4_u(f32x4.trunc(f32x4.div(f32x4.convert_i32x4_u(a), f32x4.convert_i32x4_u(b))));
}

// @ts-ignore: decorator
@inline function divLanes8(a: v128, b: v128): v128 {
  const al = i16x8.extend_low_i8x16_u(a), ah = i16x8.extend_high_i8x16_u(a);
  const bl = i16x8.extend_low_i8x16_u(b), bh = i16x8.extend_high_i8x16_u(b);
  const q0 = divQuarter(i32x4.extend_low_i16x8_u(al), i32x4.extend_low_i16x8_u(bl));
  const q1 = divQuarter(i32x4.extend_high_i16x8_u(al), i32x4.extend_high_i16x8_u(bl));
  const q2 = divQuarter(i32x4.extend_low_i16x8_u(ah), i32x4.extend_low_i16x8_u(bh));
  const q3 = divQuarter(i32x4.extend_high_i16x8_u(ah), i32x4.extend_high_i16x8_u(bh));
  // x/0 saturates to 0xFFFFFFFF, which narrows (signed -1) to 0, but mask anyway.
  const q = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q0, q1), i16x8.narrow_i32x4_u(q2, q3));
  return v128.andnot(q, i8x16.eq(b, i8x16.splat(0)));
}

// @ts-ignore: decorator
@inline function vop<T>(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return v128.add<T>(a, b);
  if (op == SUB) return v128.sub<T>(a, b);
  if (op == MUL) {
    if (sizeof<T>() == 1) {
      // no i8x16.mul: multiply in 16-bit lanes, keep the low byte of each
      const m = i16x8.splat(0xff);
      const lo = v128.and(i16x8.extmul_low_i8x16_u(a, b), m);
      const hi = v128.and(i16x8.extmul_high_i8x16_u(a, b), m);
      return i8x16.narrow_i16x8_u(lo, hi);
    } else {
      return v128.mul<T>(a, b);
    }
  }
  if (op == DIV) {
    if (isFloat<T>()) return v128.div<T>(a, b);
    if (sizeof<T>() == 1) return divLanes8(a, b);
    return divLanes32<T>(a, b);
  }
  // wasm f32x4/f64x2 max/min propagate NaN and order -0 < +0, as numpy does.
  if (op == MAX) return v128.max<T>(a, b);
  return v128.min<T>(a, b);
}

// @ts-ignore: decorator
@inline function sop<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return <T>(a + b);
  if (op == SUB) return <T>(a - b);
  if (op == MUL) return <T>(a * b);
  if (op == DIV) {
    if (isFloat<T>()) return a / b;
    return floorDiv<T>(a, b);
  }
  if (op == MAX) return max<T>(a, b);
  return min<T>(a, b);
}

// @ts-ignore: decorator
@inline function binary<T>(op: i32, scalarB: bool, start: i32, end: i32, a: usize, b: usize, s: f64, out: usize): void {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  const sv = toT<T>(s);
  const vs = v128.splat<T>(sv);
  let i = start;
  for (; i + 2 * L <= end; i += 2 * L) {
    const o = <usize>i << SH;
    const x0 = v128.load(a + o), x1 = v128.load(a + o, 16);
    let y0 = vs, y1 = vs;
    if (!scalarB) { y0 = v128.load(b + o); y1 = v128.load(b + o, 16); }
    v128.store(out + o, vop<T>(op, x0, y0));
    v128.store(out + o, vop<T>(op, x1, y1), 16);
  }
  if (i + L <= end) {
    const o = <usize>i << SH;
    v128.store(out + o, vop<T>(op, v128.load(a + o), scalarB ? vs : v128.load(b + o)));
    i += L;
  }
  for (; i < end; i++) {
    const o = <usize>i << SH;
    store<T>(out + o, sop<T>(op, load<T>(a + o), scalarB ? sv : load<T>(b + o)));
  }
}

// @ts-ignore: decorator
@inline function fillT<T>(start: i32, end: i32, x: usize, value: f64): void {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  const sv = toT<T>(value);
  const v = v128.splat<T>(sv);
  let i = start;
  for (; i + 2 * L <= end; i += 2 * L) {
    const o = <usize>i << SH;
    v128.store(x + o, v);
    v128.store(x + o, v, 16);
  }
  for (; i < end; i++) store<T>(x + (<usize>i << SH), sv);
}

// @ts-ignore: decorator
@inline function copyT<T>(start: i32, end: i32, src: usize, dst: usize): void {
  if (end <= start) return;
  const SH = shiftOf<T>();
  memory.copy(dst + (<usize>start << SH), src + (<usize>start << SH), <usize>(end - start) << SH);
}

type P = usize;

export function fill_f64(s: i32, e: i32, x: P, v: f64): void { fillT<f64>(s, e, x, v); }
export function fill_f32(s: i32, e: i32, x: P, v: f64): void { fillT<f32>(s, e, x, v); }
export function fill_i32(s: i32, e: i32, x: P, v: f64): void { fillT<i32>(s, e, x, v); }
export function fill_u32(s: i32, e: i32, x: P, v: f64): void { fillT<u32>(s, e, x, v); }
export function fill_u8(s: i32, e: i32, x: P, v: f64): void { fillT<u8>(s, e, x, v); }

export function copy_f64(s: i32, e: i32, src: P, dst: P): void { copyT<f64>(s, e, src, dst); }
export function copy_f32(s: i32, e: i32, src: P, dst: P): void { copyT<f32>(s, e, src, dst); }
export function copy_i32(s: i32, e: i32, src: P, dst: P): void { copyT<i32>(s, e, src, dst); }
export function copy_u32(s: i32, e: i32, src: P, dst: P): void { copyT<u32>(s, e, src, dst); }
export function copy_u8(s: i32, e: i32, src: P, dst: P): void { copyT<u8>(s, e, src, dst); }

export function add_f64(s: i32, e: i32, a: P, b: P, o: P): void { binary<f64>(ADD, false, s, e, a, b, 0, o); }
export function add_f32(s: i32, e: i32, a: P, b: P, o: P): void { binary<f32>(ADD, false, s, e, a, b, 0, o); }
export function add_i32(s: i32, e: i32, a: P, b: P, o: P): void { binary<i32>(ADD, false, s, e, a, b, 0, o); }
export function add_u32(s: i32, e: i32, a: P, b: P, o: P): void { binary<u32>(ADD, false, s, e, a, b, 0, o); }
export function add_u8(s: i32, e: i32, a: P, b: P, o: P): void { binary<u8>(ADD, false, s, e, a, b, 0, o); }
export function subtract_f64(s: i32, e: i32, a: P, b: P, o: P): void { binary<f64>(SUB, false, s, e, a, b, 0, o); }
export function subtract_f32(s: i32, e: i32, a: P, b: P, o: P): void { binary<f32>(SUB, false, s, e, a, b, 0, o); }
export function subtract_i32(s: i32, e: i32, a: P, b: P, o: P): void { binary<i32>(SUB, false, s, e, a, b, 0, o); }
export function subtract_u32(s: i32, e: i32, a: P, b: P, o: P): void { binary<u32>(SUB, false, s, e, a, b, 0, o); }
export function subtract_u8(s: i32, e: i32, a: P, b: P, o: P): void { binary<u8>(SUB, false, s, e, a, b, 0, o); }
export function multiply_f64(s: i32, e: i32, a: P, b: P, o: P): void { binary<f64>(MUL, false, s, e, a, b, 0, o); }
export function multiply_f32(s: i32, e: i32, a: P, b: P, o: P): void { binary<f32>(MUL, false, s, e, a, b, 0, o); }
export function multiply_i32(s: i32, e: i32, a: P, b: P, o: P): void { binary<i32>(MUL, false, s, e, a, b, 0, o); }
export function multiply_u32(s: i32, e: i32, a: P, b: P, o: P): void { binary<u32>(MUL, false, s, e, a, b, 0, o); }
export function multiply_u8(s: i32, e: i32, a: P, b: P, o: P): void { binary<u8>(MUL, false, s, e, a, b, 0, o); }
export function divide_f64(s: i32, e: i32, a: P, b: P, o: P): void { binary<f64>(DIV, false, s, e, a, b, 0, o); }
export function divide_f32(s: i32, e: i32, a: P, b: P, o: P): void { binary<f32>(DIV, false, s, e, a, b, 0, o); }
export function divide_i32(s: i32, e: i32, a: P, b: P, o: P): void { binary<i32>(DIV, false, s, e, a, b, 0, o); }
export function divide_u32(s: i32, e: i32, a: P, b: P, o: P): void { binary<u32>(DIV, false, s, e, a, b, 0, o); }
export function divide_u8(s: i32, e: i32, a: P, b: P, o: P): void { binary<u8>(DIV, false, s, e, a, b, 0, o); }
export function maximum_f64(s: i32, e: i32, a: P, b: P, o: P): void { binary<f64>(MAX, false, s, e, a, b, 0, o); }
export function maximum_f32(s: i32, e: i32, a: P, b: P, o: P): void { binary<f32>(MAX, false, s, e, a, b, 0, o); }
export function maximum_i32(s: i32, e: i32, a: P, b: P, o: P): void { binary<i32>(MAX, false, s, e, a, b, 0, o); }
export function maximum_u32(s: i32, e: i32, a: P, b: P, o: P): void { binary<u32>(MAX, false, s, e, a, b, 0, o); }
export function maximum_u8(s: i32, e: i32, a: P, b: P, o: P): void { binary<u8>(MAX, false, s, e, a, b, 0, o); }
export function minimum_f64(s: i32, e: i32, a: P, b: P, o: P): void { binary<f64>(MIN, false, s, e, a, b, 0, o); }
export function minimum_f32(s: i32, e: i32, a: P, b: P, o: P): void { binary<f32>(MIN, false, s, e, a, b, 0, o); }
export function minimum_i32(s: i32, e: i32, a: P, b: P, o: P): void { binary<i32>(MIN, false, s, e, a, b, 0, o); }
export function minimum_u32(s: i32, e: i32, a: P, b: P, o: P): void { binary<u32>(MIN, false, s, e, a, b, 0, o); }
export function minimum_u8(s: i32, e: i32, a: P, b: P, o: P): void { binary<u8>(MIN, false, s, e, a, b, 0, o); }

export function adds_f64(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f64>(ADD, true, s, e, a, 0, v, o); }
export function adds_f32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f32>(ADD, true, s, e, a, 0, v, o); }
export function adds_i32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<i32>(ADD, true, s, e, a, 0, v, o); }
export function adds_u32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u32>(ADD, true, s, e, a, 0, v, o); }
export function adds_u8(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u8>(ADD, true, s, e, a, 0, v, o); }
export function subtracts_f64(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f64>(SUB, true, s, e, a, 0, v, o); }
export function subtracts_f32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f32>(SUB, true, s, e, a, 0, v, o); }
export function subtracts_i32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<i32>(SUB, true, s, e, a, 0, v, o); }
export function subtracts_u32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u32>(SUB, true, s, e, a, 0, v, o); }
export function subtracts_u8(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u8>(SUB, true, s, e, a, 0, v, o); }
export function multiplys_f64(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f64>(MUL, true, s, e, a, 0, v, o); }
export function multiplys_f32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f32>(MUL, true, s, e, a, 0, v, o); }
export function multiplys_i32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<i32>(MUL, true, s, e, a, 0, v, o); }
export function multiplys_u32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u32>(MUL, true, s, e, a, 0, v, o); }
export function multiplys_u8(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u8>(MUL, true, s, e, a, 0, v, o); }
export function divides_f64(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f64>(DIV, true, s, e, a, 0, v, o); }
export function divides_f32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f32>(DIV, true, s, e, a, 0, v, o); }
export function divides_i32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<i32>(DIV, true, s, e, a, 0, v, o); }
export function divides_u32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u32>(DIV, true, s, e, a, 0, v, o); }
export function divides_u8(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u8>(DIV, true, s, e, a, 0, v, o); }
export function maximums_f64(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f64>(MAX, true, s, e, a, 0, v, o); }
export function maximums_f32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f32>(MAX, true, s, e, a, 0, v, o); }
export function maximums_i32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<i32>(MAX, true, s, e, a, 0, v, o); }
export function maximums_u32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u32>(MAX, true, s, e, a, 0, v, o); }
export function maximums_u8(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u8>(MAX, true, s, e, a, 0, v, o); }
export function minimums_f64(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f64>(MIN, true, s, e, a, 0, v, o); }
export function minimums_f32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<f32>(MIN, true, s, e, a, 0, v, o); }
export function minimums_i32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<i32>(MIN, true, s, e, a, 0, v, o); }
export function minimums_u32(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u32>(MIN, true, s, e, a, 0, v, o); }
export function minimums_u8(s: i32, e: i32, a: P, v: f64, o: P): void { binary<u8>(MIN, true, s, e, a, 0, v, o); }
