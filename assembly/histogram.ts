// Histogram with numpy's uniform-bin semantics, as two parallel jobs:
//   histogram_<dt>:  each chunk counts into its own row (private, so no atomics
//                    and no false sharing between threads);
//   histogram_merge: parallel over bins, sums the rows in chunk order.
// The JS side keeps the number of chunks small (<= 64) so the rows stay cheap.
// Integer data with a small range and u8 take a table of values instead
// (histogram-int.ts).
//
// Four values per group, in f32x4 lanes (four values per instruction, where
// numpy's f64 arithmetic would take two): each value's position in bins,
// c = (x - first) * norm rounded to f32, clamped to [-0.5, bins + 0.5] (NaN to
// -0.5). The JS side (src/engine/ops/histogram.ts, estimate) bounds, in bins,
// the error of this estimate plus that of numpy's own estimate and of the
// edges around c by delta(c) = delta0 + kappa * c: a value whose c is more
// than delta(c) from an integer lies strictly inside bin floor(c) (or outside
// the range, for -1 and bins), where numpy's edge corrections do not move it,
// so floor(c) IS numpy's bin. Only when one of the four is within delta(c) of
// an integer (near) does the group take numpy's exact arithmetic (histogram-bin.ts):
// on random data about 2 * delta of the values (~1e-4 in 256 bins; near the
// range's start delta shrinks with c, so data crowded there stays fast).
//
// The slot's address comes out of the conversion to an integer: floor(c) +
// 1.5 * 2^23 has floor(c) + 0x4B400000 as its bits; adding key (the slot's
// address / 4 in the lane's table, less 0x4B400000) and shifting left by two
// gives the address of the counter.
import { bump, exact2, foldTables, load2, MAGIC, rowBytes, tableStride } from './histogram-bin';

const MAGIC32: f32 = 12582912.0;

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

/** Counter addresses of floor(c) in each lane's table (the key at blk + key: 128, or 144 for a step's second group). */
// @ts-ignore: decorator
@inline function slots(c: v128, blk: usize, key: usize): v128 {
  return i32x4.shl(i32x4.add(f32x4.add(f32x4.floor(c), v128.load(blk, 112)), v128.load(blk + key)), 2);
}

/** Values [i, stop) again: where four had one near a boundary, moves their counts from the fast slots to numpy's. */
@noinline function fixBlock<T>(i: i32, stop: i32, x: usize, blk: usize, b0: f64, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32): void {
  for (; i < stop; i += 4) {
    const c = position<T>(x, i, blk);
    if (!v128.any_true(nearMask(c, blk))) continue;
    // The same slots in tables 0-3 even where the count used 4-7: the tables are summed.
    const a = slots(c, blk, 128);
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
    const k4 = tables == 8 ? k0 + 4 * s : k0;
    v128.store(blk, i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(k4), 1, k4 + t1), 2, k4 + t2), 3, k4 + t3), 144);
    // Blocks of up to 64 values: count every value at its fast slot, and only
    // after the block, if any value was near a boundary, correct those
    // (fixBlock): the loop has no branch but its own and keeps no call.
    while (i + 4 <= end) {
      const stop = min(i + 64, end);
      const i0 = i;
      let near = i32x4.splat(0);
      for (; i + 8 <= stop; i += 8) {
        // Two groups per step, on one load of the constants (the counts' stores keep
        // V8 from reusing loads across steps); with 8 tables, the second group counts
        // into tables 4-7 (keyB), so a run of one bin in a lane is split in two.
        const vfirst = v128.load(blk, 0), vnorm = v128.load(blk, 16), bottom = v128.load(blk, 32), top = v128.load(blk, 48);
        const d0 = v128.load(blk, 64), slope = v128.load(blk, 80), one = v128.load(blk, 96), magic = v128.load(blk, 112), key = v128.load(blk, 128), keyB = v128.load(blk, 144);
        const p = x + (<usize>i << alignof<T>());
        const ca = f32x4.pmin(top, f32x4.pmax(bottom, f32x4.mul(f32x4.sub(load4<T>(p), vfirst), vnorm)));
        const cb = f32x4.pmin(top, f32x4.pmax(bottom, f32x4.mul(f32x4.sub(load4<T>(p + (<usize>4 << alignof<T>())), vfirst), vnorm)));
        const fa = f32x4.floor(ca), fb = f32x4.floor(cb);
        const ra = f32x4.sub(ca, fa), rb = f32x4.sub(cb, fb);
        const na = f32x4.lt(f32x4.pmin(ra, f32x4.sub(one, ra)), f32x4.add(d0, f32x4.mul(ca, slope)));
        const nb = f32x4.lt(f32x4.pmin(rb, f32x4.sub(one, rb)), f32x4.add(d0, f32x4.mul(cb, slope)));
        near = v128.or(near, v128.or(na, nb));
        const a = i32x4.shl(i32x4.add(f32x4.add(fa, magic), key), 2);
        const b = i32x4.shl(i32x4.add(f32x4.add(fb, magic), keyB), 2);
        bump(i32x4.extract_lane(a, 0), 1);
        bump(i32x4.extract_lane(a, 1), 1);
        bump(i32x4.extract_lane(a, 2), 1);
        bump(i32x4.extract_lane(a, 3), 1);
        bump(i32x4.extract_lane(b, 0), 1);
        bump(i32x4.extract_lane(b, 1), 1);
        bump(i32x4.extract_lane(b, 2), 1);
        bump(i32x4.extract_lane(b, 3), 1);
      }
      for (; i + 4 <= stop; i += 4) {
        const c = position<T>(x, i, blk);
        near = v128.or(near, nearMask(c, blk));
        const a = slots(c, blk, 128);
        bump(i32x4.extract_lane(a, 0), 1);
        bump(i32x4.extract_lane(a, 1), 1);
        bump(i32x4.extract_lane(a, 2), 1);
        bump(i32x4.extract_lane(a, 3), 1);
      }
      if (v128.any_true(near)) fixBlock<T>(i0, i, x, blk, b0, bins, lo, hi, norm, first, step, flags);
    }
  }
  exactRun<T>(i, end, x, b0, bins, lo, hi, norm, first, step, flags);
  if (tables >= 4) foldTables(row, stride, tables);
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
