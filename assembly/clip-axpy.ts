// clip and axpy, for every dtype (axpy: f64 and f32): two v128 per step in the
// main loop, scalar tails, unaligned-safe loads and stores, as in elementwise.ts;
// each step loads before it stores, so out == x is safe for clip.
import { shiftOf } from './elementwise';

// Integer bounds are rounded inward to integers and clamped to the dtype's
// range, so comparing integers against them equals comparing against the reals.
// @ts-ignore: decorator
@inline function boundT<T>(v: f64, upper: bool): T {
  if (isFloat<T>()) return <T>v;
  const lo: f64 = isSigned<T>() ? -2147483648.0 : 0.0;
  const hi: f64 = sizeof<T>() == 1 ? 255.0 : isSigned<T>() ? 2147483647.0 : 4294967295.0;
  let r = upper ? floor(v) : ceil(v);
  if (isNaN<f64>(r)) r = upper ? hi : lo;
  r = r < lo ? lo : r > hi ? hi : r;
  return isSigned<T>() ? <T><i32>r : <T><u32>r;
}

// @ts-ignore: decorator
@inline function clipT<T>(start: i32, end: i32, x: usize, lo: f64, hi: f64, out: usize): void {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  const l = boundT<T>(lo, false), h = boundT<T>(hi, true);
  const vl = v128.splat<T>(l), vh = v128.splat<T>(h);
  let i = start;
  for (; i + 2 * L <= end; i += 2 * L) {
    const o = <usize>i << SH;
    const x0 = v128.load(x + o), x1 = v128.load(x + o, 16);
    v128.store(out + o, v128.min<T>(v128.max<T>(x0, vl), vh));
    v128.store(out + o, v128.min<T>(v128.max<T>(x1, vl), vh), 16);
  }
  for (; i < end; i++) {
    const o = <usize>i << SH;
    store<T>(out + o, min<T>(max<T>(load<T>(x + o), l), h));
  }
}

// @ts-ignore: decorator
@inline function axpyT<T>(start: i32, end: i32, alpha: f64, x: usize, y: usize): void {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  const a = <T>alpha;
  const va = v128.splat<T>(a);
  let i = start;
  for (; i + 2 * L <= end; i += 2 * L) {
    const o = <usize>i << SH;
    const x0 = v128.load(x + o), x1 = v128.load(x + o, 16);
    const y0 = v128.load(y + o), y1 = v128.load(y + o, 16);
    v128.store(y + o, v128.add<T>(y0, v128.mul<T>(va, x0)));
    v128.store(y + o, v128.add<T>(y1, v128.mul<T>(va, x1)), 16);
  }
  for (; i < end; i++) {
    const o = <usize>i << SH;
    store<T>(y + o, load<T>(y + o) + a * load<T>(x + o));
  }
}

type P = usize;

export function clip_f64(s: i32, e: i32, x: P, lo: f64, hi: f64, o: P): void { clipT<f64>(s, e, x, lo, hi, o); }
export function clip_f32(s: i32, e: i32, x: P, lo: f64, hi: f64, o: P): void { clipT<f32>(s, e, x, lo, hi, o); }
export function clip_i32(s: i32, e: i32, x: P, lo: f64, hi: f64, o: P): void { clipT<i32>(s, e, x, lo, hi, o); }
export function clip_u32(s: i32, e: i32, x: P, lo: f64, hi: f64, o: P): void { clipT<u32>(s, e, x, lo, hi, o); }
export function clip_u8(s: i32, e: i32, x: P, lo: f64, hi: f64, o: P): void { clipT<u8>(s, e, x, lo, hi, o); }

export function axpy_f64(s: i32, e: i32, alpha: f64, x: P, y: P): void { axpyT<f64>(s, e, alpha, x, y); }
export function axpy_f32(s: i32, e: i32, alpha: f64, x: P, y: P): void { axpyT<f32>(s, e, alpha, x, y); }
