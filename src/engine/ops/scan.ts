/**
 * cumsum: into a separate `out`, one job with decoupled look-back
 * (assembly/scan-lookback*.ts); in place, or for short arrays, a two-pass scan
 * (assembly/scan.ts). Chunks are chosen from n alone, so results are identical
 * for any thread count. Integers wrap modulo 2^bits exactly as storing the
 * running sum into the typed array would (Int32Array/Uint32Array/Uint8Array
 * semantics, not numpy's upcast).
 *
 * Floats: once a prefix is not finite (an Infinity or NaN in x, or an overflow)
 * numpy's sequential sum keeps it so; the compensated parallel scan cannot (its
 * error terms turn Infinity into NaN, its chunk totals may overflow where the
 * prefixes do not). Each float scan reports a non-finite output per chunk, and
 * the op then finishes as numpy would (see floatFixups): a rare, sequential path.
 */
import { DTYPES, type TypedArray } from '../../memory/dtypes.js';
import type { ArrayArg, KernelJob, Op, Partials } from '../op.js';
import type { OpContext } from '../op-context.js';
import { overlap } from '../overlap.js';

export interface CumsumOptions { out?: unknown }

/** Fixed by n: ≥ 32K elements (amortizes a claim), ≤ 1024 chunks (the JS scan of totals stays tiny). */
export function scanChunk(n: number): number {
  return Math.ceil(Math.max(32_768, Math.ceil(n / 1024)) / 64) * 64;
}

/**
 * The look-back pass reads a chunk, then rescans it from cache while writing.
 * Measured on 8M f64 with 2 threads (cumsum time / copy time): 32K-element
 * chunks 1.8×, 64K 1.65×, 128K 1.45×, 256K 1.4×: long chunks keep the two
 * threads out of step, one reading while the other writes, as a copy's
 * streams overlap. 128K still leaves 8 chunks per million elements.
 */
export function lookbackChunk(n: number): number {
  return Math.ceil(Math.max(131_072, Math.ceil(n / 1024)) / 64) * 64;
}

export function* cumsum(ctx: OpContext, x: unknown, opts?: CumsumOptions): Op<TypedArray> {
  const X = ctx.input(x, 'x');
  const out = ctx.output(opts?.out, 'out', X.dtype, X.length);
  const n = X.length;
  if (n === 0) return ctx.result(out);
  const float = DTYPES[X.dtype].float;
  // numpy's prefix is -0 exactly while every element so far is -0 (x + y is -0
  // only for -0 + -0 when rounding to nearest); the scans start from +0, so the
  // leading run of -0 is restored at the end (x may be out: count it first).
  const negZeros = float ? leadingNegZeros(X.view as Float64Array | Float32Array) : 0;
  const disjoint = overlap(out, X) === 'disjoint';
  if (disjoint && n > 32_768) {
    // One pass with look-back (assembly/scan-lookback*.ts): it recomputes a
    // missing predecessor from x, so x must not be overwritten while the job runs.
    const chunk = n > 2 * 131_072 ? lookbackChunk(n) : scanChunk(n);
    const chunks = Math.ceil(n / chunk);
    // Slot bytes per chunk: floats keep (sum, compensation) pairs and quarter totals.
    const status = ctx.scratch('u32', chunks * (float ? 28 : 4));
    (status.view as Uint32Array).fill(0);
    const flags = yield { kernel: `cumsum1_${X.dtype}`, n, chunk, args: [X.ptr, out.ptr, status.ptr, chunk, n], cost: 3, partials: float };
    const c = firstFlagged(flags);
    if (c >= 0) yield settle(X, out, c * chunk, n);
    return finish(ctx, out, negZeros);
  }
  const chunk = scanChunk(n);
  const chunks = Math.ceil(n / chunk);
  const pairs = X.dtype === 'f64';
  const offs = ctx.scratch('f64', chunks * (pairs ? 2 : 1));
  const o = offs.view as Float64Array;
  o.fill(0);
  let finite = true;
  if (chunks > 1) {
    const totals = Float64Array.from((yield { kernel: `cumsum_total_${X.dtype}`, n, chunk, args: [X.ptr], partials: true })!);
    if (float) {
      // Neumaier over the totals; f64 hands the compensation to the kernel too.
      let s = 0, c = 0;
      for (let i = 0; i < chunks; i++) {
        if (pairs) { o[2 * i] = s; o[2 * i + 1] = c; } else o[i] = s + c;
        const v = totals[i]!, t = s + v;
        c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
        s = t;
      }
      finite = Number.isFinite(s) && Number.isFinite(c);
    } else {
      // Totals are exact residues; the running offset stays below 2^33, exact in f64.
      const mod = X.dtype === 'u8' ? 256 : 4294967296;
      let s = 0;
      for (let i = 0; i < chunks; i++) { o[i] = s; s = (s + totals[i]!) % mod; }
    }
  }
  if (!float) {
    yield { kernel: `cumsum_${X.dtype}`, n, chunk, args: [X.ptr, out.ptr, offs.ptr, chunk], cost: 2 };
    return ctx.result(out);
  }
  // A total that is not finite (an Infinity or NaN in x, or lanes of a total
  // overflowing where the prefixes need not) leaves the offsets untrustworthy:
  // scan in one piece then. Only data with non-finite values or near-overflow sums.
  if (!finite) o.fill(0);
  const whole = finite ? chunk : n;
  const flags = yield { kernel: `cumsum_${X.dtype}`, n, chunk: whole, args: [X.ptr, out.ptr, offs.ptr, whole], cost: 2, partials: true };
  const c = firstFlagged(flags);
  if (c >= 0) yield settle(X, out, c * whole, n);
  return finish(ctx, out, negZeros);
}

function leadingNegZeros(x: Float64Array | Float32Array): number {
  let k = 0;
  while (k < x.length && Object.is(x[k], -0)) k++;
  return k;
}

function finish(ctx: OpContext, out: ArrayArg, negZeros: number): TypedArray {
  if (negZeros) (out.view as Float64Array | Float32Array).fill(-0, 0, negZeros);
  return ctx.result(out);
}

function firstFlagged(flags: Partials | undefined): number {
  if (flags) for (let c = 0; c < flags.length; c++) if (flags[c] !== 0) return c;
  return -1;
}

/**
 * The job that settles a float scan with a non-finite output at or after
 * element `from` (assembly/scan-lookback.ts, cumsum_fix_*): sequential, rare.
 */
function settle(X: ArrayArg, out: ArrayArg, from: number, n: number): KernelJob {
  return { kernel: `cumsum_fix_${X.dtype}`, n: 1, chunk: 1, args: [X.ptr, out.ptr, from, n, out.ptr === X.ptr ? 1 : 0] };
}
