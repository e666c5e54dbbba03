/**
 * Elementwise ops: fill, copy, map (built-in math), binary arithmetic, axpy.
 * Each validates every argument before its first job, so a bad call writes nothing.
 */
import { describe, dtypeOf, DTYPES, type Dtype, type TypedArray } from '../../memory/dtypes.js';
import type { Op } from '../op.js';
import type { OpContext } from '../op-context.js';

export const FLOATS: readonly Dtype[] = ['f64', 'f32'];

/** Relative per-element cost (1 = streaming copy): sets chunk sizes and the inline threshold. */
const MAP_COST = {
  abs: 1, neg: 1, square: 1, floor: 1, ceil: 1, round: 1, sqrt: 3,
  exp: 10, log: 10, tanh: 14, sigmoid: 12, sin: 14, cos: 14,
} as const satisfies Record<string, number>;
export type MapOpName = keyof typeof MAP_COST;
export const MAP_OPS = Object.keys(MAP_COST) as readonly MapOpName[];
/** Integer dtypes: ops whose integer meaning is clear; the rest are float-only. */
const INT_MAP: Record<string, 'kernel' | 'copy'> = { abs: 'kernel', neg: 'kernel', square: 'kernel', floor: 'copy', ceil: 'copy', round: 'copy' };

export const BINARY_OPS = ['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'pow'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** The scalar converted exactly as storing it into an array of `dtype` would. */
export function toDtypeValue(value: number, dtype: Dtype): number {
  const v = new DTYPES[dtype].ctor(1);
  v[0] = value;
  return v[0]!;
}

export function checkNumber(value: unknown, op: string, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${op}: ${name} must be a number; got ${describe(value)}`);
  return value;
}

export function* fill(ctx: OpContext, x: unknown, value: unknown): Op<TypedArray> {
  const v = checkNumber(value, ctx.op, 'value');
  const X = ctx.inout(x, 'x');
  yield { kernel: `fill_${X.dtype}`, n: X.length, args: [X.ptr, toDtypeValue(v, X.dtype)] };
  return ctx.result(X);
}

export function* copy(ctx: OpContext, src: unknown, dst: unknown): Op<TypedArray> {
  const S = ctx.check(src, 'src');
  ctx.check(dst, 'dst', { dtype: dtypeOf(S)!, length: S.length, like: 'src' });
  const A = ctx.input(src, 'src');
  const D = ctx.output(dst, 'dst', A.dtype, A.length);
  yield { kernel: `copy_${A.dtype}`, n: A.length, args: [A.ptr, D.ptr] };
  return ctx.result(D);
}

export function* mapBuiltin(ctx: OpContext, name: string, x: unknown, out: unknown): Op<TypedArray> {
  if (!Object.hasOwn(MAP_COST, name)) {
    throw new TypeError(`map: op must be one of ${MAP_OPS.map((o) => `'${o}'`).join(', ')}, a function or a Kernel; got ${describe(name)}`);
  }
  const X = ctx.input(x, 'x');
  const float = DTYPES[X.dtype].float;
  if (!float && !(name in INT_MAP)) {
    throw new TypeError(`map: '${name}' needs a float array (f64 or f32); x has dtype '${X.dtype}'`);
  }
  const O = ctx.output(out, 'out', X.dtype, X.length);
  const unsigned = X.dtype === 'u32' || X.dtype === 'u8';
  // abs of an unsigned integer and floor/ceil/round of any integer are the identity.
  if (!float && (INT_MAP[name] === 'copy' || (name === 'abs' && unsigned))) {
    if (O.ptr !== X.ptr) yield { kernel: `copy_${X.dtype}`, n: X.length, args: [X.ptr, O.ptr] };
  } else {
    yield { kernel: `${name}_${X.dtype}`, n: X.length, args: [X.ptr, O.ptr], cost: float ? MAP_COST[name as MapOpName] : 1 };
  }
  return ctx.result(O);
}

/**
 * A scalar `b` as the `${name}s_*` kernels take it. On an integer dtype, add,
 * subtract and multiply wrap it like a typed-array store (the result is the same
 * modulo 2^bits); maximum and minimum clamp it to the dtype's range, so a bound
 * the array cannot reach changes nothing (numpy's value) and one beyond its far
 * end saturates (as clip does); divide refuses it, since no wrapped or clamped
 * divisor gives numpy's quotient. pow takes the exponent as it is.
 */
export function scalarOperand(op: string, name: BinaryOp, b: number, dtype: Dtype): number {
  const info = DTYPES[dtype];
  if (info.float || name === 'pow') return b;
  const [lo, hi] = info.range;
  if (b >= lo && b <= hi) return b;
  if (name === 'maximum' || name === 'minimum') return Math.min(Math.max(b, lo), hi);
  if (name === 'divide') {
    throw new RangeError(`${op}: b must be an integer in [${lo}, ${hi}] when a has integer dtype '${dtype}'; got ${b}`);
  }
  return toDtypeValue(b, dtype);
}

export function* binary(ctx: OpContext, name: BinaryOp, a: unknown, b: unknown, out: unknown): Op<TypedArray> {
  const A = ctx.input(a, 'a');
  const cost = name === 'pow' ? 25 : name === 'divide' && !DTYPES[A.dtype].float ? 3 : 1;
  if (typeof b === 'number') {
    if (!DTYPES[A.dtype].float && !Number.isInteger(b)) {
      throw new RangeError(`${ctx.op}: b must be an integer when a has integer dtype '${A.dtype}'; got ${b}`);
    }
    const s = scalarOperand(ctx.op, name, b, A.dtype);
    const O = ctx.output(out, 'out', A.dtype, A.length);
    yield { kernel: `${name}s_${A.dtype}`, n: A.length, args: [A.ptr, s, O.ptr], cost };
    return ctx.result(O);
  }
  if (!ArrayBuffer.isView(b)) throw new TypeError(`${ctx.op}: b must be a typed array or a number; got ${describe(b)}`);
  const B = ctx.input(b, 'b', { dtype: A.dtype, length: A.length, like: 'a' });
  const O = ctx.output(out, 'out', A.dtype, A.length);
  yield { kernel: `${name}_${A.dtype}`, n: A.length, args: [A.ptr, B.ptr, O.ptr], cost };
  return ctx.result(O);
}

export function* axpy(ctx: OpContext, alpha: unknown, x: unknown, y: unknown): Op<TypedArray> {
  const a = checkNumber(alpha, ctx.op, 'alpha');
  const X = ctx.input(x, 'x', { dtypes: FLOATS });
  const Y = ctx.inout(y, 'y', { dtype: X.dtype, length: X.length, like: 'x' });
  yield { kernel: `axpy_${X.dtype}`, n: X.length, args: [a, X.ptr, Y.ptr] };
  return ctx.result(Y);
}

const nanTo = (v: number, to: number) => (Number.isNaN(v) ? to : v);

/**
 * clip's bounds as the kernels take them, for the 1-d and the N-d (strided) op
 * alike: a NaN bound is no bound, as in numpy 1.24 (its clip loop keeps x when
 * the comparison fails); lo > hi is allowed (min(max(x, lo), hi) is then hi
 * everywhere); on an integer dtype a non-integer bound is refused, since numpy
 * would return float64 and the result here keeps x's dtype.
 */
export function clipBounds(op: string, dtype: Dtype, lo: unknown, hi: unknown): [number, number] {
  const l = nanTo(checkNumber(lo, op, 'lo'), -Infinity);
  const h = nanTo(checkNumber(hi, op, 'hi'), Infinity);
  if (!DTYPES[dtype].float) {
    for (const [name, v] of [['lo', l], ['hi', h]] as const) {
      if (!Number.isInteger(v) && v !== Infinity && v !== -Infinity) {
        throw new RangeError(`${op}: ${name} must be an integer (or ±Infinity) when x has integer dtype '${dtype}'; got ${v}`);
      }
    }
  }
  return [l, h];
}

export function* clip(ctx: OpContext, x: unknown, lo: unknown, hi: unknown, out: unknown): Op<TypedArray> {
  const X = ctx.input(x, 'x');
  const [l, h] = clipBounds(ctx.op, X.dtype, lo, hi);
  const O = ctx.output(out, 'out', X.dtype, X.length);
  yield { kernel: `clip_${X.dtype}`, n: X.length, args: [X.ptr, l, h, O.ptr] };
  return ctx.result(O);
}
