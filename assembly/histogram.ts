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
// The counter's address comes out of the conversion to an integer: floor(c) +
// 1.5 * 2^21 (an f32 whose ulp is 1/4) has 4 * floor(c) + 0x4A400000 as its
// bits; adding key (the address of the lane's table's slot 0 plus 4, less
// 0x4A400000) gives the address of the counter. Exact while |floor(c)| < 2^20:
// the fast path's bound (estimate) keeps bins far below that.
import { bump, exact2, foldTables, load2, MAGIC, rowBytes, tableStride } from './histogram-bin';

const MAGIC21: f32 = 3145728.0;

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
  return i32x4.add(f32x4.add(f32x4.floor(c), v128.load(blk, 112)), v128.load(blk + key));
}

/**
 * Four values' positions, their counter addresses stored at blk + off (counted
 * later by count16), and the lanes near a boundary.
 */
// @ts-ignore: decorator
@inline function group(v: v128, vfirst: v128, vnorm: v128, bottom: v128, top: v128, d0: v128, slope: v128, one: v128, magic: v128, key: v128, blk: usize, off: usize): v128 {
  const c = f32x4.pmin(top, f32x4.pmax(bottom, f32x4.mul(f32x4.sub(v, vfirst), vnorm)));
  const f = f32x4.floor(c);
  v128.store(blk + off, i32x4.add(f32x4.add(f, magic), key));
  const r = f32x4.sub(c, f);
  return f32x4.lt(f32x4.pmin(r, f32x4.sub(one, r)), f32x4.add(d0, f32x4.mul(c, slope)));
}

/**
 * Counts the 16 values whose counter addresses are at blk + off. A scalar load
 * is one instruction that V8 uses as an address as it is; a lane extract is
 * two or three. The addresses were stored half a step earlier: a load right
 * after the vector store that it reads stalls.
 */
// @ts-ignore: decorator
@inline function count16(blk: usize, off: usize): void {
  const q = blk + off;
  bump(load<i32>(q), 1); bump(load<i32>(q, 4), 1); bump(load<i32>(q, 8), 1); bump(load<i32>(q, 12), 1);
  bump(load<i32>(q, 16), 1); bump(load<i32>(q, 20), 1); bump(load<i32>(q, 24), 1); bump(load<i32>(q, 28), 1);
  bump(load<i32>(q, 32), 1); bump(load<i32>(q, 36), 1); bump(load<i32>(q, 40), 1); bump(load<i32>(q, 44), 1);
  bump(load<i32>(q, 48), 1); bump(load<i32>(q, 52), 1); bump(load<i32>(q, 56), 1); bump(load<i32>(q, 60), 1);
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
 * delta0 (< 0: numpy's arithmetic for every value) and kappa; tables (1, 4 or 8).
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
    const k0 = <i32>row + 4 - 0x4A400000, s4 = s << 2;
    v128.store(blk, f32x4.splat(<f32>first32), 0);
    v128.store(blk, f32x4.splat(<f32>norm32), 16);
    v128.store(blk, f32x4.splat(-0.5), 32);
    v128.store(blk, f32x4.splat(<f32>bins + 0.5), 48);
    v128.store(blk, f32x4.splat(<f32>delta0), 64);
    v128.store(blk, f32x4.splat(<f32>kappa), 80);
    v128.store(blk, f32x4.splat(1), 96);
    v128.store(blk, f32x4.splat(MAGIC21), 112);
    v128.store(blk, i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(k0), 1, k0 + (t1 << 2)), 2, k0 + (t2 << 2)), 3, k0 + (t3 << 2)), 128);
    const k4 = tables == 8 ? k0 + 4 * s4 : k0;
    v128.store(blk, i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(k4), 1, k4 + (t1 << 2)), 2, k4 + (t2 << 2)), 3, k4 + (t3 << 2)), 144);
    // Blocks of up to 64 values: count every value at its fast slot, and only
    // after the block, if any value was near a boundary, correct those
    // (fixBlock): the loop has no branch but its own and keeps no call.
    // Addresses wait in the block: half A (160) is counted in the same step,
    // half B (224) in the next (and at the end); B starts at slot 0 (not counted).
    const none = i32x4.splat(<i32>row);
    v128.store(blk, none, 224); v128.store(blk, none, 240); v128.store(blk, none, 256); v128.store(blk, none, 272);
    while (i + 4 <= end) {
      const stop = min(i + 64, end);
      const i0 = i;
      // The near lanes accumulate in the block (288), not in a register: a store
      // is ordered, so V8 computes each group's mask where it is written, instead
      // of late, before the loop's end, with the positions spilled until then.
      v128.store(blk, i32x4.splat(0), 288);
      for (; i + 32 <= stop; i += 32) {
        // Eight groups per step, on one load of the constants (the counts' stores keep
        // V8 from reusing loads across steps); with 8 tables, every second group
        // counts into tables 4-7 (keyB), so a run of one bin in a lane is split in two.
        const vfirst = v128.load(blk, 0), vnorm = v128.load(blk, 16), bottom = v128.load(blk, 32), top = v128.load(blk, 48);
        const d0 = v128.load(blk, 64), slope = v128.load(blk, 80), one = v128.load(blk, 96), magic = v128.load(blk, 112), key = v128.load(blk, 128), keyB = v128.load(blk, 144);
        const p = x + (<usize>i << alignof<T>());
        const g = <usize>4 << alignof<T>();
        let n = group(load4<T>(p), vfirst, vnorm, bottom, top, d0, slope, one, magic, key, blk, 160);
        n = v128.or(n, group(load4<T>(p + g), vfirst, vnorm, bottom, top, d0, slope, one, magic, keyB, blk, 176));
        n = v128.or(n, group(load4<T>(p + 2 * g), vfirst, vnorm, bottom, top, d0, slope, one, magic, key, blk, 192));
        n = v128.or(n, group(load4<T>(p + 3 * g), vfirst, vnorm, bottom, top, d0, slope, one, magic, keyB, blk, 208));
        v128.store(blk, v128.or(v128.load(blk, 288), n), 288);
        count16(blk, 224);
        n = group(load4<T>(p + 4 * g), vfirst, vnorm, bottom, top, d0, slope, one, magic, key, blk, 224);
        n = v128.or(n, group(load4<T>(p + 5 * g), vfirst, vnorm, bottom, top, d0, slope, one, magic, keyB, blk, 240));
        n = v128.or(n, group(load4<T>(p + 6 * g), vfirst, vnorm, bottom, top, d0, slope, one, magic, key, blk, 256));
        n = v128.or(n, group(load4<T>(p + 7 * g), vfirst, vnorm, bottom, top, d0, slope, one, magic, keyB, blk, 272));
        v128.store(blk, v128.or(v128.load(blk, 288), n), 288);
        count16(blk, 160);
      }
      let near = v128.load(blk, 288);
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
    count16(blk, 224);
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
