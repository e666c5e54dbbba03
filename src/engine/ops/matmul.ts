/**
 * matmul: C = A·B, row-major (see assembly/linalg.ts), one parallel job over
 * items of (a block of rows × a block of column panels); each item packs the
 * panels of B it uses into a buffer its thread holds.
 */
import type { TypedArray } from '../../memory/dtypes.js';
import type { Op } from '../op.js';
import type { OpContext } from '../op-context.js';
import { overlaps } from '../overlap.js';

export interface MatmulOptions { m?: unknown; k?: unknown; n?: unknown; out?: unknown }

function dim(ctx: OpContext, v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`${ctx.op}: ${name} must be a non-negative integer; got ${String(v)}`);
  return v;
}

/** KC in assembly/linalg.ts: the k depth of one packed slice. */
const PACK_DEPTH = 256;

export interface MatmulItems { colBlocks: number; panelsPerItem: number; rowsPerItem: number; items: number }

/**
 * The work items, from the shapes alone (so results never depend on the thread
 * count): about 16, so 2–3 threads balance. Column blocks come first, since
 * they split B between threads; rows are split only when n is too narrow for
 * 16 column blocks. An even panel count puts block edges 64 bytes apart,
 * so two threads share a line of C only where a row is not line-aligned.
 */
export function matmulItems(m: number, n: number, lanes: number): MatmulItems {
  const panels = Math.ceil(n / lanes);
  let panelsPerItem = Math.min(32, Math.max(2, Math.ceil(panels / 16)));
  if (panelsPerItem % 2 === 1) panelsPerItem++;
  panelsPerItem = Math.min(panelsPerItem, panels);
  const colBlocks = Math.ceil(panels / panelsPerItem);
  const rowBlocks = Math.max(1, Math.min(Math.ceil(16 / colBlocks), Math.ceil(m / 32)));
  const rowsPerItem = Math.ceil(Math.ceil(m / rowBlocks) / 4) * 4;
  return { colBlocks, panelsPerItem, rowsPerItem, items: colBlocks * Math.ceil(m / rowsPerItem) };
}

export function* matmul(ctx: OpContext, a: unknown, b: unknown, opts?: MatmulOptions): Op<TypedArray> {
  const A = ctx.input(a, 'a', { dtypes: ['f64', 'f32'] });
  const B = ctx.input(b, 'b', { dtype: A.dtype, like: 'a' });
  let m = dim(ctx, opts?.m, 'm'), k = dim(ctx, opts?.k, 'k'), n = dim(ctx, opts?.n, 'n');
  if (k === undefined) {
    if (m !== undefined && m > 0) k = A.length / m;
    else if (n !== undefined && n > 0) k = B.length / n;
    else throw new TypeError(`${ctx.op}: pass the shapes { m, k, n } (at least k, or m or n)`);
  }
  if (m === undefined) m = k > 0 ? A.length / k : 0;
  if (n === undefined) n = k > 0 ? B.length / k : 0;
  if (!Number.isInteger(k) || !Number.isInteger(m) || !Number.isInteger(n) || A.length !== m * k || B.length !== k * n) {
    throw new RangeError(`${ctx.op}: a (length ${A.length}) must be m×k and b (length ${B.length}) k×n; got m=${m}, k=${k}, n=${n}`);
  }
  const out = ctx.output(opts?.out, 'out', A.dtype, m * n);
  if (m === 0 || n === 0) return ctx.result(out);
  // Writing C while A (or B, for k = 0) is still being read would corrupt it: compute aside.
  const C = overlaps(out, A) || overlaps(out, B) ? ctx.scratch(A.dtype, m * n) : out;
  const lanes = A.dtype === 'f32' ? 8 : 4;
  const { colBlocks, panelsPerItem, rowsPerItem, items } = matmulItems(m, n, lanes);
  // One pack buffer per thread (an item holds one while it runs), after 512 bytes of u32 flags.
  const slots = ctx.threads;
  const packs = ctx.scratch('u32', 128 + (slots * panelsPerItem * PACK_DEPTH * 32) / 4);
  (packs.view as Uint32Array).fill(0, 0, 128);
  yield {
    kernel: `matmul_${A.dtype}`, n: items, chunk: 1,
    args: [A.ptr, B.ptr, packs.ptr, slots, C.ptr, m, k, n, colBlocks, panelsPerItem, rowsPerItem],
    cost: Math.max(1, (rowsPerItem * k * panelsPerItem * lanes) / 4),
  };
  if (C !== out) (out.view as TypedArray).set(C.view as TypedArray);
  return ctx.result(out);
}
