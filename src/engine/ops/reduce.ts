/**
 * Reductions. Kernels return one partial per chunk; partials are combined here in
 * chunk order (pairwise for floats), which is why results are bit-identical for
 * any thread count and for the sync and async forms.
 */
import { describe, DTYPES, type TypedArray } from '../../memory/dtypes.js';
import type { ArrayArg, Op, Partials } from '../op.js';
import type { OpContext } from '../op-context.js';
import { chooseChunk } from '../../runtime/scheduler.js';
import { bigSum, divRounded, exactSum } from './exact.js';

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
  // Integer partials are exact integers in f64 (a chunk sums to < 2^53); their total rounds once.
  return DTYPES[dtype].float ? pairwiseSum(partials) : exactSum(partials);
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
  if (DTYPES[X.dtype].float) return (yield* sumOf(X)) / X.length;
  // Integers: the exact sum over n, rounded once (a sum past 2^53 would round twice).
  const partials = yield { kernel: `sum_${X.dtype}`, n: X.length, args: [X.ptr], partials: true };
  const s = exactSum(partials!);
  return Math.abs(s) < 2 ** 53 ? s / X.length : divRounded(bigSum(partials!), BigInt(X.length));
}

function checkDdof(ctx: OpContext, ddof: unknown): number {
  if (ddof === undefined) return 0;
  if (typeof ddof !== 'number') throw new TypeError(`${ctx.op}: ddof must be a number; got ${describe(ddof)}`);
  if (!Number.isInteger(ddof) || ddof < 0) throw new RangeError(`${ctx.op}: ddof must be a non-negative integer; got ${ddof}`);
  return ddof;
}

/** numpy's divisor max(n - ddof, 0): ddof ≥ n gives inf, or NaN when every deviation is 0. */
export function dof(n: number, ddof: number): number { return Math.max(n - ddof, 0); }

/**
 * Two passes (mean, then Σ(x-mean)²): stable where the one-pass formula cancels
 * catastrophically. Divides by dof(n, ddof) as numpy does: ddof >= n gives
 * Infinity (NaN when every deviation is 0), an empty array NaN.
 */
export function* variance(ctx: OpContext, x: unknown, ddofArg?: unknown): Op<number> {
  const ddof = checkDdof(ctx, ddofArg);
  const X = ctx.input(x, 'x');
  if (X.length === 0) return NaN;
  const div = dof(X.length, ddof);
  if (X.dtype === 'u8') return yield* byteVariance(ctx, X, div);
  const m = (yield* sumOf(X)) / X.length;
  const partials = yield { kernel: `sumsqdev_${X.dtype}`, n: X.length, args: [X.ptr, m], partials: true };
  return pairwiseSum(partials!) / div;
}

/**
 * u8: exact moments in one pass (assembly/reduce.ts, moments_u8). Σx and Σx² stay
 * exact in f64 up to 2^53 / 255² elements (~1.4e11), far past wasm32 memory.
 */
function* byteVariance(ctx: OpContext, X: ArrayArg, div: number): Op<number> {
  const n = X.length;
  const chunk = chooseChunk(n, 1);
  const chunks = Math.ceil(n / chunk);
  const moments = ctx.scratch('f64', 2 * chunks);
  yield { kernel: 'moments_u8', n, chunk, args: [X.ptr, moments.ptr, chunk] };
  const m = moments.view as Float64Array;
  let s1 = 0, s2 = 0;
  for (let c = 0; c < chunks; c++) { s1 += m[2 * c]!; s2 += m[2 * c + 1]!; }
  // (n·Σx² − (Σx)²) / (n·div), both sides past 2^53: exact in BigInt, rounded once.
  const num = BigInt(n) * BigInt(s2) - BigInt(s1) * BigInt(s1);
  return div === 0 ? (num === 0n ? NaN : Infinity) : divRounded(num, BigInt(n) * BigInt(div));
}

export function* std(ctx: OpContext, x: unknown, ddof?: unknown): Op<number> {
  return Math.sqrt(yield* variance(ctx, x, ddof));
}

export function* norm(ctx: OpContext, x: unknown): Op<number> {
  const X = ctx.input(x, 'x');
  if (X.length === 0) return 0;
  if (WIDE.has(X.dtype)) return Math.sqrt(yield* wideSum(ctx, 'sumsq', X, [X.ptr]));
  const partials = yield { kernel: `sumsq_${X.dtype}`, n: X.length, args: [X.ptr], partials: true };
  return Math.sqrt(combineSum(X.dtype, partials));
}

export function* dot(ctx: OpContext, a: unknown, b: unknown): Op<number> {
  const A = ctx.input(a, 'a');
  const B = ctx.input(b, 'b', { dtype: A.dtype, length: A.length, like: 'a' });
  if (A.length === 0) return 0;
  if (WIDE.has(A.dtype)) return yield* wideSum(ctx, 'dot', A, [A.ptr, B.ptr]);
  const partials = yield { kernel: `dot_${A.dtype}`, n: A.length, args: [A.ptr, B.ptr], partials: true };
  return combineSum(A.dtype, partials);
}

/** Dtypes whose products need more than 64 bits summed: Σx² and Σx·y go through wideSum. */
const WIDE = new Set<ArrayArg['dtype']>(['i32', 'u32']);

/**
 * Σx² or Σx·y of i32/u32, exact, rounded once: each chunk stores (Σhi, Σlo)
 * of its products split at 2^32 (assembly/reduce-exact.ts); the total is
 * Σhi·2^32 + Σlo in BigInt.
 */
function* wideSum(ctx: OpContext, kind: 'sumsq' | 'dot', X: ArrayArg, ptrs: number[]): Op<number> {
  const n = X.length;
  const chunk = chooseChunk(n, 1);
  const parts = ctx.scratch('f64', 2 * Math.ceil(n / chunk));
  yield { kernel: `${kind}_${X.dtype}`, n, chunk, args: [...ptrs, parts.ptr, chunk] };
  const p = parts.view as Float64Array;
  return Number(bigSum(p, 4294967296n, 0, 2) + bigSum(p, 1n, 1, 2));
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
