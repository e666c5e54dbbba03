/**
 * histogram: per-chunk private counts then a parallel merge over bins (see
 * assembly/histogram.ts), numpy's uniform-bin semantics. At most 64 chunks, so
 * the private rows cost at most 64 × bins × 4 bytes and the merge stays cheap.
 */
import type { ArrayArg, Op } from '../op.js';
import type { OpContext } from '../op-context.js';

export interface HistogramOptions { bins?: unknown; range?: unknown; out?: unknown }

const MAX_BINS = 1 << 24;

export function histChunk(n: number): number {
  return Math.ceil(Math.max(16_384, Math.ceil(n / 64)) / 64) * 64;
}

export function* histogram(ctx: OpContext, x: unknown, opts?: HistogramOptions): Op<Uint32Array> {
  const bins = opts?.bins ?? 10;
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw new RangeError(`${ctx.op}: bins must be an integer in [1, ${MAX_BINS}]; got ${String(bins)}`);
  }
  let lo: number | undefined, hi: number | undefined;
  if (opts?.range !== undefined) {
    const r = opts.range as unknown[];
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number') {
      throw new TypeError(`${ctx.op}: range must be [lo, hi] (two numbers)`);
    }
    [lo, hi] = r as [number, number];
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`${ctx.op}: range must be finite; got [${lo}, ${hi}]`);
    if (lo > hi) throw new RangeError(`${ctx.op}: range must have lo <= hi; got [${lo}, ${hi}]`);
  }
  const X = ctx.input(x, 'x');
  const out = ctx.output(opts?.out, 'out', 'u32', bins);
  const n = X.length;
  const counts = out.view as Uint32Array;
  if (n === 0) { counts.fill(0); return ctx.result(out) as Uint32Array; }
  const chunk = histChunk(n);
  if (X.dtype === 'u8') return yield* histogramBytes(ctx, X.ptr, n, chunk, out, bins, lo, hi);
  if (lo === undefined || hi === undefined) {
    const mins = (yield { kernel: `histogram_min_${X.dtype}`, n, chunk, args: [X.ptr], partials: true })!;
    let m = Infinity;
    for (const v of mins) m = Number.isNaN(v) || Number.isNaN(m) ? NaN : Math.min(m, v);
    const maxs = (yield { kernel: `histogram_max_${X.dtype}`, n, chunk, args: [X.ptr], partials: true })!;
    let M = -Infinity;
    for (const v of maxs) M = Number.isNaN(v) || Number.isNaN(M) ? NaN : Math.max(M, v);
    if (!Number.isFinite(m) || !Number.isFinite(M)) {
      throw new RangeError(`${ctx.op}: autodetected range of [${m}, ${M}] is not finite; pass range: [lo, hi]`);
    }
    lo = m; hi = M;
  }
  [lo, hi] = widenEmpty(lo, hi);
  const rows = Math.ceil(n / chunk);
  // Each row has a dummy slot at index bins for values that are not counted, and
  // is padded to whole cache lines (assembly/histogram.ts, rowStride).
  const scratch = ctx.scratch('u32', rows * (Math.ceil((bins + 1) / 16) * 16));
  yield { kernel: `histogram_${X.dtype}`, n, chunk, args: [X.ptr, scratch.ptr, chunk, bins, lo, hi], cost: 4 };
  yield { kernel: 'histogram_merge', n: bins, args: [scratch.ptr, out.ptr, rows, bins], cost: rows };
  return ctx.result(out) as Uint32Array;
}

/** numpy widens an empty range to one unit around the value. */
function widenEmpty(lo: number, hi: number): [number, number] {
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/**
 * u8: the chunks count the 256 byte values (assembly/histogram.ts); the default
 * range and the bins then come from those totals, so the data is read once.
 */
function* histogramBytes(ctx: OpContext, ptr: number, n: number, chunk: number, out: ArrayArg,
  bins: number, lo: number | undefined, hi: number | undefined): Op<Uint32Array> {
  const rows = Math.ceil(n / chunk);
  const counts = ctx.scratch('u32', rows * 1024);
  yield { kernel: 'histogram_u8_values', n, chunk, args: [ptr, counts.ptr, chunk], cost: 1 };
  if (lo === undefined || hi === undefined) {
    lo = (yield { kernel: 'histogram_u8_extreme', n: 1, chunk: 1, args: [counts.ptr, rows, 0], partials: true })![0]!;
    hi = (yield { kernel: 'histogram_u8_extreme', n: 1, chunk: 1, args: [counts.ptr, rows, 1], partials: true })![0]!;
  }
  [lo, hi] = widenEmpty(lo, hi);
  yield { kernel: 'histogram_u8_bins', n: 1, chunk: 1, args: [counts.ptr, out.ptr, rows, bins, lo, hi] };
  return ctx.result(out) as Uint32Array;
}
