// Unary map kernels and pow (issue 2): <op>_<dtype>(start, end, x, out[, ...]).
//
// Each kernel is an @inline driver specialised by a constant op code; after
// inlining, Binaryen folds the op switch away, so every export is a
// straight-line SIMD loop (2 vectors per iteration). Tails run the same vector
// code on a splatted lane, so results never depend on where a chunk or a
// subarray starts. Vectors are loaded before they are stored: out == x works.
import { exp_v, log_v, tanh_v, sigmoid_v, pow_v } from './vmath';
import { sin_v, cos_v, sinf_v, cosf_v } from './vmath-trig';
import { expf_v, logf_v, tanhf_v, sigmoidf_v, powf_v } from './vmath-f32';

const ABS = 0, NEG = 1, SQRT = 2, SQUARE = 3, EXP = 4, LOG = 5, SIN = 6, COS = 7;
const TANH = 8, SIGMOID = 9, FLOOR = 10, CEIL = 11, ROUND = 12;

@inline function opF64(op: i32, a: v128): v128 {
  switch (op) {
    case ABS: return f64x2.abs(a);
    case NEG: return f64x2.neg(a);
    case SQRT: return f64x2.sqrt(a);
    case SQUARE: return f64x2.mul(a, a);
    case EXP: return exp_v(a);
    case LOG: return log_v(a);
    case SIN: return sin_v(a);
    case COS: return cos_v(a);
    case TANH: return tanh_v(a);
    case SIGMOID: return sigmoid_v(a);
    case FLOOR: return f64x2.floor(a);
    case CEIL: return f64x2.ceil(a);
    default: return f64x2.nearest(a); // half to even, like numpy
  }
}

@inline function opF32(op: i32, a: v128): v128 {
  switch (op) {
    case ABS: return f32x4.abs(a);
    case NEG: return f32x4.neg(a);
    case SQRT: return f32x4.sqrt(a);
    case SQUARE: return f32x4.mul(a, a);
    case EXP: return expf_v(a);
    case LOG: return logf_v(a);
    case SIN: return sinf_v(a);
    case COS: return cosf_v(a);
    case TANH: return tanhf_v(a);
    case SIGMOID: return sigmoidf_v(a);
    case FLOOR: return f32x4.floor(a);
    case CEIL: return f32x4.ceil(a);
    default: return f32x4.nearest(a);
  }
}

@inline function mapF64(start: i32, end: i32, x: usize, out: usize, op: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const p = <usize>i << 3;
    const a = v128.load(x + p);
    const b = v128.load(x + p, 16);
    v128.store(out + p, opF64(op, a));
    v128.store(out + p, opF64(op, b), 16);
  }
  for (; i < end; i++) {
    const p = <usize>i << 3;
    store<f64>(out + p, f64x2.extract_lane(opF64(op, f64x2.splat(load<f64>(x + p))), 0));
  }
}

@inline function mapF32(start: i32, end: i32, x: usize, out: usize, op: i32): void {
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const p = <usize>i << 2;
    const a = v128.load(x + p);
    const b = v128.load(x + p, 16);
    v128.store(out + p, opF32(op, a));
    v128.store(out + p, opF32(op, b), 16);
  }
  for (; i < end; i++) {
    const p = <usize>i << 2;
    store<f32>(out + p, f32x4.extract_lane(opF32(op, f32x4.splat(load<f32>(x + p))), 0));
  }
}

export function abs_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, ABS); }
export function neg_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, NEG); }
export function sqrt_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, SQRT); }
export function square_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, SQUARE); }
export function exp_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, EXP); }
export function log_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, LOG); }
export function sin_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, SIN); }
export function cos_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, COS); }
export function tanh_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, TANH); }
export function sigmoid_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, SIGMOID); }
export function floor_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, FLOOR); }
export function ceil_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, CEIL); }
export function round_f64(start: i32, end: i32, x: usize, out: usize): void { mapF64(start, end, x, out, ROUND); }

export function abs_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, ABS); }
export function neg_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, NEG); }
export function sqrt_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, SQRT); }
export function square_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, SQUARE); }
export function exp_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, EXP); }
export function log_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, LOG); }
export function sin_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, SIN); }
export function cos_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, COS); }
export function tanh_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, TANH); }
export function sigmoid_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, SIGMOID); }
export function floor_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, FLOOR); }
export function ceil_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, CEIL); }
export function round_f32(start: i32, end: i32, x: usize, out: usize): void { mapF32(start, end, x, out, ROUND); }

// ---- integer maps (wrapping, like the typed array) ---------------------------

/** u8 lanes multiplied mod 256: wasm has no i8x16.mul, so multiply in u16 and keep low bytes. */
@inline function mulU8(a: v128, b: v128): v128 {
  return i8x16.shuffle(i16x8.extmul_low_i8x16_u(a, b), i16x8.extmul_high_i8x16_u(a, b),
    0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}

@inline function opI32(op: i32, a: v128): v128 {
  if (op == ABS) return i32x4.abs(a);
  if (op == NEG) return i32x4.neg(a);
  return i32x4.mul(a, a);
}

@inline function mapI32(start: i32, end: i32, x: usize, out: usize, op: i32): void {
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const p = <usize>i << 2;
    const a = v128.load(x + p);
    const b = v128.load(x + p, 16);
    v128.store(out + p, opI32(op, a));
    v128.store(out + p, opI32(op, b), 16);
  }
  for (; i < end; i++) {
    const p = <usize>i << 2;
    store<i32>(out + p, i32x4.extract_lane(opI32(op, i32x4.splat(load<i32>(x + p))), 0));
  }
}

@inline function opU8(op: i32, a: v128): v128 {
  return op == NEG ? i8x16.neg(a) : mulU8(a, a);
}

@inline function mapU8(start: i32, end: i32, x: usize, out: usize, op: i32): void {
  let i = start;
  for (; i + 32 <= end; i += 32) {
    const p = <usize>i;
    const a = v128.load(x + p);
    const b = v128.load(x + p, 16);
    v128.store(out + p, opU8(op, a));
    v128.store(out + p, opU8(op, b), 16);
  }
  for (; i < end; i++) {
    const p = <usize>i;
    store<u8>(out + p, <u8>i8x16.extract_lane_u(opU8(op, i8x16.splat(load<u8>(x + p))), 0));
  }
}

export function abs_i32(start: i32, end: i32, x: usize, out: usize): void { mapI32(start, end, x, out, ABS); }
export function neg_i32(start: i32, end: i32, x: usize, out: usize): void { mapI32(start, end, x, out, NEG); }
export function square_i32(start: i32, end: i32, x: usize, out: usize): void { mapI32(start, end, x, out, SQUARE); }
export function neg_u32(start: i32, end: i32, x: usize, out: usize): void { mapI32(start, end, x, out, NEG); }
export function square_u32(start: i32, end: i32, x: usize, out: usize): void { mapI32(start, end, x, out, SQUARE); }
export function neg_u8(start: i32, end: i32, x: usize, out: usize): void { mapU8(start, end, x, out, NEG); }
export function square_u8(start: i32, end: i32, x: usize, out: usize): void { mapU8(start, end, x, out, SQUARE); }

// ---- float pow ----------------------------------------------------------------

export function pow_f64(start: i32, end: i32, a: usize, b: usize, out: usize): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const p = <usize>i << 3;
    const r0 = pow_v(v128.load(a + p), v128.load(b + p));
    const r1 = pow_v(v128.load(a + p, 16), v128.load(b + p, 16));
    v128.store(out + p, r0);
    v128.store(out + p, r1, 16);
  }
  for (; i < end; i++) {
    const p = <usize>i << 3;
    const r = pow_v(f64x2.splat(load<f64>(a + p)), f64x2.splat(load<f64>(b + p)));
    store<f64>(out + p, f64x2.extract_lane(r, 0));
  }
}

export function pows_f64(start: i32, end: i32, a: usize, s: f64, out: usize): void {
  const y = f64x2.splat(s);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const p = <usize>i << 3;
    const r0 = pow_v(v128.load(a + p), y);
    const r1 = pow_v(v128.load(a + p, 16), y);
    v128.store(out + p, r0);
    v128.store(out + p, r1, 16);
  }
  for (; i < end; i++) {
    const p = <usize>i << 3;
    store<f64>(out + p, f64x2.extract_lane(pow_v(f64x2.splat(load<f64>(a + p)), y), 0));
  }
}

export function pow_f32(start: i32, end: i32, a: usize, b: usize, out: usize): void {
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const p = <usize>i << 2;
    const r0 = powf_v(v128.load(a + p), v128.load(b + p));
    const r1 = powf_v(v128.load(a + p, 16), v128.load(b + p, 16));
    v128.store(out + p, r0);
    v128.store(out + p, r1, 16);
  }
  for (; i < end; i++) {
    const p = <usize>i << 2;
    const r = powf_v(f32x4.splat(load<f32>(a + p)), f32x4.splat(load<f32>(b + p)));
    store<f32>(out + p, f32x4.extract_lane(r, 0));
  }
}

/** The scalar exponent is rounded to f32 first, as numpy does for a Python float with a float32 array. */
export function pows_f32(start: i32, end: i32, a: usize, s: f64, out: usize): void {
  const y = f32x4.splat(<f32>s);
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const p = <usize>i << 2;
    const r0 = powf_v(v128.load(a + p), y);
    const r1 = powf_v(v128.load(a + p, 16), y);
    v128.store(out + p, r0);
    v128.store(out + p, r1, 16);
  }
  for (; i < end; i++) {
    const p = <usize>i << 2;
    store<f32>(out + p, f32x4.extract_lane(powf_v(f32x4.splat(load<f32>(a + p)), y), 0));
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
