// Histogram with numpy's uniform-bin semantics, as two parallel jobs:
//   histogram_<dt>:  each chunk counts into its own row (private, so no atomics
//                    and no false sharing between threads);
//   histogram_merge: parallel over bins, sums the rows in chunk order.
// The JS side keeps the number of chunks small (<= 64) so the rows stay cheap.
// u8 counts byte values instead and bins them once (below).
//
// Four values per step. Each gets a cheap estimate of its position in bins,
// p = (x - loFast) * normFast (f64; loFast is lo + half a bin, so rounding p to
// the nearest integer is the floor of the unshifted one), clamped to [-1, bins]
// (NaN to -1). The JS side bounds the error of this estimate, of numpy's
// estimate and of every edge, in bins, by delta (src/engine/ops/histogram.ts,
// estimate): a value whose p is more than delta from a half-integer lies
// strictly inside bin round(p) (or outside the range, for -1 and bins) and
// numpy's edge corrections do not move it, so round(p) IS numpy's bin. Only
// when one of the four values is within delta of a boundary (near) does the
// step take numpy's exact arithmetic (histogram-bin.ts). On random data that
// is about 2 * delta of the steps (~1e-12 for f64, ~1e-3 for f32 in 256 bins).
//
// The slot's address comes out of the rounding itself: adding
// base = 1.5 * 2^52 + (slot 0's address) / 4 + 1 rounds p to an integer and
// leaves (address of p's slot) / 4 in the low 32 bits.
import { MAGIC, exact2, load2 } from './histogram-bin';

/**
 * A table: slot 0 counts the values numpy does not count (outside the range,
 * NaN), slots 1..bins the bins, padded to whole 64-byte lines: threads usually
 * work on neighbouring chunks at the same time, and rows sharing a cache line
 * at their ends made those counters ping-pong between cores. A chunk's row is
 * `tables` tables; with four (few bins), the four values of a step count into
 * four tables, so a run of values in one bin (skewed data) does not wait for
 * each counter's store before its next load; they are folded into table 0 at
 * the end of the chunk.
 */
// @ts-ignore: decorator
@inline function tableStride(bins: i32): usize { return (<usize>bins + 2 + 15) & ~<usize>15; }

// @ts-ignore: decorator
@inline function bump(slot: i32): void {
  const p = <usize><u32>slot;
  store<u32>(p, load<u32>(p) + 1);
}

/** Counts the two lanes of m (base + slot: byte address = low 32 bits * 4). */
// @ts-ignore: decorator
@inline function bump2(m: v128): void {
  const a = i32x4.shl(m, 2);
  bump(i32x4.extract_lane(a, 0));
  bump(i32x4.extract_lane(a, 2));
}

/** p clamped to [-1, bins], NaN to -1 (pmax and pmin keep their first operand on NaN). */
// @ts-ignore: decorator
@inline function position(v: v128, loF: v128, normF: v128, negOne: v128, binsF: v128): v128 {
  return f64x2.pmin(binsF, f64x2.pmax(negOne, f64x2.mul(f64x2.sub(v, loF), normF)));
}

/**
 * |p - round(p)| > thr(p) in either lane. With `scaled` (f32 data, whose
 * roundings are large), the margin grows with p: |p - round(p)| + kappa * p > thr.
 */
// @ts-ignore: decorator
@inline function near(c: v128, m: v128, base: v128, thr: v128, kappa: v128, scaled: bool): v128 {
  const e = f64x2.abs(f64x2.sub(c, f64x2.sub(m, base)));
  return f64x2.gt(scaled ? f64x2.add(e, f64x2.mul(c, kappa)) : e, thr);
}

// @ts-ignore: decorator
@inline function run<T>(i: i32, end: i32, x: usize, baseA: v128, baseB: v128, loF: v128, normF: v128, thr: v128, kappa: v128,
  lo: v128, hi: v128, norm: v128, first: v128, step: v128, lastF: v128, f32: bool, f32Edges: bool, f32Mul: bool): void {
  const negOne = f64x2.splat(-1), binsF = f64x2.add(lastF, f64x2.splat(1));
  for (; i + 4 <= end; i += 4) {
    const p = x + (<usize>i << alignof<T>());
    const a = load2<T>(p), b = load2<T>(p + (<usize>2 << alignof<T>()));
    const ca = position(a, loF, normF, negOne, binsF), cb = position(b, loF, normF, negOne, binsF);
    let ma = f64x2.add(ca, baseA), mb = f64x2.add(cb, baseB);
    if (v128.any_true(v128.or(near(ca, ma, baseA, thr, kappa, f32), near(cb, mb, baseB, thr, kappa, f32)))) {
      ma = f64x2.add(exact2(a, lo, hi, norm, first, step, lastF, f32, f32Edges, f32Mul), baseA);
      mb = f64x2.add(exact2(b, lo, hi, norm, first, step, lastF, f32, f32Edges, f32Mul), baseB);
    }
    bump2(ma);
    bump2(mb);
  }
  for (; i < end; i++) {
    const v = f64x2.splat(<f64>load<T>(x + (<usize>i << alignof<T>())));
    bump(i32x4.extract_lane(i32x4.shl(f64x2.add(exact2(v, lo, hi, norm, first, step, lastF, f32, f32Edges, f32Mul), baseA), 2), 0));
  }
}

/**
 * Arguments after (x, counts, chunk, bins): numpy's keep bounds lo and hi (also
 * the value it subtracts), norm = bins / (range width), the edges' first and
 * step, flags (1 f32, with 2 f32Edges, 4 f32Mul, as exact2's; 0 for f64
 * arithmetic throughout), then the estimate's loFast and normFast, thr and
 * kappa (near's), and tables (1 or 4).
 */
// @ts-ignore: decorator
@inline function count<T>(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64,
  lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, loFast: f64, normFast: f64, thr: f64, kappa: f64, tables: i32): void {
  const stride = tableStride(<i32>bins);
  const row = counts + ((<usize>(start / chunk) * <usize>tables * stride) << 2);
  memory.fill(row, 0, (<usize>tables * stride) << 2);
  const s: f64 = tables == 4 ? <f64>stride : 0;
  const b0 = MAGIC + <f64>(row >> 2) + 1;
  const baseA = f64x2.replace_lane(f64x2.splat(b0), 1, b0 + s), baseB = f64x2.replace_lane(f64x2.splat(b0 + 2 * s), 1, b0 + 3 * s);
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi), vnorm = f64x2.splat(norm), vfirst = f64x2.splat(first), vstep = f64x2.splat(step);
  const loF = f64x2.splat(loFast), normF = f64x2.splat(normFast), vthr = f64x2.splat(thr), vkappa = f64x2.splat(kappa), lastF = f64x2.splat(bins - 1);
  if (!isFloat<T>() || sizeof<T>() == 8 || flags == 0) run<T>(start, end, x, baseA, baseB, loF, normF, vthr, vkappa, vlo, vhi, vnorm, vfirst, vstep, lastF, false, false, false);
  else if (flags == 5) run<T>(start, end, x, baseA, baseB, loF, normF, vthr, vkappa, vlo, vhi, vnorm, vfirst, vstep, lastF, true, false, true);
  else if (flags == 7) run<T>(start, end, x, baseA, baseB, loF, normF, vthr, vkappa, vlo, vhi, vnorm, vfirst, vstep, lastF, true, true, true);
  else if (flags == 1) run<T>(start, end, x, baseA, baseB, loF, normF, vthr, vkappa, vlo, vhi, vnorm, vfirst, vstep, lastF, true, false, false);
  else run<T>(start, end, x, baseA, baseB, loF, normF, vthr, vkappa, vlo, vhi, vnorm, vfirst, vstep, lastF, true, true, false);
  if (tables == 4) {
    const t = stride << 2;
    for (let o: usize = 0; o < t; o += 16) {
      const q = row + o;
      v128.store(q, i32x4.add(i32x4.add(v128.load(q), v128.load(q + t)), i32x4.add(v128.load(q + 2 * t), v128.load(q + 3 * t))));
    }
  }
}

export function histogram_f64(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, loFast: f64, normFast: f64, thr: f64, kappa: f64, tables: i32): void { count<f64>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags, loFast, normFast, thr, kappa, tables); }
export function histogram_f32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, loFast: f64, normFast: f64, thr: f64, kappa: f64, tables: i32): void { count<f32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags, loFast, normFast, thr, kappa, tables); }
export function histogram_i32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, loFast: f64, normFast: f64, thr: f64, kappa: f64, tables: i32): void { count<i32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags, loFast, normFast, thr, kappa, tables); }
export function histogram_u32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, loFast: f64, normFast: f64, thr: f64, kappa: f64, tables: i32): void { count<u32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags, loFast, normFast, thr, kappa, tables); }

/** Over bins [start, end): out[b] = sum over the chunk rows of table 0's slot b + 1. */
export function histogram_merge(start: i32, end: i32, counts: usize, out: usize, rows: i32, bins: i32, tables: i32): void {
  const rowBytes = (tableStride(bins) * <usize>tables) << 2;
  let b = start;
  for (; b + 4 <= end; b += 4) {
    let s = i32x4.splat(0);
    for (let r = 0, p = counts + ((<usize>b + 1) << 2); r < rows; r++, p += rowBytes) s = i32x4.add(s, v128.load(p));
    v128.store(out + (<usize>b << 2), s);
  }
  for (; b < end; b++) {
    let s: u32 = 0;
    for (let r = 0, p = counts + ((<usize>b + 1) << 2); r < rows; r++, p += rowBytes) s += load<u32>(p);
    store<u32>(out + (<usize>b << 2), s);
  }
}

// ---- u8: count the 256 values, then map values to bins once -----------------
// A byte has 256 values, so a chunk counts the values themselves (no float
// math per element), in four interleaved tables so that runs of one value do
// not serialize on one counter; histogram_u8_bins then puts each value's total
// into its bin with the same exact arithmetic as the general path, once per
// value instead of once per element. Row of a chunk: 4 × 256 u32 (4 KiB).

@inline function bumpValue(row: usize, t: u32, v: u32): void {
  const p = row + (((t << 8) + v) << 2);
  store<u32>(p, load<u32>(p) + 1);
}

export function histogram_u8_values(start: i32, end: i32, x: usize, counts: usize, chunk: i32): void {
  const row = counts + (<usize>(start / chunk) << 12);
  memory.fill(row, 0, 4096);
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const v = v128.load(x + <usize>i);
    bumpValue(row, 0, i8x16.extract_lane_u(v, 0)); bumpValue(row, 1, i8x16.extract_lane_u(v, 1));
    bumpValue(row, 2, i8x16.extract_lane_u(v, 2)); bumpValue(row, 3, i8x16.extract_lane_u(v, 3));
    bumpValue(row, 0, i8x16.extract_lane_u(v, 4)); bumpValue(row, 1, i8x16.extract_lane_u(v, 5));
    bumpValue(row, 2, i8x16.extract_lane_u(v, 6)); bumpValue(row, 3, i8x16.extract_lane_u(v, 7));
    bumpValue(row, 0, i8x16.extract_lane_u(v, 8)); bumpValue(row, 1, i8x16.extract_lane_u(v, 9));
    bumpValue(row, 2, i8x16.extract_lane_u(v, 10)); bumpValue(row, 3, i8x16.extract_lane_u(v, 11));
    bumpValue(row, 0, i8x16.extract_lane_u(v, 12)); bumpValue(row, 1, i8x16.extract_lane_u(v, 13));
    bumpValue(row, 2, i8x16.extract_lane_u(v, 14)); bumpValue(row, 3, i8x16.extract_lane_u(v, 15));
  }
  for (; i < end; i++) bumpValue(row, <u32>i & 3, load<u8>(x + <usize>i));
  // Fold tables 1..3 into table 0, which the later kernels read.
  for (let b: usize = 0; b < 1024; b += 16) {
    const t = i32x4.add(i32x4.add(v128.load(row + b), v128.load(row + b, 1024)), i32x4.add(v128.load(row + b, 2048), v128.load(row + b, 3072)));
    v128.store(row + b, t);
  }
}

/** Total count of byte value v over all chunk rows. */
@inline function valueTotal(counts: usize, rows: i32, v: i32): u32 {
  let s: u32 = 0;
  for (let r = 0; r < rows; r++) s += load<u32>(counts + ((<usize>r << 12) + (<usize>v << 2)));
  return s;
}

/** The smallest (or largest) byte value that occurs: the default range. A single-chunk job. */
export function histogram_u8_extreme(start: i32, end: i32, counts: usize, rows: i32, wantMax: i32): f64 {
  for (let k = 0; k < 256; k++) {
    const v = wantMax ? 255 - k : k;
    if (valueTotal(counts, rows, v) != 0) return <f64>v;
  }
  return NaN;
}

/** out[0..bins) from the value totals; a single-chunk job (arguments as histogram_f64's). */
export function histogram_u8_bins(start: i32, end: i32, counts: usize, out: usize, rows: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64): void {
  const nb = <i32>bins;
  memory.fill(out, 0, <usize>nb << 2);
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi), vnorm = f64x2.splat(norm), vfirst = f64x2.splat(first), vstep = f64x2.splat(step);
  const lastF = f64x2.splat(bins - 1);
  for (let v = 0; v < 256; v++) {
    const total = valueTotal(counts, rows, v);
    if (total == 0) continue;
    const b = <i32>f64x2.extract_lane(exact2(f64x2.splat(<f64>v), vlo, vhi, vnorm, vfirst, vstep, lastF, false, false, false), 0);
    if (b >= 0) store<u32>(out + (<usize>b << 2), load<u32>(out + (<usize>b << 2)) + total);
  }
}

// Default range: per-chunk min / max; a NaN anywhere makes the partial NaN
// (numpy refuses a non-finite autodetected range; the JS side throws).
@inline function extreme<T>(start: i32, end: i32, x: usize, wantMax: bool): f64 {
  let m = <f64>load<T>(x + (<usize>start << alignof<T>()));
  let nan = false;
  for (let i = start; i < end; i++) {
    const v = <f64>load<T>(x + (<usize>i << alignof<T>()));
    nan = nan || v != v;
    m = wantMax ? max<f64>(m, v) : min<f64>(m, v);
  }
  return nan ? NaN : m;
}

export function histogram_min_f64(start: i32, end: i32, x: usize): f64 { return extreme<f64>(start, end, x, false); }
export function histogram_min_f32(start: i32, end: i32, x: usize): f64 { return extreme<f32>(start, end, x, false); }
export function histogram_min_i32(start: i32, end: i32, x: usize): f64 { return extreme<i32>(start, end, x, false); }
export function histogram_min_u32(start: i32, end: i32, x: usize): f64 { return extreme<u32>(start, end, x, false); }
export function histogram_max_f64(start: i32, end: i32, x: usize): f64 { return extreme<f64>(start, end, x, true); }
export function histogram_max_f32(start: i32, end: i32, x: usize): f64 { return extreme<f32>(start, end, x, true); }
export function histogram_max_i32(start: i32, end: i32, x: usize): f64 { return extreme<i32>(start, end, x, true); }
export function histogram_max_u32(start: i32, end: i32, x: usize): f64 { return extreme<u32>(start, end, x, true); }
