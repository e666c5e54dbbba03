// Histogram with numpy's uniform-bin semantics, as two parallel jobs:
//   histogram_<dt>:  each chunk counts into its own row (private, so no atomics
//                    and no false sharing between threads);
//   histogram_merge: parallel over bins, sums the rows in chunk order.
// The JS side keeps the number of chunks small (<= 64) so the rows stay cheap.
// u8 counts byte values instead and bins them once (below).
//
// Four values per step, in f32x4 lanes (four values per instruction, where
// numpy's f64 arithmetic would take two): each value's position in bins,
// c = (x - first) * norm rounded to f32, clamped to [-0.5, bins + 0.5] (NaN to
// -0.5). The JS side (src/engine/ops/histogram.ts, estimate) bounds, in bins,
// the error of this estimate plus that of numpy's own estimate and of the
// edges around c by delta(c) = delta0 + kappa * c: a value whose c is more
// than delta(c) from an integer lies strictly inside bin floor(c) (or outside
// the range, for -1 and bins), where numpy's edge corrections do not move it,
// so floor(c) IS numpy's bin. Only when one of the four is within delta(c) of
// an integer (near) do they take numpy's exact arithmetic (histogram-bin.ts):
// on random data about 2 * delta of the values (~1e-4 in 256 bins; near the
// range's start delta shrinks with c, so data crowded there stays fast).
//
// The slot's address comes out of the conversion to an integer: floor(c) +
// 1.5 * 2^23 has floor(c) + 0x4B400000 as its bits; adding key (the slot's
// address / 4 in the lane's table, less 0x4B400000) and shifting left by two
// gives the address of the counter.
import { MAGIC, exact2, load2 } from './histogram-bin';

const MAGIC32: f32 = 12582912.0;

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

/**
 * Bytes of a chunk's row: its tables, then 256 bytes for the fast loop's
 * constants. V8 does not hoist loop-invariant SIMD values out of a loop: it
 * rebuilt every splat and v128.const inside it (two to four instructions
 * each), where a load from this block is one, folded into its user.
 */
// @ts-ignore: decorator
@inline function rowBytes(bins: i32, tables: i32): usize { return ((tableStride(bins) * <usize>tables) << 2) + 256; }

// @ts-ignore: decorator
@inline function bump(address: i32, by: i32): void {
  const p = <usize><u32>address;
  store<i32>(p, load<i32>(p) + by);
}

/** Four values as f32 lanes (rounded to nearest). */
// @ts-ignore: decorator
@inline function load4<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.shuffle<i64>(f32x4.demote_f64x2_zero(v128.load(p)), f32x4.demote_f64x2_zero(v128.load(p, 16)), 0, 2);
  if (isFloat<T>()) return v128.load(p);
  return isSigned<T>() ? f32x4.convert_i32x4_s(v128.load(p)) : f32x4.convert_i32x4_u(v128.load(p));
}

/**
 * Values [i, end) with numpy's arithmetic, two at a time, into table 0 (b0:
 * MAGIC + slot 0's address / 4). A call, not inlined into the fast loop: there
 * its constants stayed live and V8 spilled them inside the loop.
 */
@noinline function exactRun<T>(i: i32, end: i32, x: usize, b0: f64, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32): void {
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi), vnorm = f64x2.splat(norm), vfirst = f64x2.splat(first), vstep = f64x2.splat(step);
  const lastF = f64x2.splat(bins - 1), base = f64x2.splat(b0);
  for (; i < end; i += 2) {
    const p = x + (<usize>i << alignof<T>());
    const both = i + 2 <= end;
    const v = both ? load2<T>(p) : f64x2.splat(<f64>load<T>(p));
    let k: v128;
    if (!isFloat<T>() || sizeof<T>() == 8 || flags == 0) k = exact2(v, vlo, vhi, vnorm, vfirst, vstep, lastF, false, false);
    else if (flags == 1) k = exact2(v, vlo, vhi, vnorm, vfirst, vstep, lastF, true, false);
    else k = exact2(v, vlo, vhi, vnorm, vfirst, vstep, lastF, true, true);
    const a = i32x4.shl(f64x2.add(k, base), 2);
    bump(i32x4.extract_lane(a, 0), 1);
    if (both) bump(i32x4.extract_lane(a, 2), 1);
  }
}

/** Positions c of values [i, i + 4), clamped (constants in the row's block, at blk). */
// @ts-ignore: decorator
@inline function position<T>(x: usize, i: i32, blk: usize): v128 {
  const v = load4<T>(x + (<usize>i << alignof<T>()));
  return f32x4.pmin(v128.load(blk, 48), f32x4.pmax(v128.load(blk, 32), f32x4.mul(f32x4.sub(v, v128.load(blk, 0)), v128.load(blk, 16))));
}

/** Lanes whose c is within delta(c) of an integer. */
// @ts-ignore: decorator
@inline function nearMask(c: v128, blk: usize): v128 {
  const frac = f32x4.sub(c, f32x4.floor(c));
  return f32x4.lt(f32x4.pmin(frac, f32x4.sub(v128.load(blk, 96), frac)), f32x4.add(v128.load(blk, 64), f32x4.mul(c, v128.load(blk, 80))));
}

/** Counter addresses of floor(c) in each lane's table. */
// @ts-ignore: decorator
@inline function slots(c: v128, blk: usize): v128 {
  return i32x4.shl(i32x4.add(f32x4.add(f32x4.floor(c), v128.load(blk, 112)), v128.load(blk, 128)), 2);
}

/** Values [i, stop) again: where four had one near a boundary, moves their counts from the fast slots to numpy's. */
@noinline function fixBlock<T>(i: i32, stop: i32, x: usize, blk: usize, b0: f64, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32): void {
  for (; i < stop; i += 4) {
    const c = position<T>(x, i, blk);
    if (!v128.any_true(nearMask(c, blk))) continue;
    const a = slots(c, blk);
    bump(i32x4.extract_lane(a, 0), -1);
    bump(i32x4.extract_lane(a, 1), -1);
    bump(i32x4.extract_lane(a, 2), -1);
    bump(i32x4.extract_lane(a, 3), -1);
    exactRun<T>(i, i + 4, x, b0, bins, lo, hi, norm, first, step, flags);
  }
}

/**
 * Arguments after (x, counts, chunk, bins): numpy's keep bounds lo and hi (also
 * the value it subtracts), norm = bins / (range width), the edges' first and
 * step, flags (1 f32, with 4 f32Mul, as exact2's; 0 for f64
 * arithmetic throughout); then the estimate's first32 and norm32 (f32 values),
 * delta0 (< 0: numpy's arithmetic for every value) and kappa; tables (1 or 4).
 */
// @ts-ignore: decorator
@inline function count<T>(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64,
  first: f64, step: f64, flags: i32, first32: f64, norm32: f64, delta0: f64, kappa: f64, tables: i32): void {
  const stride = tableStride(<i32>bins);
  const row = counts + <usize>(start / chunk) * rowBytes(<i32>bins, tables);
  const blk = row + ((<usize>tables * stride) << 2);
  memory.fill(row, 0, (<usize>tables * stride) << 2);
  const b0 = MAGIC + <f64>(row >> 2) + 1;
  let i = start;
  if (delta0 >= 0) {
    const s = <i32>stride, t1 = tables > 1 ? s : 0, t2 = tables > 2 ? 2 * s : 0, t3 = tables > 2 ? 3 * s : t1;
    const k0 = <i32>(row >> 2) + 1 - 0x4B400000;
    v128.store(blk, f32x4.splat(<f32>first32), 0);
    v128.store(blk, f32x4.splat(<f32>norm32), 16);
    v128.store(blk, f32x4.splat(-0.5), 32);
    v128.store(blk, f32x4.splat(<f32>bins + 0.5), 48);
    v128.store(blk, f32x4.splat(<f32>delta0), 64);
    v128.store(blk, f32x4.splat(<f32>kappa), 80);
    v128.store(blk, f32x4.splat(1), 96);
    v128.store(blk, f32x4.splat(MAGIC32), 112);
    v128.store(blk, i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(k0), 1, k0 + t1), 2, k0 + t2), 3, k0 + t3), 128);
    // Blocks of up to 64 values: count every value at its fast slot, and only
    // after the block, if any value was near a boundary, correct those
    // (fixBlock): the loop has no branch but its own and keeps no call.
    while (i + 4 <= end) {
      const stop = min(i + 64, end);
      const i0 = i;
      let near = i32x4.splat(0);
      for (; i + 4 <= stop; i += 4) {
        const c = position<T>(x, i, blk);
        near = v128.or(near, nearMask(c, blk));
        const a = slots(c, blk);
        bump(i32x4.extract_lane(a, 0), 1);
        bump(i32x4.extract_lane(a, 1), 1);
        bump(i32x4.extract_lane(a, 2), 1);
        bump(i32x4.extract_lane(a, 3), 1);
      }
      if (v128.any_true(near)) fixBlock<T>(i0, i, x, blk, b0, bins, lo, hi, norm, first, step, flags);
    }
  }
  exactRun<T>(i, end, x, b0, bins, lo, hi, norm, first, step, flags);
  if (tables == 4) {
    const t = stride << 2;
    for (let o: usize = 0; o < t; o += 16) {
      const q = row + o;
      v128.store(q, i32x4.add(i32x4.add(v128.load(q), v128.load(q + t)), i32x4.add(v128.load(q + 2 * t), v128.load(q + 3 * t))));
    }
  }
}

export function histogram_f64(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, first32: f64, norm32: f64, delta0: f64, kappa: f64, tables: i32): void { count<f64>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags, first32, norm32, delta0, kappa, tables); }
export function histogram_f32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, first32: f64, norm32: f64, delta0: f64, kappa: f64, tables: i32): void { count<f32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags, first32, norm32, delta0, kappa, tables); }
export function histogram_i32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, first32: f64, norm32: f64, delta0: f64, kappa: f64, tables: i32): void { count<i32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags, first32, norm32, delta0, kappa, tables); }
export function histogram_u32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32, first32: f64, norm32: f64, delta0: f64, kappa: f64, tables: i32): void { count<u32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags, first32, norm32, delta0, kappa, tables); }

/** Over bins [start, end): out[b] = sum over the chunk rows of table 0's slot b + 1. */
export function histogram_merge(start: i32, end: i32, counts: usize, out: usize, rows: i32, bins: i32, tables: i32): void {
  const rb = rowBytes(bins, tables);
  let b = start;
  for (; b + 4 <= end; b += 4) {
    let s = i32x4.splat(0);
    for (let r = 0, p = counts + ((<usize>b + 1) << 2); r < rows; r++, p += rb) s = i32x4.add(s, v128.load(p));
    v128.store(out + (<usize>b << 2), s);
  }
  for (; b < end; b++) {
    let s: u32 = 0;
    for (let r = 0, p = counts + ((<usize>b + 1) << 2); r < rows; r++, p += rb) s += load<u32>(p);
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
    const b = <i32>f64x2.extract_lane(exact2(f64x2.splat(<f64>v), vlo, vhi, vnorm, vfirst, vstep, lastF, false, false), 0);
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
