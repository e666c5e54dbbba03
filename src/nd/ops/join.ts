/** concatenate / stack: each input copied (any strides) into its slice of the result. */
import { describe } from '../../memory/dtypes.js';
import type { Op } from '../../engine/op.js';
import type { OpContext } from '../../engine/op-context.js';
import { requireNDArray } from '../interop.js';
import type { NDArray } from '../ndarray.js';
import { normalizeAxis } from '../shape.js';
import { checkOut, copyInto } from './elementwise.js';
import { allocatorOf, freshOut, hazard, placeInput, placeOut, scratchND, type Placed } from './place.js';

function inputs(ctx: OpContext, arrays: unknown): NDArray[] {
  if (!Array.isArray(arrays) || arrays.length === 0) throw new TypeError(`${ctx.op}: arrays must be a non-empty array of arrays; got ${describe(arrays)}`);
  const list = arrays.map((a, i) => requireNDArray(a, ctx.op, `arrays[${i}]`, allocatorOf(ctx)));
  const d = list[0]!.dtype;
  list.forEach((a, i) => { if (a.dtype !== d) throw new TypeError(`${ctx.op}: arrays[${i}] has dtype '${a.dtype}' but arrays[0] has dtype '${d}'; they must match`); });
  return list;
}

function* join(ctx: OpContext, list: NDArray[], ax: number, out: unknown): Op<NDArray> {
  const first = list[0]!;
  const shape = first.shape.slice();
  shape[ax] = list.reduce((p, a) => p + a.shape[ax]!, 0);
  const o = checkOut(ctx, out, shape, first.dtype);
  const placed = list.map((a, i) => placeInput(ctx, a, `arrays[${i}]`));
  const O = o && placeOut(ctx, o, 'out');
  let dst: Placed, final: Placed | undefined;
  if (!O) dst = freshOut(ctx, first.dtype, shape);
  else if (placed.some((p) => hazard(O, p, O.nd.shape, O.nd.strides.map(() => 0)))) { dst = scratchND(ctx, first.dtype, shape); final = O; } else dst = O;
  let at = 0;
  for (const p of placed) {
    const n = p.nd.shape[ax]!;
    const spec = shape.map((_, i) => (i === ax ? [at, at + n] as const : null));
    yield* copyInto(ctx, { ...dst, nd: dst.nd.slice(...spec) }, p);
    at += n;
  }
  if (final) { yield* copyInto(ctx, final, dst); return final.nd; }
  return dst.nd;
}

export function* concatenate(ctx: OpContext, arrays: unknown, o: { axis?: unknown; out?: unknown }): Op<NDArray> {
  const list = inputs(ctx, arrays);
  const nd = list[0]!.ndim;
  if (nd === 0) throw new RangeError(`${ctx.op}: zero-dimensional arrays cannot be concatenated`);
  const ax = normalizeAxis(o.axis ?? 0, nd, ctx.op);
  list.forEach((a, i) => {
    if (a.ndim !== nd) throw new RangeError(`${ctx.op}: all the input arrays must have same number of dimensions, but the array at index 0 has ${nd} dimension(s) and the array at index ${i} has ${a.ndim} dimension(s)`);
    for (let d = 0; d < nd; d++) {
      if (d !== ax && a.shape[d] !== list[0]!.shape[d]) {
        throw new RangeError(`${ctx.op}: all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${list[0]!.shape[d]} and the array at index ${i} has size ${a.shape[d]}`);
      }
    }
  });
  return yield* join(ctx, list, ax, o.out);
}

export function* stack(ctx: OpContext, arrays: unknown, o: { axis?: unknown; out?: unknown }): Op<NDArray> {
  const list = inputs(ctx, arrays);
  const s = list[0]!.shape;
  list.forEach((a) => { if (a.ndim !== s.length || a.shape.some((d, i) => d !== s[i])) throw new RangeError(`${ctx.op}: all input arrays must have the same shape`); });
  const ax = normalizeAxis(o.axis ?? 0, s.length + 1, ctx.op);
  return yield* join(ctx, list.map((a) => a.expandDims(ax)), ax, o.out);
}
