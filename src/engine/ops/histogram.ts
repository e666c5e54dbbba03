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
  let detected = false;
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
    lo = m; hi = M; detected = true;
  }
  const rows = Math.ceil(n / chunk);
  const p = binParams(X.dtype === 'f32', bins, lo, hi, detected);
  // Few bins: four or eight tables per chunk row (skewed data), folded at the chunk's end (assembly/histogram-bin.ts).
  const tables = bins <= 512 ? 8 : bins <= 1024 ? 4 : 1;
  const scratch = ctx.scratch('u32', rows * rowWords(bins, tables));
  const values = X.dtype === 'i32' || X.dtype === 'u32' ? valueTable(X.dtype, n, p.first, p.hi) : undefined;
  if (values) {
    // Integers over a small range: bin each value of the range once, then look values up (assembly/histogram-int.ts).
    const lut = ctx.scratch('u32', (values.span + 1) * 4);
    const tableBytes = tables >= 4 ? tableWords(bins) * 4 : 0; // lanes into tables 0-3
    yield { kernel: 'histogram_lut', n: values.span + 1, args: [lut.ptr, values.intLo, tableBytes, bins, p.lo, p.hi, p.norm, p.first, p.step], cost: 8 };
    yield { kernel: 'histogram_lut_count', n, chunk, args: [X.ptr, scratch.ptr, chunk, bins, lut.ptr, values.intLo | 0, values.span, tables], cost: 2 };
  } else {
    yield { kernel: `histogram_${X.dtype}`, n, chunk, args: [X.ptr, scratch.ptr, chunk, bins, p.lo, p.hi, p.norm, p.first, p.step, p.flags, p.first32, p.norm32, p.delta0, p.kappa, tables], cost: 4 };
  }
  yield { kernel: 'histogram_merge', n: bins, args: [scratch.ptr, out.ptr, rows, bins, tables], cost: rows };
  return ctx.result(out) as Uint32Array;
}

const F32_MAX = 3.4028234663852886e38;

/**
 * The integers a table of values covers: those in [first, last] that the dtype
 * holds, when there are few next to n (binning each costs about what counting
 * a few elements does) and the table (16 bytes a value) stays in cache.
 */
function valueTable(dtype: 'i32' | 'u32', n: number, first: number, last: number) {
  const intLo = Math.max(dtype === 'i32' ? -(2 ** 31) : 0, Math.ceil(first));
  const intHi = Math.min(dtype === 'i32' ? 2 ** 31 - 1 : 2 ** 32 - 1, Math.floor(last));
  const span = Math.max(0, intHi - intLo + 1);
  return span <= 65_536 && span * 8 <= n ? { intLo, span } : undefined;
}

/**
 * u32 words of a chunk's row (assembly/histogram.ts, rowBytes): its tables, each a
 * slot for values not counted, the bins, padded to 64 bytes; then 80 words of constants and counter addresses.
 */
function rowWords(bins: number, tables: number): number {
  return tables * tableWords(bins) + 80;
}

function tableWords(bins: number): number {
  return Math.ceil((bins + 2) / 16) * 16;
}

/**
 * The arguments of numpy's uniform-bin arithmetic (numpy/lib/histograms.py),
 * for the kernels (assembly/histogram.ts). numpy widens an empty range to one
 * unit around the value. Its edges are linspace(first, last, bins + 1): computed
 * in f64, then rounded to the bins' dtype: the data's for f32 (unless lo or hi
 * lies outside the f32 range), else f64. For f32 data numpy compares and
 * subtracts in f32 (lo and hi rounded to f32) and multiplies by norm in f32 when
 * norm fits an f32 (value-based casting); with an autodetected range (f32 min
 * and max) its norm divides by their difference rounded to f32.
 */
function binParams(f32Data: boolean, bins: number, lo: number, hi: number, detected: boolean) {
  const widen = lo === hi;
  const first = widen ? lo - 0.5 : lo, last = widen ? hi + 0.5 : hi;
  const f32 = f32Data && Math.abs(first) <= F32_MAX && Math.abs(last) <= F32_MAX;
  const width = f32 && detected && !widen ? Math.fround(last - first) : last - first;
  const norm = bins / width;
  // Bins narrower than ~16 f32 ulps of the range's ends: numpy's f32 estimate can
  // be off by more than a bin, so the kernel reproduces its rounding (else not needed).
  const f32Mul = f32 && Math.abs(norm) <= F32_MAX && width / bins < 16 * 2 ** -23 * Math.max(Math.abs(first), Math.abs(last));
  const r = f32 ? Math.fround : (v: number) => v;
  return {
    lo: r(first), hi: r(last), norm: f32Mul ? Math.fround(norm) : norm, first, step: (last - first) / bins,
    flags: f32 ? 1 | (f32Mul ? 4 : 0) : 0,
    ...estimate(f32, bins, first, last),
  };
}

/**
 * The kernels' cheap estimate of a value's position in bins, in f32 (four
 * lanes per instruction): c = (x - first32) * norm32 with x, first and norm
 * rounded to f32. delta(c) = delta0 + kappa * c bounds, in bins, the sum of
 * this estimate's error, numpy's estimate's error and the distance of the
 * edges near c from their ideal places (first + i * width / bins). Each is a
 * few roundings of relative size eps (2^-24 in f32, 2^-53 in f64) of either
 * the position or edge index (~c near edge i) or F = |first| * bins / width
 * (the range's offset, in bins); the constants are twice a term-by-term count.
 * Errors proportional to c make the margin small near the range's start, so
 * data crowded there stays on the fast path. A value more than delta(c) from
 * a boundary lies strictly inside one bin for all three, so numpy's edge
 * corrections leave its bin alone (assembly/histogram.ts). delta0 is -1
 * (numpy's arithmetic for every value) when the margin is not small: many
 * bins (kappa * bins, beyond ~65k bins), a range far from 0 relative to its
 * width, or where roundings stop being relative (f32 overflow or subnormals).
 */
function estimate(f32: boolean, bins: number, first: number, last: number) {
  const width = last - first;
  const first32 = Math.fround(first), norm32 = Math.fround(bins / width);
  const F = (Math.abs(first) * bins) / width;
  const e32 = 2 ** -24, e64 = 2 ** -53;
  const kappa = (f32 ? 32 : 16) * e32 + 48 * e64;
  const delta0 = ((f32 ? 16 : 8) * F * e32 + e64 * (24 * F + 136)) * (1 + 2 ** -20);
  const usable = bins <= 2 ** 22 && delta0 + kappa * (bins + 1) < 0.125 && Number.isFinite(width) && width / bins >= 2 ** -100
    && Math.abs(first) <= 2 ** 100 && Math.abs(last) <= 2 ** 100 && norm32 > 0 && Number.isFinite(norm32);
  return usable ? { first32, norm32, delta0, kappa } : { first32: 0, norm32: 0, delta0: -1, kappa: 0 };
}

/** Values per chunk of the u8 pair kernel: its 256 KiB table costs a clear and a sum per chunk. */
const PAIR_CHUNK = 1 << 20;

/**
 * u8: the chunks count the 256 byte values (assembly/histogram-u8.ts): by pairs
 * of bytes in chunks of at least 1M values when every thread gets one, else
 * byte by byte; the default range and the bins then come from those totals, so
 * the data is read once.
 */
function* histogramBytes(ctx: OpContext, ptr: number, n: number, chunk: number, out: ArrayArg,
  bins: number, lo: number | undefined, hi: number | undefined): Op<Uint32Array> {
  const pairs = n >= PAIR_CHUNK * Math.max(2, ctx.threads); // a chunk per thread at least
  // Two chunks per thread (each chunk clears and sums a table of its own, which
  // also evicts the data from L2), at most 16 (the rows' memory).
  if (pairs) chunk = Math.ceil(Math.max(PAIR_CHUNK, Math.ceil(n / (2 * ctx.threads)), Math.ceil(n / 16)) / 64) * 64;
  const rows = Math.ceil(n / chunk);
  const rowWords = pairs ? 65_536 + 256 : 1024;
  const counts = ctx.scratch('u32', rows * rowWords);
  yield { kernel: pairs ? 'histogram_u8_pairs' : 'histogram_u8_values', n, chunk, args: [ptr, counts.ptr, chunk], cost: 1 };
  // A pair row is its table (256 KiB), then the totals; a byte row starts with them.
  const totals = counts.ptr + (pairs ? 262_144 : 0), stride = rowWords * 4;
  if (lo === undefined || hi === undefined) {
    lo = (yield { kernel: 'histogram_u8_extreme', n: 1, chunk: 1, args: [totals, rows, stride, 0], partials: true })![0]!;
    hi = (yield { kernel: 'histogram_u8_extreme', n: 1, chunk: 1, args: [totals, rows, stride, 1], partials: true })![0]!;
  }
  const p = binParams(false, bins, lo, hi, false);
  yield { kernel: 'histogram_u8_bins', n: 1, chunk: 1, args: [totals, out.ptr, rows, stride, bins, p.lo, p.hi, p.norm, p.first, p.step] };
  return ctx.result(out) as Uint32Array;
}
