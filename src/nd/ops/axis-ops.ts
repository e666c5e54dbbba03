/**
 * cumsum along an axis, and sort/argsort along an axis (default the last).
 * cumsum adds in the element type along the axis, sequentially, as numpy does
 * (assembly/strided-scan.ts); without an axis it flattens (C order), as numpy does.
 * sort/argsort gather the rows (the axis moved last) into a contiguous buffer,
 * merge-sort every row (stable; TypedArray#sort's order: -0 before +0, NaN last)
 * and write them back. argsort returns u32 indices (numpy: int64).
 */
import { DTYPES, type TypedArray } from '../../memory/dtypes.js';
import type { Op } from '../../engine/op.js';
import type { OpContext } from '../../engine/op-context.js';
import * as scan from '../../engine/ops/scan.js';
import * as srt from '../../engine/ops/sort.js';
import { requireNDArray } from '../interop.js';
import type { NDArray } from '../ndarray.js';
import { normalizeAxis } from '../shape.js';
import { checkOut, copyInto, flatOf, wrap } from './elementwise.js';
import { allocatorOf, freshOut, hazard, placeInput, placeOut, scratchND, type Placed } from './place.js';

export function* cumsumND(ctx: OpContext, x: unknown, o: { axis?: unknown; out?: unknown }): Op<NDArray> {
  const X = requireNDArray(x, ctx.op, 'x', allocatorOf(ctx));
  if (o.axis === undefined || o.axis === null) {
    const shape = [X.size];
    const out = checkOut(ctx, o.out, shape, X.dtype);
    let src: TypedArray;
    if (X.isContiguous) src = flatOf(X);
    else { const t = scratchND(ctx, X.dtype, X.shape); yield* copyInto(ctx, t, placeInput(ctx, X, 'x')); src = flatOf(t.nd); }
    if (out && !out.isContiguous) {
      const t = scratchND(ctx, X.dtype, shape);
      yield* scan.cumsum(ctx, src, { out: flatOf(t.nd) });
      yield* copyInto(ctx, placeOut(ctx, out, 'out'), t);
      return out;
    }
    return wrap(ctx, yield* scan.cumsum(ctx, src, { out: out && flatOf(out) }), shape, out);
  }
  const ax = normalizeAxis(o.axis, X.ndim, ctx.op);
  const out = checkOut(ctx, o.out, X.shape, X.dtype);
  const PX = placeInput(ctx, X, 'x');
  const O = out && placeOut(ctx, out, 'out');
  let dst: Placed, final: Placed | undefined;
  if (!O) dst = freshOut(ctx, X.dtype, X.shape);
  else if (hazard(O, PX)) { dst = scratchND(ctx, X.dtype, X.shape); final = O; } else dst = O;
  if (X.size > 0) {
    const E = PX.bytes;
    const dims = X.shape.map((n, i) => ({ n, xs: X.strides[i]!, os: dst.nd.strides[i]!, i })).filter((d) => d.i !== ax && d.n > 1);
    const lane = dims.length ? dims.reduce((p, q) => (Math.abs(q.xs) < Math.abs(p.xs) ? q : p)) : { n: 1, xs: 0, os: 0, i: -1 };
    const others = dims.filter((d) => d !== lane);
    const block = Math.min(lane.n, 256), blocks = Math.ceil(lane.n / block);
    const Ls = X.shape[ax]!;
    const words = [others.length, Ls, lane.n, block, blocks, PX.base + X.offset * E, dst.base + dst.nd.offset * E,
      X.strides[ax]! * E, dst.nd.strides[ax]! * E, lane.xs * E, lane.os * E,
      ...others.map((d) => d.n), ...others.map((d) => d.xs * E), ...others.map((d) => d.os * E)];
    const desc = ctx.scratch('i32', words.length);
    (desc.view as Int32Array).set(words);
    const units = others.reduce((p, d) => p * d.n, 1) * blocks;
    const work = Ls * block;
    yield { kernel: `nd_cumsum_${X.dtype}`, n: units, chunk: Math.max(1, Math.floor(65_536 / work), Math.ceil(units / 7000)), args: [desc.ptr], cost: Math.max(1, work) };
  }
  if (final) { yield* copyInto(ctx, final, dst); return final.nd; }
  return dst.nd;
}

/** Rows of X along `ax`, gathered contiguous; returns the buffer and the moved view's permutation. */
function* gatherRows(ctx: OpContext, X: NDArray, ax: number): Op<{ buf: Placed; perm: number[]; rows: number; L: number }> {
  const perm = X.shape.map((_, i) => i).filter((i) => i !== ax).concat(ax);
  const V = X.transpose(perm);
  const buf = scratchND(ctx, X.dtype, V.shape);
  yield* copyInto(ctx, buf, placeInput(ctx, V, 'x'));
  const L = X.shape[ax]!;
  return { buf, perm, rows: L === 0 ? 0 : X.size / L, L };
}

function* sortRows(ctx: OpContext, buf: Placed, rows: number, L: number, idx: Placed | undefined): Op<void> {
  if (rows === 0 || L === 0) return;
  const tmp = ctx.scratch(buf.dtype, rows * L);
  const itmp = idx ? ctx.scratch('u32', rows * L).ptr : 0;
  const work = L * Math.max(1, Math.log2(L)) * 4;
  yield {
    kernel: `nd_sortrows_${buf.dtype}`, n: rows, chunk: Math.max(1, Math.floor(65_536 / work), Math.ceil(rows / 7000)),
    args: [buf.base, tmp.ptr, L, idx ? idx.base : 0, itmp], cost: Math.max(1, work),
  };
}

function axisOf(ctx: OpContext, X: NDArray, axis: unknown): number {
  return normalizeAxis(axis === undefined ? -1 : axis, X.ndim, ctx.op);
}

export function* sortND(ctx: OpContext, x: unknown, o: { axis?: unknown }): Op<NDArray> {
  const X = requireNDArray(x, ctx.op, 'x', allocatorOf(ctx));
  if (X.ndim === 0) throw new RangeError(`${ctx.op}: axis ${String(o.axis ?? -1)} is out of bounds for an array of dimension 0`);
  const ax = axisOf(ctx, X, o.axis);
  if (X.ndim === 1 && X.isContiguous) { yield* srt.sort(ctx, flatOf(X)); return X; }
  const { buf, perm, rows, L } = yield* gatherRows(ctx, X, ax);
  yield* sortRows(ctx, buf, rows, L, undefined);
  const O = placeOut(ctx, X, 'x');
  yield* copyInto(ctx, { ...O, nd: X.transpose(perm) }, buf);
  return X;
}

export function* argsortND(ctx: OpContext, x: unknown, o: { axis?: unknown; out?: unknown }): Op<NDArray> {
  const X = requireNDArray(x, ctx.op, 'x', allocatorOf(ctx));
  if (X.ndim === 0) throw new RangeError(`${ctx.op}: axis ${String(o.axis ?? -1)} is out of bounds for an array of dimension 0`);
  const ax = axisOf(ctx, X, o.axis);
  const out = checkOut(ctx, o.out, X.shape, 'u32');
  if (X.ndim === 1 && X.isContiguous && (!out || out.isContiguous)) return wrap(ctx, yield* srt.argsort(ctx, flatOf(X), { out: out && flatOf(out) }), X.shape, out);
  const { buf, perm, rows, L } = yield* gatherRows(ctx, X, ax);
  const idx = scratchND(ctx, 'u32', buf.nd.shape);
  yield* sortRows(ctx, buf, rows, L, idx);
  const dst = out ? placeOut(ctx, out, 'out') : freshOut(ctx, 'u32', X.shape);
  yield* copyInto(ctx, { ...dst, nd: dst.nd.transpose(perm) }, idx);
  void DTYPES;
  return dst.nd;
}
