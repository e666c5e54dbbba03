/**
 * Reductions. Kernels return one partial per chunk; partials are combined here in
 * chunk order (pairwise for floats), which is why results are bit-identical for
 * any thread count and for the sync and async forms.
 */
import { DTYPES, type TypedArray } from '../../memory/dtypes.js';
import type { ArrayArg, Op, Partials } from '../op.js';
import type { OpContext } from '../op-context.js';
import { chooseChunk } from '../../runtime/scheduler.js';

/** Pairwise sum of the partials: error grows like log(chunks), not like chunks. */
export function pairwiseSum(p: Partials, lo = 0, hi = p.length): number {
  const n = hi - lo;
  if (n <= 8) {
    let s = 0;
    for (let i = lo; i < hi; i++) s += p[i]!;
    return s;
  }
  const mid = lo + (n >> 1);
  return pairwiseSum(p, lo, mid) + pairwiseSum(p, mid, hi);
}

function combineSum(dtype: ArrayArg['dtype'], partials: Partials | undefined): number {
  if (!partials) return 0;
  // Integer partials are exact integers in f64; adding them in order stays exact up to 2^53.
  if (DTYPES[dtype].float) return pairwiseSum(partials);
  let total = 0;
  for (let i = 0; i < partials.length; i++) total += partials[i]!;
  return total;
}

function* sumOf(X: ArrayArg): Op<number> {
  if (X.length === 0) return 0;
  const partials = yield { kernel: `sum_${X.dtype}`, n: X.length, args: [X.ptr], partials: true };
  return combineSum(X.dtype, partials);
}

export function* sum(ctx: OpContext, x: unknown): Op<number> {
  return yield* sumOf(ctx.input(x, 'x'));
}

export function* mean(ctx: OpContext, x: unknown): Op<number> {
  const X = ctx.input(x, 'x');
  if (X.length === 0) return NaN;
  return (yield* sumOf(X)) / X.length;
}

function checkDdof(ctx: OpContext, ddof: unknown): number {
  if (ddof === undefined) return 0;
  if (typeof ddof !== 'number' || !Number.isInteger(ddof) || ddof < 0) {
    throw new RangeError(`${ctx.op}: ddof must be a non-negative integer; got ${String(ddof)}`);
  }
  return ddof;
}

/** numpy's divisor max(n - ddof, 0): ddof ≥ n gives inf, or NaN when every deviation is 0. */
export function dof(n: number, ddof: number): number { return Math.max(n - ddof, 0); }

/** Two passes (mean, then Σ(x-mean)²): stable where the one-pass formula cancels catastrophically. */
export function* variance(ctx: OpContext, x: unknown, ddofArg?: unknown): Op<number> {
  const ddof = checkDdof(ctx, ddofArg);
  const X = ctx.input(x, 'x');
  if (X.length === 0) return NaN;
  if (X.dtype === 'u8') return yield* byteVariance(ctx, X, ddof);
  const m = (yield* sumOf(X)) / X.length;
  const partials = yield { kernel: `sumsqdev_${X.dtype}`, n: X.length, args: [X.ptr, m], partials: true };
  return pairwiseSum(partials!) / dof(X.length, ddof);
}

/**
 * u8: exact moments in one pass (assembly/reduce.ts, moments_u8). Σx and Σx² stay
 * exact in f64 up to 2^53 / 255² elements (~1.4e11), far past wasm32 memory.
 */
function* byteVariance(ctx: OpContext, X: ArrayArg, ddof: number): Op<number> {
  const n = X.length;
  const chunk = chooseChunk(n, 1);
  const chunks = Math.ceil(n / chunk);
  const moments = ctx.scratch('f64', 2 * chunks);
  yield { kernel: 'moments_u8', n, chunk, args: [X.ptr, moments.ptr, chunk] };
  const m = moments.view as Float64Array;
  let s1 = 0, s2 = 0;
  for (let c = 0; c < chunks; c++) { s1 += m[2 * c]!; s2 += m[2 * c + 1]!; }
  // n·Σx² − (Σx)² can pass 2^53: exact in BigInt, then one rounding each way.
  const num = BigInt(n) * BigInt(s2) - BigInt(s1) * BigInt(s1);
  return Number(num) / (n * dof(n, ddof));
}

export function* std(ctx: OpContext, x: unknown, ddof?: unknown): Op<number> {
  return Math.sqrt(yield* variance(ctx, x, ddof));
}

export function* norm(ctx: OpContext, x: unknown): Op<number> {
  const X = ctx.input(x, 'x');
  if (X.length === 0) return 0;
  const partials = yield { kernel: `sumsq_${X.dtype}`, n: X.length, args: [X.ptr], partials: true };
  return Math.sqrt(combineSum(X.dtype, partials));
}

export function* dot(ctx: OpContext, a: unknown, b: unknown): Op<number> {
  const A = ctx.input(a, 'a');
  const B = ctx.input(b, 'b', { dtype: A.dtype, length: A.length, like: 'a' });
  if (A.length === 0) return 0;
  const partials = yield { kernel: `dot_${A.dtype}`, n: A.length, args: [A.ptr, B.ptr], partials: true };
  return combineSum(A.dtype, partials);
}

function nonEmpty(ctx: OpContext, X: ArrayArg): void {
  if (X.length === 0) throw new RangeError(`${ctx.op}: x is empty; ${ctx.op} of an empty array is undefined`);
}

export function* extremum(ctx: OpContext, which: 'min' | 'max', x: unknown): Op<number> {
  const X = ctx.input(x, 'x');
  nonEmpty(ctx, X);
  const p = (yield { kernel: `${which}_${X.dtype}`, n: X.length, args: [X.ptr], partials: true, cost: 1 })!;
  let best = p[0]!;
  for (let i = 1; i < p.length; i++) {
    const v = p[i]!;
    if (Number.isNaN(best)) break; // NaN propagates (numpy)
    if (Number.isNaN(v) || (which === 'min' ? v < best || (v === best && Object.is(v, -0)) : v > best || (v === best && Object.is(best, -0)))) best = v;
  }
  return best;
}

export function* argExtremum(ctx: OpContext, which: 'argmin' | 'argmax', x: unknown): Op<number> {
  const X = ctx.input(x, 'x');
  nonEmpty(ctx, X);
  const p = (yield { kernel: `${which}_${X.dtype}`, n: X.length, args: [X.ptr], partials: true, cost: 2 })!;
  const values = X.view as TypedArray;
  // Partials are absolute indices of each chunk's first extremum. Scanning chunks
  // in order and replacing only on a strict improvement keeps the first one overall.
  let bestIndex = p[0]!;
  let best = values[bestIndex]!;
  for (let i = 1; i < p.length && !Number.isNaN(best); i++) {
    const index = p[i]!;
    const v = values[index]!;
    if (Number.isNaN(v) || (which === 'argmin' ? v < best : v > best)) { best = v; bestIndex = index; }
  }
  return bestIndex;
}
