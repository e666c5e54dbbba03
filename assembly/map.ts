// Unary map kernels (issue 2): <op>_<dtype>(start, end, x, out); pow is in pow.ts.
//
// Each kernel is an @inline driver specialised by a constant op code; after
// inlining, Binaryen folds the op switch away, so every export is a
// straight-line SIMD loop (2 vectors per iteration; 4 for the vector math, see
// vmath.ts; sin/cos run vmath-trig-map.ts's loop). Tails run the same vector
// code on a splatted lane, so results never depend on where a chunk or a
// subarray starts. Vectors are loaded before they are stored: out == x works.
import { exp_fast, exp_v, expFastOk, log_fast, log_v, logFastOk, sigmoid_fast, sigmoid_v, sigmoidFastOk, tanh_v } from './vmath';
import { sin_v, cos_v, sinf_v, cosf_v } from './vmath-trig';
import { sincosMap } from './vmath-trig-map';
import { expf_fast, expf_v, expfFastOk, logf_fast, logf_v, logfFastOk, tanhf_v, sigmoidf_v } from './vmath-f32';
import { mulU8 } from './lanes';

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

/** The ops with a fast path (vmath.ts): it gives the same bits where fastOkF64 holds. */
@inline function hasFast(op: i32): bool { return op == EXP || op == LOG || op == SIGMOID; }
@inline function fastOkF64(op: i32, a: v128): v128 {
  return op == EXP ? expFastOk(a) : op == LOG ? logFastOk(a) : sigmoidFastOk(a);
}
@inline function fastF64(op: i32, a: v128): v128 {
  return op == EXP ? exp_fast(a) : op == LOG ? log_fast(a) : sigmoid_fast(a);
}

@inline function hasFastF32(op: i32): bool { return op == EXP || op == LOG; }
@inline function fastOkF32(op: i32, a: v128): v128 { return op == EXP ? expfFastOk(a) : logfFastOk(a); }
@inline function fastF32(op: i32, a: v128): v128 { return op == EXP ? expf_fast(a) : logf_fast(a); }

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

/**
 * The vector math runs 4 vectors per iteration: V8 rebuilds a v128 constant
 * (3 instructions) at each use, so one build serves 4 evaluations, and the 4
 * independent chains fill the pipeline (their Horner steps are latency-bound).
 */
@inline function isMath(op: i32): bool { return op >= EXP && op <= SIGMOID; }

// L's lane functions (f64: 2 lanes, f32: 4); sizeof<L>() is a constant, so each folds to one.
@inline function opOf<L>(op: i32, a: v128): v128 { return sizeof<L>() == 8 ? opF64(op, a) : opF32(op, a); }
@inline function hasFastOf<L>(op: i32): bool { return sizeof<L>() == 8 ? hasFast(op) : hasFastF32(op); }
@inline function fastOkOf<L>(op: i32, a: v128): v128 { return sizeof<L>() == 8 ? fastOkF64(op, a) : fastOkF32(op, a); }
@inline function fastOf<L>(op: i32, a: v128): v128 { return sizeof<L>() == 8 ? fastF64(op, a) : fastF32(op, a); }
@inline function allTrueOf<L>(m: v128): bool { return sizeof<L>() == 8 ? i64x2.all_true(m) : i32x4.all_true(m); }

/** map(op) over [start, end) of L (f64 or f32). */
@inline function mapFloat<L>(start: i32, end: i32, x: usize, out: usize, op: i32): void {
  if (op == SIN || op == COS) { sincosMap<L>(start, end, x, out, op == COS ? 1.0 : 0.0); return; }
  const lanes = 16 / <i32>sizeof<L>();
  const shift = sizeof<L>() == 8 ? 3 : 2;
  let i = start;
  if (isMath(op)) {
    for (; i + 4 * lanes <= end; i += 4 * lanes) {
      const p = <usize>i << shift;
      const a = v128.load(x + p), b = v128.load(x + p, 16), c = v128.load(x + p, 32), d = v128.load(x + p, 48);
      // One branch for 4 vectors: special lanes (NaN, overflow, subnormal...) take the full path.
      if (hasFastOf<L>(op) && allTrueOf<L>(v128.and(v128.and(fastOkOf<L>(op, a), fastOkOf<L>(op, b)), v128.and(fastOkOf<L>(op, c), fastOkOf<L>(op, d))))) {
        v128.store(out + p, fastOf<L>(op, a));
        v128.store(out + p, fastOf<L>(op, b), 16);
        v128.store(out + p, fastOf<L>(op, c), 32);
        v128.store(out + p, fastOf<L>(op, d), 48);
      } else {
        v128.store(out + p, opOf<L>(op, a));
        v128.store(out + p, opOf<L>(op, b), 16);
        v128.store(out + p, opOf<L>(op, c), 32);
        v128.store(out + p, opOf<L>(op, d), 48);
      }
    }
  }
  for (; i + 2 * lanes <= end; i += 2 * lanes) {
    const p = <usize>i << shift;
    const a = v128.load(x + p);
    const b = v128.load(x + p, 16);
    v128.store(out + p, opOf<L>(op, a));
    v128.store(out + p, opOf<L>(op, b), 16);
  }
  for (; i < end; i++) {
    const p = <usize>i << shift;
    if (sizeof<L>() == 8) store<f64>(out + p, f64x2.extract_lane(opF64(op, f64x2.splat(load<f64>(x + p))), 0));
    else store<f32>(out + p, f32x4.extract_lane(opF32(op, f32x4.splat(load<f32>(x + p))), 0));
  }
}

@inline function mapF64(start: i32, end: i32, x: usize, out: usize, op: i32): void { mapFloat<f64>(start, end, x, out, op); }
@inline function mapF32(start: i32, end: i32, x: usize, out: usize, op: i32): void { mapFloat<f32>(start, end, x, out, op); }

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
