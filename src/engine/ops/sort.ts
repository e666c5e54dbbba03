/**
 * sort (in place) and argsort (stable, Uint32Array of indices): parallel LSD
 * radix sort, one histogram job and one scatter job per digit that varies (see
 * assembly/sort.ts). Chunks are fixed by n, so any thread count gives the same
 * bytes. The order is TypedArray#sort's: -0 before +0, NaN last.
 */
import type { Dtype, TypedArray } from '../../memory/dtypes.js';
import type { ArrayArg, Op } from '../op.js';
import type { OpContext } from '../op-context.js';

export interface SortOptions { out?: unknown }

/** Radix digit width: 2048 buckets need 6 passes for f64 instead of 8 (measured faster here). */
export const SORT_BITS = 11;
const KEY_BITS: Record<Dtype, number> = { f64: 64, f32: 32, i32: 32, u32: 32, u8: 8 };

/** Fixed by n: ≤ 64 chunks keeps the (chunk × bucket) cursor table small. */
export function sortChunk(n: number): number {
  return Math.ceil(Math.max(32_768, Math.ceil(n / 64)) / 64) * 64;
}

/** Shifts of the digits that vary somewhere in x (a digit every key shares is skipped). */
function* activeDigits(X: ArrayArg, ctx: OpContext, chunk: number, bits: number): Op<number[]> {
  const chunks = Math.ceil(X.length / chunk);
  const diff = ctx.scratch('u32', chunks * 2);
  yield { kernel: `sort_diff_${X.dtype}`, n: X.length, chunk, args: [X.ptr, diff.ptr, chunk], cost: 1 };
  const d = diff.view as Uint32Array;
  let lo = 0, hi = 0;
  for (let c = 0; c < chunks; c++) { lo |= d[2 * c]!; hi |= d[2 * c + 1]!; }
  const shifts: number[] = [];
  const mask = (1 << bits) - 1;
  for (let s = 0; s < KEY_BITS[X.dtype]; s += bits) {
    // Digit bits [s, s + bits) of the 64-bit OR, split over its two halves.
    const lowPart = s < 32 ? (lo >>> s) | (s + bits > 32 && s > 0 ? hi << (32 - s) : 0) : 0;
    const highPart = s >= 32 ? hi >>> (s - 32) : 0;
    if (((lowPart | highPart) & mask) !== 0) shifts.push(s);
  }
  return shifts;
}

/** Turn per-chunk digit counts (rows × radix) into per-chunk write cursors, in place. */
function cursors(h: Uint32Array, rows: number, radix: number): void {
  let run = 0;
  for (let b = 0; b < radix; b++) {
    for (let r = 0, i = b; r < rows; r++, i += radix) { const c = h[i]!; h[i] = run; run += c; }
  }
}

export function* sort(ctx: OpContext, x: unknown): Op<TypedArray> {
  const X = ctx.inout(x, 'x');
  const n = X.length;
  if (n < 2) return ctx.result(X);
  const chunk = sortChunk(n);
  const rows = Math.ceil(n / chunk);
  if (X.dtype === 'u8') {
    // Counting sort: counts per chunk, then every chunk of positions fills its values.
    const hist = ctx.scratch('u32', rows * 256);
    yield { kernel: 'sort_hist_u8', n, chunk, args: [X.ptr, hist.ptr, chunk, 0, 8, 1], cost: 1 };
    const h = hist.view as Uint32Array;
    const cum = ctx.scratch('u32', 257);
    const cv = cum.view as Uint32Array;
    let run = 0;
    for (let v = 0; v < 256; v++) { cv[v] = run; for (let r = 0; r < rows; r++) run += h[r * 256 + v]!; }
    cv[256] = run;
    yield { kernel: 'sort_fill_u8', n, chunk, args: [X.ptr, cum.ptr], cost: 1 };
    return ctx.result(X);
  }
  const bits = SORT_BITS;
  const radix = 1 << bits;
  const shifts = yield* activeDigits(X, ctx, chunk, bits);
  if (shifts.length === 0) return ctx.result(X);
  const wide = X.dtype === 'f64';
  const tmp = ctx.scratch(wide ? 'f64' : 'u32', n);
  const hist = ctx.scratch('u32', rows * radix);
  const h = hist.view as Uint32Array;
  let src = X.ptr, dst = tmp.ptr;
  for (let p = 0; p < shifts.length; p++) {
    const first = p === 0, last = p === shifts.length - 1;
    yield { kernel: `sort_hist_${X.dtype}`, n, chunk, args: [src, hist.ptr, chunk, shifts[p]!, bits, first ? 1 : 0], cost: 1 };
    cursors(h, rows, radix);
    yield { kernel: `sort_scatter_${X.dtype}`, n, chunk, args: [src, dst, hist.ptr, chunk, shifts[p]!, bits, (first ? 1 : 0) | (last ? 2 : 0)], cost: 4 };
    [src, dst] = [dst, src];
  }
  if (src !== X.ptr) yield { kernel: 'sort_copy', n, chunk, args: [src, X.ptr, wide ? 3 : 2], cost: 1 };
  return ctx.result(X);
}

export function* argsort(ctx: OpContext, x: unknown, opts?: SortOptions): Op<Uint32Array> {
  const X = ctx.input(x, 'x');
  const n = X.length;
  const out = ctx.output(opts?.out, 'out', 'u32', n);
  if (n === 0) return ctx.result(out) as Uint32Array;
  const chunk = sortChunk(n);
  const rows = Math.ceil(n / chunk);
  const bits = X.dtype === 'u8' ? 8 : SORT_BITS;
  const radix = 1 << bits;
  const shifts = n < 2 ? [] : yield* activeDigits(X, ctx, chunk, bits);
  const P = shifts.length;
  if (P === 0) {
    yield { kernel: 'arange_u32', n, args: [out.ptr, 0, 1, 1] };
    return ctx.result(out) as Uint32Array;
  }
  const hist = ctx.scratch('u32', rows * radix);
  const h = hist.view as Uint32Array;
  if (X.dtype === 'f64') {
    // Keys and indices move together; the index buffers alternate so the last pass lands in out.
    // The last pass writes no keys: P passes need min(P - 1, 2) key buffers.
    const keys = [P > 1 ? ctx.scratch('f64', n).ptr : 0, P > 2 ? ctx.scratch('f64', n).ptr : 0];
    const idxTmp = P > 1 ? ctx.scratch('u32', n).ptr : 0;
    let srcK = X.ptr, srcI = 0;
    for (let p = 0; p < P; p++) {
      const first = p === 0, last = p === P - 1;
      const dstK = keys[p & 1]!;
      const dstI = (P - 1 - p) % 2 === 0 ? out.ptr : idxTmp;
      yield { kernel: 'sort_hist_f64', n, chunk, args: [srcK, hist.ptr, chunk, shifts[p]!, bits, first ? 1 : 0], cost: 1 };
      cursors(h, rows, radix);
      yield { kernel: 'argsort_scatter_f64', n, chunk, args: [srcK, srcI, dstK, dstI, hist.ptr, chunk, shifts[p]!, bits, (first ? 1 : 0) | (last ? 2 : 0)], cost: 5 };
      srcK = dstK; srcI = dstI;
    }
    return ctx.result(out) as Uint32Array;
  }
  // 32-bit and u8: u64 pairs (key << 32 | index); the last pass writes the indices to out.
  const pairs = [P > 1 ? ctx.scratch('f64', n).ptr : 0, P > 2 ? ctx.scratch('f64', n).ptr : 0];
  let src = X.ptr;
  for (let p = 0; p < P; p++) {
    const first = p === 0, last = p === P - 1;
    const dst = last ? out.ptr : pairs[p & 1]!;
    if (first) yield { kernel: `sort_hist_${X.dtype}`, n, chunk, args: [src, hist.ptr, chunk, shifts[p]!, bits, 1], cost: 1 };
    else yield { kernel: 'sort_hist_pair', n, chunk, args: [src, hist.ptr, chunk, shifts[p]!, bits], cost: 1 };
    cursors(h, rows, radix);
    yield { kernel: `argsort_scatter_${X.dtype}`, n, chunk, args: [src, dst, hist.ptr, chunk, shifts[p]!, bits, (first ? 1 : 0) | (last ? 2 : 0)], cost: 5 };
    src = dst;
  }
  return ctx.result(out) as Uint32Array;
}
