/**
 * matmul: C = A·B, row-major (see assembly/linalg.ts). Job 1 packs B into
 * column panels once (parallel over panels); job 2 computes blocks of rows of C
 * in parallel against the shared packed B.
 */
import type { TypedArray } from '../../memory/dtypes.js';
import type { ArrayArg, Op } from '../op.js';
import type { OpContext } from '../op-context.js';

export interface MatmulOptions { m?: unknown; k?: unknown; n?: unknown; out?: unknown }

function dim(ctx: OpContext, v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`${ctx.op}: ${name} must be a non-negative integer; got ${String(v)}`);
  return v;
}

function overlaps(a: ArrayArg, b: ArrayArg): boolean {
  const bytes = a.dtype === 'f64' ? 8 : 4;
  return a.ptr < b.ptr + b.length * bytes && b.ptr < a.ptr + a.length * bytes && a.length > 0 && b.length > 0;
}

/** Rows per chunk: a multiple of the 4-row tile, about 16 chunks so 2–3 threads balance. */
export function matmulRowChunk(m: number): number {
  return Math.max(4, Math.ceil(m / 16 / 4) * 4);
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
  const panels = Math.ceil(n / lanes);
  const packed = ctx.scratch(A.dtype, Math.max(1, panels * lanes * k));
  if (k > 0) {
    yield { kernel: `matmul_packb_${A.dtype}`, n: panels, chunk: Math.max(1, Math.ceil(panels / 16)), args: [B.ptr, packed.ptr, k, n], cost: k * lanes };
  }
  yield { kernel: `matmul_${A.dtype}`, n: m, chunk: matmulRowChunk(m), args: [A.ptr, packed.ptr, C.ptr, m, k, n], cost: Math.max(1, (k * n) / 4) };
  if (C !== out) (out.view as TypedArray).set(C.view as TypedArray);
  return ctx.result(out);
}
