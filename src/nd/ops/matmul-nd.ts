/**
 * matmul with numpy's rules: 2-d, 1-d operands promoted (a vector on the left
 * is a row, on the right a column; the added dim is removed from the result),
 * and batched (..., m, k) @ (..., k, n) with broadcast batch dims. Each batch
 * item is one run of the 2-d kernel on contiguous matrices (strided operands
 * are made contiguous once, first).
 */
import type { TypedArray } from '../../memory/dtypes.js';
import type { Op } from '../../engine/op.js';
import type { OpContext } from '../../engine/op-context.js';
import * as mm from '../../engine/ops/matmul.js';
import { broadcastShapes, broadcastStrides } from '../broadcast.js';
import { requireNDArray } from '../interop.js';
import type { NDArray } from '../ndarray.js';
import { formatShape } from '../shape.js';
import { checkOut, contiguous, copyInto, flatOf } from './elementwise.js';
import { allocatorOf, freshOut, hazard, placeInput, placeOut, type Placed } from './place.js';

export function* matmulND(ctx: OpContext, a: unknown, b: unknown, o: { out?: unknown; m?: unknown; k?: unknown; n?: unknown }): Op<NDArray> {
  if (o.m !== undefined || o.k !== undefined || o.n !== undefined) throw new TypeError(`${ctx.op}: { m, k, n } is for flat typed arrays; N-d operands carry their shapes`);
  const alloc = allocatorOf(ctx);
  let A = requireNDArray(a, ctx.op, 'a', alloc), B = requireNDArray(b, ctx.op, 'b', alloc);
  if (A.dtype !== 'f64' && A.dtype !== 'f32') throw new TypeError(`${ctx.op}: a has dtype '${A.dtype}'; ${ctx.op} supports 'f64', 'f32'`);
  if (B.dtype !== A.dtype) throw new TypeError(`${ctx.op}: b has dtype '${B.dtype}' but a has dtype '${A.dtype}'; they must match`);
  if (A.ndim === 0 || B.ndim === 0) throw new RangeError(`${ctx.op}: Input operand ${A.ndim === 0 ? 0 : 1} does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)`);
  const vecA = A.ndim === 1, vecB = B.ndim === 1;
  if (vecA) A = A.expandDims(0);
  if (vecB) B = B.expandDims(1);
  const [m, k] = A.shape.slice(-2) as [number, number];
  const [k2, n] = B.shape.slice(-2) as [number, number];
  if (k !== k2) throw new RangeError(`${ctx.op}: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${k2} is different from ${k})`);
  const batch = broadcastShapes(ctx.op, A.shape.slice(0, -2), B.shape.slice(0, -2));
  const shape = [...batch, ...(vecA ? [] : [m]), ...(vecB ? [] : [n])];
  const user = checkOut(ctx, o.out, shape, A.dtype);
  A = yield* contiguous(ctx, A, 'a');
  B = yield* contiguous(ctx, B, 'b');
  const PA = placeInput(ctx, A, 'a'), PB = placeInput(ctx, B, 'b');
  const O = user && placeOut(ctx, user, 'out');
  const direct = O?.nd.isContiguous && !hazard(O, PA) && !hazard(O, PB);
  const dst: Placed = direct ? O! : freshOut(ctx, A.dtype, shape);
  const sa = broadcastStrides(A.shape.slice(0, -2), A.strides.slice(0, -2), batch)!;
  const sb = broadcastStrides(B.shape.slice(0, -2), B.strides.slice(0, -2), batch)!;
  const items = batch.reduce((p, d) => p * d, 1);
  const fa = A.data, fb = B.data, fo = flatOf(dst.nd);
  for (let t = 0; t < items; t++) {
    let r = t, offA = A.offset, offB = B.offset;
    for (let d = batch.length - 1; d >= 0; d--) { const i = r % batch[d]!; r = (r - i) / batch[d]!; offA += i * sa[d]!; offB += i * sb[d]!; }
    const sub = (x: TypedArray, off: number, len: number) => x.subarray(off, off + len) as Float64Array;
    yield* mm.matmul(ctx, sub(fa, offA, m * k), sub(fb, offB, k * n), { m, k, n, out: sub(fo, t * m * n, m * n) });
  }
  if (O && !direct) { yield* copyInto(ctx, O, dst); return O.nd; }
  void formatShape;
  return dst.nd;
}
