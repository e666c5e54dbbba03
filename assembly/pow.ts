// pow kernels: pow_<dt>(start, end, a, b, out) elementwise and pows_<dt>(start,
// end, a, s, out) with a scalar exponent. Floats run vmath's pow (f32:
// vmath-f32.ts); integers square repeatedly and wrap like the typed array.
// As in map.ts, vectors are loaded before they are stored, float loops take 4
// vectors per iteration (one build of each constant serves 4 evaluations) and
// tails run the vector code on a splatted lane.
import { pow_fast, pow_v, powFastOk } from './vmath-pow';
import { powf_fast, powf_v, powfFastOk } from './vmath-f32';
import { mulU8 } from './lanes';

// ---- float pow ----------------------------------------------------------------

/** 4 vectors of f64 pow into o: pow_fast when every lane allows it and its results are good (the same bits as pow_v there). */
@inline function pow4(x0: v128, x1: v128, x2: v128, x3: v128, y0: v128, y1: v128, y2: v128, y3: v128, o: usize): void {
  const ok = v128.and(v128.and(powFastOk(x0), powFastOk(x1)), v128.and(powFastOk(x2), powFastOk(x3)));
  if (i64x2.all_true(ok)) {
    const r0 = pow_fast(x0, y0), r1 = pow_fast(x1, y1), r2 = pow_fast(x2, y2), r3 = pow_fast(x3, y3);
    v128.store(o, r0); v128.store(o, r1, 16); v128.store(o, r2, 32); v128.store(o, r3, 48);
    // A NaN from pow_fast: a result near or past the exponent range's ends or a y not finite (x and y are in registers, so o may alias them).
    if (i64x2.all_true(v128.and(v128.and(f64x2.eq(r0, r0), f64x2.eq(r1, r1)), v128.and(f64x2.eq(r2, r2), f64x2.eq(r3, r3))))) return;
  }
  {
    const r0 = pow_v(x0, y0), r1 = pow_v(x1, y1), r2 = pow_v(x2, y2), r3 = pow_v(x3, y3);
    v128.store(o, r0); v128.store(o, r1, 16); v128.store(o, r2, 32); v128.store(o, r3, 48);
  }
}

/** 4 vectors of L's pow (f64: pow4, f32: powf4). */
@inline function pow4Of<L>(x0: v128, x1: v128, x2: v128, x3: v128, y0: v128, y1: v128, y2: v128, y3: v128, o: usize): void {
  if (sizeof<L>() == 8) pow4(x0, x1, x2, x3, y0, y1, y2, y3, o);
  else powf4(x0, x1, x2, x3, y0, y1, y2, y3, o);
}
/** One lane of L's pow, as a splat (tails: the vector code, so a lane's bits never depend on its position). */
@inline function pow1Of<L>(x: usize, y: v128, o: usize): void {
  if (sizeof<L>() == 8) store<f64>(o, f64x2.extract_lane(pow_v(f64x2.splat(load<f64>(x)), y), 0));
  else store<f32>(o, f32x4.extract_lane(powf_v(f32x4.splat(load<f32>(x)), y), 0));
}
@inline function splatOf<L>(x: usize): v128 { return sizeof<L>() == 8 ? v128.load64_splat(x) : v128.load32_splat(x); }

/** pow over [start, end) of L: exponents from b, or (scalar, a constant) the splat y. */
@inline function powFloat<L>(start: i32, end: i32, a: usize, b: usize, y: v128, out: usize, scalar: bool): void {
  const step = 64 / <i32>sizeof<L>();
  const shift = sizeof<L>() == 8 ? 3 : 2;
  let i = start;
  for (; i + step <= end; i += step) {
    const p = <usize>i << shift;
    if (!scalar) {
      pow4Of<L>(v128.load(a + p), v128.load(a + p, 16), v128.load(a + p, 32), v128.load(a + p, 48),
        v128.load(b + p), v128.load(b + p, 16), v128.load(b + p, 32), v128.load(b + p, 48), out + p);
    } else {
      pow4Of<L>(v128.load(a + p), v128.load(a + p, 16), v128.load(a + p, 32), v128.load(a + p, 48), y, y, y, y, out + p);
    }
  }
  for (; i < end; i++) {
    const p = <usize>i << shift;
    pow1Of<L>(a + p, scalar ? y : splatOf<L>(b + p), out + p);
  }
}

export function pow_f64(start: i32, end: i32, a: usize, b: usize, out: usize): void { powFloat<f64>(start, end, a, b, f64x2.splat(0), out, false); }
export function pows_f64(start: i32, end: i32, a: usize, s: f64, out: usize): void { powFloat<f64>(start, end, a, 0, f64x2.splat(s), out, true); }
export function pow_f32(start: i32, end: i32, a: usize, b: usize, out: usize): void { powFloat<f32>(start, end, a, b, f32x4.splat(0), out, false); }
/** The scalar exponent is rounded to f32 first, as numpy does for a Python float with a float32 array. */
export function pows_f32(start: i32, end: i32, a: usize, s: f64, out: usize): void { powFloat<f32>(start, end, a, 0, f32x4.splat(<f32>s), out, true); }

/** 4 vectors of f32 pow into o, as pow4. */
@inline function powf4(x0: v128, x1: v128, x2: v128, x3: v128, y0: v128, y1: v128, y2: v128, y3: v128, o: usize): void {
  const ok = v128.and(v128.and(powfFastOk(x0, y0), powfFastOk(x1, y1)), v128.and(powfFastOk(x2, y2), powfFastOk(x3, y3)));
  if (i32x4.all_true(ok)) {
    const r0 = powf_fast(x0, y0), r1 = powf_fast(x1, y1), r2 = powf_fast(x2, y2), r3 = powf_fast(x3, y3);
    v128.store(o, r0); v128.store(o, r1, 16); v128.store(o, r2, 32); v128.store(o, r3, 48);
  } else {
    const r0 = powf_v(x0, y0), r1 = powf_v(x1, y1), r2 = powf_v(x2, y2), r3 = powf_v(x3, y3);
    v128.store(o, r0); v128.store(o, r1, 16); v128.store(o, r2, 32); v128.store(o, r3, 48);
  }
}

// ---- integer pow (repeated squaring, wrapping) --------------------------------
// Negative exponents give 0, except base 1 -> 1 and (signed) base -1 -> +-1.

/** x^e mod 2^32 only depends on e' = e < 32 ? e : 32 + (e - 32) mod 2^30
 *  (even x: x^e = 0 once e >= 32; odd x: the unit group mod 2^32 has exponent 2^30). */
@inline function reduceExp(e: i64): u32 { return e < 32 ? <u32>e : 32 + <u32>((e - 32) & 0x3fffffff); }

/** A scalar exponent from JS: truncated toward zero, NaN as 0, clamped so the i64 cast cannot trap. */
@inline function expOf(s: f64): i64 {
  if (!(s == s)) return 0;
  return <i64>Math.max(Math.min(Math.trunc(s), 4.0e18), -4.0e18);
}

@inline function ipow(base: i32, e: u32): i32 {
  let r = 1, b = base;
  while (e) { if (e & 1) r *= b; b *= b; e >>>= 1; }
  return r;
}

@inline function ipowNeg(base: i32, e: i64, signed: bool): i32 {
  if (base == 1) return 1;
  if (signed && base == -1) return (e & 1) ? -1 : 1;
  return 0;
}

export function pow_i32(start: i32, end: i32, a: usize, b: usize, out: usize): void {
  for (let i = start; i < end; i++) {
    const p = <usize>i << 2;
    const base = load<i32>(a + p), e = load<i32>(b + p);
    store<i32>(out + p, e < 0 ? ipowNeg(base, e, true) : ipow(base, <u32>e));
  }
}

export function pow_u32(start: i32, end: i32, a: usize, b: usize, out: usize): void {
  for (let i = start; i < end; i++) {
    const p = <usize>i << 2;
    store<u32>(out + p, <u32>ipow(load<i32>(a + p), load<u32>(b + p)));
  }
}

export function pow_u8(start: i32, end: i32, a: usize, b: usize, out: usize): void {
  for (let i = start; i < end; i++) {
    store<u8>(out + i, <u8>ipow(<i32>load<u8>(a + i), <u32>load<u8>(b + i)));
  }
}

@inline function vpowI32(v: v128, e: u32): v128 {
  let r = i32x4.splat(1), b = v;
  while (e) { if (e & 1) r = i32x4.mul(r, b); b = i32x4.mul(b, b); e >>>= 1; }
  return r;
}

@inline function vpowNegI32(v: v128, e: i64, signed: bool): v128 {
  const m1 = signed ? i32x4.splat((e & 1) ? -1 : 1) : i32x4.splat(0);
  return v128.bitselect(i32x4.splat(1), v128.bitselect(m1, i32x4.splat(0), i32x4.eq(v, i32x4.splat(-1))),
    i32x4.eq(v, i32x4.splat(1)));
}

@inline function powsI32(start: i32, end: i32, a: usize, s: f64, out: usize, signed: bool): void {
  const e = expOf(s);
  const er = reduceExp(e);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const p = <usize>i << 2;
    const v = v128.load(a + p);
    v128.store(out + p, e < 0 ? vpowNegI32(v, e, signed) : vpowI32(v, er));
  }
  for (; i < end; i++) {
    const p = <usize>i << 2;
    const base = load<i32>(a + p);
    store<i32>(out + p, e < 0 ? ipowNeg(base, e, signed) : ipow(base, er));
  }
}

export function pows_i32(start: i32, end: i32, a: usize, s: f64, out: usize): void { powsI32(start, end, a, s, out, true); }
export function pows_u32(start: i32, end: i32, a: usize, s: f64, out: usize): void { powsI32(start, end, a, s, out, false); }

export function pows_u8(start: i32, end: i32, a: usize, s: f64, out: usize): void {
  const e = expOf(s);
  const er = reduceExp(e);
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const v = v128.load(a + i);
    let r: v128;
    if (e < 0) {
      r = v128.and(i8x16.eq(v, i8x16.splat(1)), i8x16.splat(1));
    } else {
      r = i8x16.splat(1);
      let b = v, k = er;
      while (k) { if (k & 1) r = mulU8(r, b); b = mulU8(b, b); k >>>= 1; }
    }
    v128.store(out + i, r);
  }
  for (; i < end; i++) {
    const base = <i32>load<u8>(a + i);
    store<u8>(out + i, <u8>(e < 0 ? ipowNeg(base, e, false) : ipow(base, er)));
  }
}
