/**
 * Reductions with `axis` (number | number[], negative ok) and `keepdims`.
 * Over every axis (the default) they return a number through the 1-d op on the
 * flat data (a contiguous copy first when the view is strided). Along axes, the
 * plan (assembly/strided-reduce.ts) is one of:
 *   mode 0 — the smallest-stride dim is reduced: each output element reduces
 *            contiguous rows with the flat SIMD kernels (pairwise sums);
 *   mode 1 — the smallest-stride dim is kept: each unit accumulates whole rows
 *            into a block of lanes, vectorised along them (no strided gather).
 * Every output element is computed by one unit in a fixed order: the same bits
 * for any thread count. Accumulation is in f64; results are cast to the output dtype.
 * Output dtypes: sum/prod of integers → f64 (numpy: int64); mean/variance/std/norm
 * → f64 for integers, the input's float dtype otherwise; min/max keep the dtype;
 * argmin/argmax → u32 (numpy: int64); any/all → u8 (numpy: bool).
 */
import { DTYPES, describe, type Dtype } from '../../memory/dtypes.js';
import type { Op } from '../../engine/op.js';
import type { OpContext } from '../../engine/op-context.js';
import * as red from '../../engine/ops/reduce.js';
import { requireNDArray } from '../interop.js';
import { NDArray } from '../ndarray.js';
import { planIteration } from '../plan.js';
import { cStrides, normalizeAxes, normalizeAxis } from '../shape.js';
import { REDUCE_CODES, type ReduceCode } from './codes.js';
import { checkOut, copyInto, flatOf } from './elementwise.js';
import { allocatorOf, freshOut, placeInput, placeOut, planJob, scratchND, type Placed } from './place.js';

export type ReduceName = 'sum' | 'prod' | 'mean' | 'min' | 'max' | 'argmin' | 'argmax' | 'variance' | 'std' | 'norm' | 'any' | 'all';

export interface AxisOptions { axis?: unknown; keepdims?: unknown; ddof?: unknown; out?: unknown }

function outDtype(name: ReduceName, d: Dtype): Dtype {
  if (name === 'argmin' || name === 'argmax') return 'u32';
  if (name === 'any' || name === 'all') return 'u8';
  if (name === 'min' || name === 'max') return d;
  return DTYPES[d].float ? d : 'f64';
}

/** True when the call needs the N-d path (else the 1-d op runs, exactly as before). */
export function wantsAxis(x: unknown, o: AxisOptions | undefined): boolean {
  return !ArrayBuffer.isView(x) || (o !== undefined && (o.axis !== undefined && o.axis !== null || o.keepdims === true || o.out !== undefined));
}

const FLAT = new Set<ReduceName>(['sum', 'mean', 'min', 'max', 'argmin', 'argmax', 'variance', 'std', 'norm']);

function* flatReduce(ctx: OpContext, name: ReduceName, flat: ArrayBufferView, ddof: unknown): Op<number> {
  switch (name) {
    case 'sum': return yield* red.sum(ctx, flat);
    case 'mean': return yield* red.mean(ctx, flat);
    case 'min': case 'max': return yield* red.extremum(ctx, name, flat);
    case 'argmin': case 'argmax': return yield* red.argExtremum(ctx, name, flat);
    case 'variance': return yield* red.variance(ctx, flat, ddof);
    case 'std': return yield* red.std(ctx, flat, ddof);
    case 'norm': return yield* red.norm(ctx, flat);
  }
  throw new Error(`internal: no flat ${name}`);
}

export function* reduceND(ctx: OpContext, name: ReduceName, x: unknown, o: AxisOptions = {}): Op<NDArray | number> {
  const X = requireNDArray(x, ctx.op, 'x', allocatorOf(ctx));
  if (o.keepdims !== undefined && typeof o.keepdims !== 'boolean') throw new TypeError(`${ctx.op}: keepdims must be a boolean; got ${describe(o.keepdims)}`);
  // The common case first, with nothing else to plan: every axis of a contiguous array.
  if ((o.axis === undefined || o.axis === null) && !o.keepdims && o.out === undefined && FLAT.has(name) && X.isContiguous) {
    return yield* flatReduce(ctx, name, flatOf(X), o.ddof);
  }
  const keepdims = o.keepdims === true;
  const arg = name === 'argmin' || name === 'argmax';
  if (arg && Array.isArray(o.axis)) throw new TypeError(`${ctx.op}: axis must be an integer (one axis) for ${name}; got ${describe(o.axis)}`);
  // Over every axis, numpy's answer is the flat C-order index, which the axis plan does not
  // produce (it indexes within the reduced block): it comes from the 1-d op, then fills the 1×…×1 output.
  const argFlatKept = arg && keepdims && (o.axis === undefined || o.axis === null) && X.ndim > 1;
  const axes = arg && o.axis !== undefined && o.axis !== null ? [normalizeAxis(o.axis, X.ndim, ctx.op)] : normalizeAxes(o.axis, X.ndim, ctx.op);
  let ddof = 0;
  if (name === 'variance' || name === 'std') {
    if (o.ddof !== undefined && typeof o.ddof !== 'number') throw new TypeError(`${ctx.op}: ddof must be a number; got ${describe(o.ddof)}`);
    if (o.ddof !== undefined && (!Number.isInteger(o.ddof) || (o.ddof as number) < 0)) throw new RangeError(`${ctx.op}: ddof must be a non-negative integer; got ${describe(o.ddof)}`);
    ddof = (o.ddof as number | undefined) ?? 0;
  }
  const reduced = new Set(axes);
  const count = axes.reduce((p, a) => p * X.shape[a]!, 1);
  const outShape = keepdims ? X.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : X.shape.filter((_, i) => !reduced.has(i));
  const dtype = outDtype(name, X.dtype);
  const user = checkOut(ctx, o.out, outShape, dtype);
  if (count === 0 && (name === 'min' || name === 'max' || arg)) {
    throw new RangeError(arg ? `${ctx.op}: attempt to get ${name} of an empty sequence` : `${ctx.op}: zero-size array to reduction operation ${name === 'min' ? 'minimum' : 'maximum'} which has no identity`);
  }
  // Over every axis to a number: the 1-d op on contiguous data.
  const full = axes.length === X.ndim && !keepdims && !user && name !== 'prod' && name !== 'any' && name !== 'all';
  if (full) {
    if (X.isContiguous) return yield* flatReduce(ctx, name, flatOf(X), ddof);
    const tmp = scratchND(ctx, X.dtype, X.shape);
    yield* copyInto(ctx, tmp, placeInput(ctx, X, 'x'));
    const v = yield* flatReduce(ctx, name, flatOf(tmp.nd), ddof);
    // argmin/argmax of the C-order copy: the same flat index numpy gives.
    return v;
  }
  if (argFlatKept) {
    let index: number;
    if (X.isContiguous) index = yield* flatReduce(ctx, name, flatOf(X), 0);
    else {
      const tmp = scratchND(ctx, X.dtype, X.shape);
      yield* copyInto(ctx, tmp, placeInput(ctx, X, 'x'));
      index = yield* flatReduce(ctx, name, flatOf(tmp.nd), 0);
    }
    const outP = user ? placeOut(ctx, user, 'out') : freshOut(ctx, dtype, outShape);
    const s = scratchND(ctx, 'u32', []);
    (s.nd.data as Uint32Array)[0] = index;
    yield* castInto(ctx, placed(outP, outP.nd.squeeze(axes)), s, []);
    return outP.nd;
  }
  const PX = placeInput(ctx, X, 'x');
  const size = outShape.reduce((p, d) => p * d, 1);
  const kept = X.shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const keptShape = kept.map((i) => X.shape[i]!);
  let acc: Placed | undefined, idx: Placed | undefined;
  if (size > 0 && count > 0) {
    const kernelOp: ReduceCode = name === 'mean' ? 'sum' : name === 'norm' ? 'sumsq' : name === 'variance' || name === 'std' ? 'sum' : name;
    const run = (yield* reduceJob(ctx, PX, axes, kept, REDUCE_CODES[kernelOp], arg, 0))!;
    acc = run.acc; idx = run.idx;
    const a = acc.nd.data as Float64Array;
    if (name === 'mean') for (let i = 0; i < a.length && i < size; i++) a[i] = a[i]! / count;
    if (name === 'norm') for (let i = 0; i < size; i++) a[i] = Math.sqrt(a[i]!);
    if (name === 'variance' || name === 'std') {
      for (let i = 0; i < size; i++) a[i] = a[i]! / count;
      const dev = (yield* reduceJob(ctx, PX, axes, kept, REDUCE_CODES.sumsqdev, false, acc.base))!;
      const d = dev.acc.nd.data as Float64Array;
      const denom = red.dof(count, ddof);
      for (let i = 0; i < size; i++) d[i] = d[i]! / denom;
      if (name === 'std') for (let i = 0; i < size; i++) d[i] = Math.sqrt(d[i]!);
      acc = dev.acc;
    }
  }
  // The result: acc (layout: the kept dims, lanes last when mode 1) cast into the output.
  const outP = user ? placeOut(ctx, user, 'out') : outShape.length === 0 ? scratchND(ctx, dtype, []) : freshOut(ctx, dtype, outShape);
  if (size === 0) return outP.nd;
  const view = keepdims ? outP.nd.squeeze(axes) : outP.nd;
  if (!acc) {
    // An empty reduction: numpy's identity (sum 0, prod 1, any false, all true; mean/var NaN).
    const v = name === 'prod' || name === 'all' ? 1 : name === 'sum' || name === 'any' || name === 'norm' ? 0 : NaN;
    const s = scratchND(ctx, 'f64', []);
    (s.nd.data as Float64Array)[0] = v;
    yield* castInto(ctx, placed(outP, view), s, keptShape.map(() => 0));
  } else {
    const src = arg ? idx! : acc;
    yield* castInto(ctx, placed(outP, view), src, src.nd.strides.slice());
  }
  // Over every axis without keepdims: a number, as the 1-d reductions return.
  if (outShape.length === 0 && !user) {
    return outP.nd.data[0]!;
  }
  return outP.nd;
}

function placed(p: Placed, nd: NDArray): Placed { return { ...p, nd }; }

/** Fold segment partials into the first `size` accumulators, segment by segment in order. */
function combineSegments(a: Float64Array, size: number, segs: number, code: number): void {
  const C = REDUCE_CODES;
  for (let i = 0; i < size; i++) {
    let v = a[i]!;
    for (let s = 1; s < segs; s++) {
      const w = a[s * size + i]!;
      if (code === C.prod) v *= w;
      else if (code === C.min) v = Number.isNaN(v) ? v : Number.isNaN(w) || w < v ? w : v;
      else if (code === C.max) v = Number.isNaN(v) ? v : Number.isNaN(w) || w > v ? w : v;
      else if (code === C.any) v = v !== 0 || w !== 0 ? 1 : 0;
      else if (code === C.all) v = v !== 0 && w !== 0 ? 1 : 0;
      else v += w;
    }
    a[i] = v;
  }
}

/** dst (any dtype) = src (f64, or u32 indices) read with srcStrides over dst's shape. */
function* castInto(ctx: OpContext, dst: Placed, src: Placed, srcStrides: readonly number[]): Op<void> {
  const plan = planIteration(dst.nd.shape, [dst.nd.strides, srcStrides]);
  if (plan.size === 0) return;
  yield planJob(ctx, src.dtype === 'u32' ? 'nd_cast_u32_u32' : `nd_cast_f64_${dst.dtype}`, plan, [dst, src], []);
}

/**
 * One reduction job. Returns acc (f64, C-contiguous over the kept dims, laid out
 * so that its strides map it onto the kept dims in order) and, for arg ops, idx.
 */
function* reduceJob(ctx: OpContext, PX: Placed, axes: number[], kept: number[], code: number, arg: boolean, meanPtr: number): Op<{ acc: Placed; idx: Placed | undefined } | undefined> {
  const X = PX.nd;
  const E = PX.bytes;
  let base = PX.base + X.offset * E;
  // Reduced dims (size > 1), flipped to positive strides (order within a sum is ours to choose), sorted and coalesced.
  let red: { n: number; s: number }[] = [];
  for (const a of axes) {
    const n = X.shape[a]!;
    let s = X.strides[a]!;
    if (n === 1) continue;
    if (s < 0 && !arg) { base += (n - 1) * s * E; s = -s; }
    red.push({ n, s });
  }
  if (!arg) red.sort((p, q) => Math.abs(q.s) - Math.abs(p.s));
  const merged: { n: number; s: number }[] = [];
  for (const d of red) {
    const last = merged[merged.length - 1];
    if (last && !arg && last.s === d.s * d.n) { last.n *= d.n; last.s = d.s; } else merged.push({ ...d });
  }
  red = merged;
  const keptDims = kept.map((i) => ({ n: X.shape[i]!, s: X.strides[i]!, i }));
  const keptShape = keptDims.map((d) => d.n);
  const minRed = red.length ? Math.min(...red.map((d) => Math.abs(d.s))) : Infinity;
  const laneCands = keptDims.filter((d) => d.n > 1);
  const minKept = laneCands.length ? Math.min(...laneCands.map((d) => Math.abs(d.s))) : Infinity;
  const mode = red.length === 0 || minKept < minRed ? 1 : 0;
  const accShape = keptShape.slice();
  let accStrides = cStrides(keptShape);
  const words: number[] = [];
  let units: number, unitWork: number, segs = 1;
  const R = red.reduce((p, d) => p * d.n, 1);
  if (mode === 0) {
    const inner = red[red.length - 1]!;
    const outerRed = red.slice(0, -1);
    const nk = keptDims.length;
    words.push(0, nk, outerRed.length, inner.n, inner.s * E, 1, 1, base);
    for (const d of keptDims) words.push(d.n);
    for (const d of keptDims) words.push(d.s * E);
    for (const d of outerRed) words.push(d.n);
    for (const d of outerRed) words.push(d.s * E);
    units = keptShape.reduce((p, d) => p * d, 1);
    unitWork = R;
  } else {
    // Lanes: the kept dim with the smallest stride goes last in acc.
    const lane = laneCands.length ? laneCands.reduce((p, q) => (Math.abs(q.s) < Math.abs(p.s) ? q : p)) : keptDims[keptDims.length - 1] ?? { n: 1, s: 0, i: -1 };
    const others = keptDims.filter((d) => d !== lane);
    // Whole rows per unit: with lanes cut into blocks, each row became short runs at a
    // large stride, which the prefetcher does not follow (4096×2048 f64 axis 0, one
    // thread: 256-lane blocks 48 ms, 1024 29 ms, whole rows 9.7 ms, a full sum 3 ms).
    // Parallelism comes from splitting the reduced range into segments instead.
    const block = Math.min(lane.n, 65_536);
    const blocks = Math.ceil(lane.n / block);
    words.push(1, others.length, red.length, lane.n, lane.s * E, block, blocks, base);
    for (const d of others) words.push(d.n);
    for (const d of others) words.push(d.s * E);
    for (const d of red) words.push(d.n);
    for (const d of red) words.push(d.s * E);
    units = others.reduce((p, d) => p * d.n, 1) * blocks;
    if (!arg && units < 8) segs = Math.min(8, Math.max(1, Math.floor(R / 16)));
    units *= segs;
    unitWork = Math.ceil(R / segs) * block;
    // acc is C-contiguous in (others..., lane) order; map it back onto the kept dims.
    const order = [...others, lane];
    const cs = cStrides(order.map((d) => d.n));
    accStrides = keptDims.map((d) => cs[order.indexOf(d)] ?? 0);
  }
  const size = accShape.reduce((p, d) => p * d, 1);
  const desc = ctx.scratch('i32', words.length);
  (desc.view as Int32Array).set(words);
  const acc = scratchND(ctx, 'f64', [size * segs]);
  const idx = arg ? scratchND(ctx, 'u32', [size]) : undefined;
  const chunk = Math.max(1, Math.floor(65_536 / Math.max(1, unitWork)));
  yield {
    kernel: `nd_reduce_${X.dtype}`, n: units, chunk: Math.max(chunk, Math.ceil(units / 7000)),
    args: [desc.ptr, code, acc.base, idx ? idx.base : 0, meanPtr, segs, size], cost: Math.max(1, unitWork),
  };
  if (segs > 1) combineSegments(acc.nd.data as Float64Array, size, segs, code);
  return {
    acc: { ...acc, nd: new NDArray(acc.nd.data, accShape, accStrides, 0) },
    idx: idx && { ...idx, nd: new NDArray(idx.nd.data, accShape, accStrides, 0) },
  };
}
