/**
 * The 1-d ops numpy also applies to N-d arrays: histogram counts every element
 * (numpy flattens), dot of two vectors is a number and of matrices is matmul
 * (numpy.dot; past 2-d numpy.dot is not matmul, so it is refused). A strided
 * view is made contiguous once, then the typed-array op runs unchanged.
 */
import type { Op } from '../../engine/op.js';
import type { OpContext } from '../../engine/op-context.js';
import type { HistogramOptions } from '../../engine/options.js';
import * as hist from '../../engine/ops/histogram.js';
import * as red from '../../engine/ops/reduce.js';
import { requireNDArray } from '../interop.js';
import type { NDArray } from '../ndarray.js';
import { contiguous, flatOf } from './elementwise.js';
import { matmulND } from './matmul-nd.js';
import { allocatorOf } from './place.js';

export function* histogramND(ctx: OpContext, x: unknown, o: HistogramOptions | undefined): Op<Uint32Array> {
  const X = requireNDArray(x, ctx.op, 'x', allocatorOf(ctx));
  return yield* hist.histogram(ctx, flatOf(yield* contiguous(ctx, X, 'x')), o);
}

export function* dotND(ctx: OpContext, a: unknown, b: unknown): Op<number | NDArray> {
  const alloc = allocatorOf(ctx);
  const A = requireNDArray(a, ctx.op, 'a', alloc), B = requireNDArray(b, ctx.op, 'b', alloc);
  if (A.ndim === 1 && B.ndim === 1) {
    return yield* red.dot(ctx, flatOf(yield* contiguous(ctx, A, 'a')), flatOf(yield* contiguous(ctx, B, 'b')));
  }
  if (A.ndim >= 1 && B.ndim >= 1 && A.ndim <= 2 && B.ndim <= 2) return yield* matmulND(ctx, A, B, {});
  throw new TypeError(`${ctx.op}: operands must be 1-d or 2-d; got shapes with ${A.ndim} and ${B.ndim} dims (use multiply for 0-d, matmul for batched matrices)`);
}
