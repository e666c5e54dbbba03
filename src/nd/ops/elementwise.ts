/**
 * N-d elementwise ops: binary ops, map, clip, where, copy, fill — numpy
 * broadcasting, any strides (0 and negative included), `out` any view of the
 * result's shape. When every operand is C-contiguous with the result's shape
 * the op IS the 1-d op on the flat data (same kernels, same chunks, no
 * descriptor), so a contiguous N-d op costs what the typed-array op costs.
 */
import { DTYPES, describe, type Dtype, type TypedArray } from '../../memory/dtypes.js';
import type { Op } from '../../engine/op.js';
import type { OpContext } from '../../engine/op-context.js';
import * as ew from '../../engine/ops/elementwise.js';
import { broadcastShapes, broadcastStrides } from '../broadcast.js';
import { NDArray } from '../ndarray.js';
import { requireNDArray } from '../interop.js';
import { planIteration } from '../plan.js';
import { formatShape, isCContiguous, type Shape } from '../shape.js';
import { BINARY_CODES, INT_MAP_KERNELS, MAP_CODES } from './codes.js';
import { allocatorOf, freshOut, gatherSlots, hazard, placeInput, placeOut, planJob, scratchND, type Placed } from './place.js';

/** The flat typed array of a C-contiguous view (a subarray: no copy). */
export function flatOf(a: NDArray): TypedArray {
  return a.offset === 0 && a.data.length === a.size ? a.data : a.data.subarray(a.offset, a.offset + a.size) as TypedArray;
}

/** Wrap a 1-d op's typed-array result back into the caller's shape. */
export function wrap(ctx: OpContext, result: TypedArray, shape: Shape, out: NDArray | undefined): NDArray {
  return out ?? new NDArray(result, shape, undefined, 0, allocatorOf(ctx));
}

/** The user's `out`: an N-d view of exactly `shape` and `dtype` (numpy's message when it is not). */
export function checkOut(ctx: OpContext, out: unknown, shape: Shape, dtype: Dtype): NDArray | undefined {
  if (out === undefined || out === null) return undefined;
  const o = requireNDArray(out, ctx.op, 'out', allocatorOf(ctx));
  if (o.dtype !== dtype) throw new TypeError(`${ctx.op}: out has dtype '${o.dtype}' but the result has dtype '${dtype}'; they must match`);
  if (o.shape.length !== shape.length || o.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${ctx.op}: non-broadcastable output operand with shape ${formatShape(o.shape)} doesn't match the broadcast shape ${formatShape(shape)}`);
  }
  // A broadcast view repeats elements: writing it would race threads over one
  // element (numpy: broadcast_to's view is read-only).
  const axis = o.shape.findIndex((d, i) => d > 1 && o.strides[i] === 0);
  if (axis >= 0) throw new TypeError(`${ctx.op}: out is a broadcast view (stride 0 on axis ${axis}), whose elements share memory; pass an array that can be written`);
  return o;
}

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);
const contiguousAs = (a: NDArray | undefined, shape: Shape) => a === undefined || (sameShape(a.shape, shape) && isCContiguous(a.shape, a.strides));

/**
 * Where the kernel writes: the user's out (in place), or — when out shares
 * bytes with an input in any way other than being that very view — a scratch
 * array copied into out at the end (numpy buffers the same way).
 */
function target(ctx: OpContext, O: Placed | undefined, inputs: Array<[Placed, number[]]>, dtype: Dtype, shape: Shape): { dst: Placed; final: Placed | undefined } {
  if (!O) return { dst: freshOut(ctx, dtype, shape), final: undefined };
  if (inputs.some(([p, st]) => hazard(O, p, shape, st))) return { dst: scratchND(ctx, dtype, shape), final: O };
  return { dst: O, final: undefined };
}

/**
 * Transpose tiles: TILE_ROWS · bytes = one 64-byte line of the source, TILE_COLS
 * destination columns. 4096² f64, one thread, on a busy 2-core VM: 8×64..8×1024
 * tiles 80–110 ms, 32×32 square tiles through a buffer 150 ms, row by row 540–740 ms,
 * a contiguous copy 38–45 ms.
 */
const TILE_COLS = 512;

/** Copy `src` (any strides, broadcast to dst's shape) into `dst`: tiled when it is a transpose. */
/** X itself when C-contiguous, else a C-contiguous scratch copy (freed when the op ends). */
export function* contiguous(ctx: OpContext, X: NDArray, name: string): Op<NDArray> {
  if (X.isContiguous) return X;
  const t = scratchND(ctx, X.dtype, X.shape);
  yield* copyInto(ctx, t, placeInput(ctx, X, name));
  return t.nd;
}

export function* copyInto(ctx: OpContext, dst: Placed, src: Placed, srcStrides: readonly number[] = src.nd.strides): Op<void> {
  const shape = dst.nd.shape;
  const plan = planIteration(shape, [dst.nd.strides, srcStrides]);
  if (plan.size === 0) return;
  const bytes = dst.bytes;
  const [ds, ss] = plan.innerStrides;
  // A transpose: dst walks the row with unit stride, src walks another dim with unit stride.
  if (ds === 1 && Math.abs(ss!) !== 1 && plan.inner >= 8) {
    const p = plan.outerStrides[1]!.findIndex((s, i) => Math.abs(s) === 1 && plan.outer[i]! >= 8);
    if (p >= 0) {
      // Move that dim to be the last outer dim (the kernel's tile rows).
      const order = plan.outer.map((_, i) => i).filter((i) => i !== p).concat(p);
      const moved = { ...plan, outer: order.map((i) => plan.outer[i]!), outerStrides: plan.outerStrides.map((st) => order.map((i) => st[i]!)) };
      const tr = 64 / bytes, tc = TILE_COLS;
      const units = (plan.rows / plan.outer[p]!) * Math.ceil(plan.outer[p]! / tr) * Math.ceil(plan.inner / tc);
      const job = planJob(ctx, `nd_tcopy_${bytes}`, moved, [dst, src], [tr, tc]);
      yield { ...job, n: units, chunk: Math.max(1, Math.floor(65_536 / (tr * tc))), cost: tr * tc };
      return;
    }
  }
  yield planJob(ctx, `nd_copy_${bytes}`, plan, [dst, src], []);
}

export function* binaryND(ctx: OpContext, name: ew.BinaryOp, a: unknown, b: unknown, out: unknown): Op<NDArray> {
  const alloc = allocatorOf(ctx);
  const A = requireNDArray(a, ctx.op, 'a', alloc);
  const dtype = A.dtype;
  let B: NDArray;
  if (typeof b === 'number') {
    if (!DTYPES[dtype].float && !Number.isInteger(b)) throw new RangeError(`${ctx.op}: b must be an integer when a has integer dtype '${dtype}'; got ${b}`);
    if (contiguousAs(undefined, A.shape) && isCContiguous(A.shape, A.strides)) {
      const o = checkOut(ctx, out, A.shape, dtype);
      if (contiguousAs(o, A.shape)) return wrap(ctx, yield* ew.binary(ctx, name, flatOf(A), b, o && flatOf(o)), A.shape, o);
    }
    // The 1-d op's scalar rules (clamped for maximum/minimum, refused for divide), checked before the scratch is taken.
    const v = ew.scalarOperand(ctx.op, name, b, dtype);
    const s = scratchND(ctx, dtype, []);
    (s.nd.data as TypedArray)[0] = v;
    B = s.nd;
  } else {
    B = requireNDArray(b, ctx.op, 'b', alloc);
    if (B.dtype !== dtype) throw new TypeError(`${ctx.op}: b has dtype '${B.dtype}' but a has dtype '${dtype}'; they must match`);
  }
  const shape = sameShape(A.shape, B.shape) ? A.shape : broadcastShapes(ctx.op, A.shape, B.shape);
  const o = checkOut(ctx, out, shape, dtype);
  if (sameShape(A.shape, shape) && sameShape(B.shape, shape) && A.isContiguous && B.isContiguous && contiguousAs(o, shape)) {
    return wrap(ctx, yield* ew.binary(ctx, name, flatOf(A), flatOf(B), o && flatOf(o)), shape, o);
  }
  let PA = placeInput(ctx, A, 'a'), PB = B === A ? PA : placeInput(ctx, B, 'b');
  let sa = broadcastStrides(A.shape, A.strides, shape)!, sb = broadcastStrides(B.shape, B.strides, shape)!;
  const O = o && placeOut(ctx, o, 'out');
  const { dst, final } = target(ctx, O, [[PA, sa], [PB, sb]], dtype, shape);
  // A stride-0 `a` against a unit-stride `b` hits the scalar kernel once swapped (exact for + and ×).
  if ((name === 'add' || name === 'multiply') && sa[sa.length - 1] === 0 && sb[sb.length - 1] !== 0) {
    [PA, PB] = [PB, PA];
    [sa, sb] = [sb, sa];
  }
  const plan = planIteration(shape, [dst.nd.strides, sa, sb]);
  if (plan.size > 0) {
    const { flags, slots } = gatherSlots(ctx);
    const cost = name === 'pow' ? 25 : name === 'divide' && !DTYPES[dtype].float ? 3 : 1;
    yield planJob(ctx, `nd_binary_${dtype}`, plan, [dst, PA, PB], [BINARY_CODES.indexOf(name), flags, slots], cost);
  }
  if (final) yield* copyInto(ctx, final, dst);
  return final ? final.nd : dst.nd;
}

const MAP_COST: Record<string, number> = { sqrt: 3, exp: 10, log: 10, tanh: 14, sigmoid: 12, sin: 14, cos: 14 };

/** map with a built-in op (name) or clip (name undefined, bounds lo/hi). */
export function* unaryND(ctx: OpContext, name: string | undefined, x: unknown, lo: number, hi: number, out: unknown): Op<NDArray> {
  const X = requireNDArray(x, ctx.op, 'x', allocatorOf(ctx));
  const dtype = X.dtype;
  const o = checkOut(ctx, out, X.shape, dtype);
  if (X.isContiguous && contiguousAs(o, X.shape)) {
    const r = name === undefined ? yield* ew.clip(ctx, flatOf(X), lo, hi, o && flatOf(o)) : yield* ew.mapBuiltin(ctx, name, flatOf(X), o && flatOf(o));
    return wrap(ctx, r, X.shape, o);
  }
  let code = -1;
  if (name !== undefined) {
    code = (MAP_CODES as readonly string[]).indexOf(name);
    if (code < 0) throw new TypeError(`map: op must be one of ${MAP_CODES.map((m) => `'${m}'`).join(', ')}, a function or a Kernel; got ${describe(name)}`);
    if (!DTYPES[dtype].float && !['abs', 'neg', 'square', 'floor', 'ceil', 'round'].includes(name)) {
      throw new TypeError(`map: '${name}' needs a float array (f64 or f32); x has dtype '${dtype}'`);
    }
  } else {
    [lo, hi] = ew.clipBounds(ctx.op, dtype, lo, hi);
  }
  const PX = placeInput(ctx, X, 'x');
  const O = o && placeOut(ctx, o, 'out');
  const { dst, final } = target(ctx, O, [[PX, X.strides.slice()]], dtype, X.shape);
  const identity = name !== undefined && !DTYPES[dtype].float && !INT_MAP_KERNELS[dtype]!.includes(name);
  if (identity) yield* copyInto(ctx, dst, PX);
  else {
    const plan = planIteration(X.shape, [dst.nd.strides, X.strides]);
    if (plan.size > 0) {
      const { flags, slots } = gatherSlots(ctx);
      const cost = name !== undefined && DTYPES[dtype].float ? MAP_COST[name] ?? 1 : 1;
      yield planJob(ctx, `nd_unary_${dtype}`, plan, [dst, PX], [code, lo, hi, flags, slots], cost);
    }
  }
  if (final) yield* copyInto(ctx, final, dst);
  return final ? final.nd : dst.nd;
}

/** map with a JS function: run on a contiguous copy (the 1-d path), then into out. */
export function* mapFunctionND(ctx: OpContext, fn: (v: number) => number, x: unknown, out: unknown): Op<NDArray> {
  const X = requireNDArray(x, ctx.op, 'x', allocatorOf(ctx));
  const o = checkOut(ctx, out, X.shape, X.dtype);
  if (X.isContiguous && contiguousAs(o, X.shape)) return wrap(ctx, yield* ctx.services.mapFunction(ctx, fn, flatOf(X), o && flatOf(o)), X.shape, o);
  const tmp = scratchND(ctx, X.dtype, X.shape);
  yield* copyInto(ctx, tmp, placeInput(ctx, X, 'x'));
  yield* ctx.services.mapFunction(ctx, fn, flatOf(tmp.nd), flatOf(tmp.nd));
  const dst = o ? placeOut(ctx, o, 'out') : freshOut(ctx, X.dtype, X.shape);
  yield* copyInto(ctx, dst, tmp);
  return dst.nd;
}

const COND_KIND: Record<Dtype, string> = { f64: 'f64', f32: 'f32', i32: 'i32', u32: 'i32', u8: 'u8' };

/** numpy.where(cond, x, y): x and y arrays of one dtype, or numbers (f64 when both are). */
export function* where(ctx: OpContext, cond: unknown, x: unknown, y: unknown, out: unknown): Op<NDArray> {
  const alloc = allocatorOf(ctx);
  const C = requireNDArray(cond, ctx.op, 'cond', alloc);
  const arr = (v: unknown, name: string) => (typeof v === 'number' ? undefined : requireNDArray(v, ctx.op, name, alloc));
  const X0 = arr(x, 'x'), Y0 = arr(y, 'y');
  const dtype: Dtype = X0?.dtype ?? Y0?.dtype ?? 'f64';
  if (X0 && Y0 && X0.dtype !== Y0.dtype) throw new TypeError(`${ctx.op}: y has dtype '${Y0.dtype}' but x has dtype '${X0.dtype}'; they must match`);
  const scalar = (v: unknown, name: string): NDArray => {
    if (typeof v !== 'number') throw new TypeError(`${ctx.op}: ${name} must be an array or a number; got ${describe(v)}`);
    const s = scratchND(ctx, dtype, []);
    (s.nd.data as TypedArray)[0] = v;
    return s.nd;
  };
  const X = X0 ?? scalar(x, 'x'), Y = Y0 ?? scalar(y, 'y');
  const shape = broadcastShapes(ctx.op, C.shape, X.shape, Y.shape);
  const o = checkOut(ctx, out, shape, dtype);
  const PC = placeInput(ctx, C, 'cond'), PX = placeInput(ctx, X, 'x'), PY = placeInput(ctx, Y, 'y');
  const st = (p: Placed) => broadcastStrides(p.nd.shape, p.nd.strides, shape)!;
  const O = o && placeOut(ctx, o, 'out');
  const { dst, final } = target(ctx, O, [[PC, st(PC)], [PX, st(PX)], [PY, st(PY)]], dtype, shape);
  const plan = planIteration(shape, [dst.nd.strides, st(PC), st(PX), st(PY)]);
  if (plan.size > 0) yield planJob(ctx, `nd_where_${COND_KIND[C.dtype]}_${DTYPES[dtype].bytes}`, plan, [dst, PC, PX, PY], []);
  if (final) yield* copyInto(ctx, final, dst);
  return final ? final.nd : dst.nd;
}

/** copy(src) → a new C-contiguous array; copy(src, dst) → src broadcast into dst. */
export function* copyND(ctx: OpContext, src: unknown, dst: unknown): Op<NDArray> {
  const alloc = allocatorOf(ctx);
  const S = requireNDArray(src, ctx.op, 'src', alloc);
  const D = dst === undefined || dst === null ? undefined : requireNDArray(dst, ctx.op, 'dst', alloc);
  if (D && D.dtype !== S.dtype) throw new TypeError(`${ctx.op}: dst has dtype '${D.dtype}' but src has dtype '${S.dtype}'; they must match`);
  const shape = D ? D.shape : S.shape;
  const st = broadcastStrides(S.shape, S.strides, shape);
  if (!st) throw new RangeError(`${ctx.op}: could not broadcast input array from shape ${formatShape(S.shape)} into shape ${formatShape(shape)}`);
  if (S.isContiguous && sameShape(S.shape, shape) && contiguousAs(D, shape)) {
    const P = placeInput(ctx, S, 'src');
    const out = D ? placeOut(ctx, D, 'dst') : freshOut(ctx, S.dtype, shape);
    if (S.size > 0 && P.base + S.offset * P.bytes !== out.base + out.nd.offset * out.bytes) {
      yield { kernel: `copy_${S.dtype}`, n: S.size, args: [P.base + S.offset * P.bytes, out.base + out.nd.offset * out.bytes] };
    }
    return out.nd;
  }
  const P = placeInput(ctx, S, 'src');
  const O = D ? placeOut(ctx, D, 'dst') : undefined;
  const { dst: t, final } = target(ctx, O, [[P, st]], S.dtype, shape);
  yield* copyInto(ctx, t, P, st);
  if (final) yield* copyInto(ctx, final, t);
  return final ? final.nd : t.nd;
}

/** fill(x, value) on any view. */
export function* fillND(ctx: OpContext, x: unknown, value: unknown): Op<NDArray> {
  const X = requireNDArray(x, ctx.op, 'x', allocatorOf(ctx));
  const v = ew.checkNumber(value, ctx.op, 'value');
  if (X.isContiguous) { yield* ew.fill(ctx, flatOf(X), v); return X; }
  const s = scratchND(ctx, X.dtype, []);
  (s.nd.data as TypedArray)[0] = v;
  const O = placeOut(ctx, X, 'x');
  yield* copyInto(ctx, O, s, X.shape.map(() => 0));
  return X;
}
