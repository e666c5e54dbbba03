/**
 * How an N-d op hands arrays to the strided kernels: each NDArray's data is
 * placed like any typed array argument (in place when it lives in the engine's
 * memory, staged otherwise), its element 0 addressed at ptr + offset·bytes; an
 * iteration plan becomes the i32 descriptor block assembly/strided.ts reads.
 */
import { DTYPES, type Dtype, type TypedArray } from '../../memory/dtypes.js';
import type { OpContext } from '../../engine/op-context.js';
import type { KernelJob } from '../../engine/op.js';
import { overlap } from '../../engine/overlap.js';
import { NDArray, type Allocator } from '../ndarray.js';
import { splitRows, type IterPlan } from '../plan.js';
import { extent } from '../shape.js';

/** An NDArray placed in the shared memory: `base` is the byte address of its data[0]. */
export interface Placed {
  readonly nd: NDArray;
  readonly base: number;
  readonly dtype: Dtype;
  readonly bytes: number;
}

export function allocatorOf(ctx: OpContext): Allocator {
  const owner = ctx.services.owner as { alloc(d: Dtype, n: number): TypedArray };
  return (d, n) => owner.alloc(d, n);
}

export function placeInput(ctx: OpContext, nd: NDArray, name: string): Placed {
  const arg = ctx.input(nd.data, name);
  return { nd, base: arg.ptr, dtype: nd.dtype, bytes: DTYPES[nd.dtype].bytes };
}

/** A user's `out` view: read and written in place (staged both ways when foreign). */
export function placeOut(ctx: OpContext, nd: NDArray, name: string): Placed {
  const arg = ctx.inout(nd.data, name);
  return { nd, base: arg.ptr, dtype: nd.dtype, bytes: DTYPES[nd.dtype].bytes };
}

/** A fresh C-contiguous result the user gets (freed if the op fails). */
export function freshOut(ctx: OpContext, dtype: Dtype, shape: readonly number[]): Placed {
  let n = 1;
  for (const d of shape) n *= d;
  const arg = ctx.output(undefined, 'out', dtype, n);
  const nd = new NDArray(ctx.result(arg), shape, undefined, 0, allocatorOf(ctx));
  return { nd, base: arg.ptr, dtype, bytes: DTYPES[dtype].bytes };
}

/** A C-contiguous scratch array, freed when the op ends. */
export function scratchND(ctx: OpContext, dtype: Dtype, shape: readonly number[]): Placed {
  let n = 1;
  for (const d of shape) n *= d;
  const arg = ctx.scratch(dtype, Math.max(n, 1));
  const nd = new NDArray(arg.view as TypedArray, shape, undefined, 0);
  return { nd, base: arg.ptr, dtype, bytes: DTYPES[dtype].bytes };
}

/** Byte span of the elements a view can reach. */
function span(p: Placed): { ptr: number; length: number; dtype: Dtype } {
  const [lo, hi] = extent(p.nd.shape, p.nd.strides, p.nd.offset);
  return { ptr: p.base + lo * p.bytes, length: Math.max(0, hi - lo + 1), dtype: p.dtype };
}

/**
 * True when writing `out` while reading `input` could read an element already
 * overwritten: their bytes meet and they are not the very same view (an
 * elementwise kernel reads element i before writing it, so identical views are safe).
 */
export function hazard(out: Placed, input: Placed, inputShape?: readonly number[], inputStrides?: readonly number[]): boolean {
  if (overlap(span(out), span(input)) === 'disjoint') return false;
  const sh = inputShape ?? input.nd.shape, st = inputStrides ?? input.nd.strides;
  const same = out.base + out.nd.offset * out.bytes === input.base + input.nd.offset * input.bytes && out.bytes === input.bytes
    && sh.length === out.nd.shape.length && sh.every((d, i) => d === out.nd.shape[i] && (d === 1 || st[i] === out.nd.strides[i]));
  return !same;
}

/**
 * The descriptor block for `plan` over operands with byte bases (element 0 of
 * each view, offsets and flips applied) and element sizes; see assembly/strided.ts.
 */
export function writeDesc(ctx: OpContext, plan: IterPlan, ops: readonly Placed[], segLen: number, segs: number): number {
  const nd = plan.outer.length, nops = ops.length;
  const words = 5 + 2 * nops + nd + nops * nd;
  const desc = ctx.scratch('i32', words);
  const w = desc.view as Int32Array;
  w[0] = nd; w[1] = plan.inner; w[2] = segLen; w[3] = segs; w[4] = nops;
  for (let k = 0; k < nops; k++) {
    const p = ops[k]!;
    w[5 + 2 * k] = p.base + (p.nd.offset + plan.offsetDelta[k]!) * p.bytes;
    w[6 + 2 * k] = plan.innerStrides[k]! * p.bytes;
    for (let d = 0; d < nd; d++) w[5 + 2 * nops + nd + k * nd + d] = plan.outerStrides[k]![d]! * p.bytes;
  }
  for (let d = 0; d < nd; d++) w[5 + 2 * nops + d] = plan.outer[d]!;
  return desc.ptr;
}

/** Per-thread gather buffers for runs that are not unit-stride: 512 bytes of flags, then 3 × 4 KiB per thread. */
export function gatherSlots(ctx: OpContext): { flags: number; slots: number } {
  const slots = ctx.threads;
  const buf = ctx.scratch('u32', 128 + slots * 3 * 1024);
  (buf.view as Uint32Array).fill(0, 0, 128);
  return { flags: buf.ptr, slots };
}

/** A job over a plan's rows (split into units and chunks by shape alone). */
export function planJob(ctx: OpContext, kernel: string, plan: IterPlan, ops: readonly Placed[], extra: readonly number[], cost = 1): KernelJob {
  const split = splitRows(plan.rows, plan.inner, cost);
  const desc = writeDesc(ctx, plan, ops, split.segLen, split.segs);
  return { kernel, n: split.units, chunk: split.chunk, args: [desc, ...extra], cost: cost * split.segLen };
}
