// Integer data over a small range: a table of values instead of arithmetic per
// element. Every integer v in [intLo, intLo + span) is binned once with numpy's
// exact arithmetic (histogram_lut, a parallel job); the chunks then look each
// value up: four loads and a subtraction per four values, no rounding, no
// value ever near a boundary (integer data often sits exactly on the edges:
// [0, 100) in 100 bins puts every value there). The JS side picks this path
// when span is small next to n (src/engine/ops/histogram.ts).
// u8 goes further (histogram-u8.ts): a byte has 256 values, so a chunk counts
// the values themselves and the bins come from their totals.
import { bump, exact2, foldTables, rowBytes, tableStride } from './histogram-bin';

/**
 * lut[j], j in [start, end): 16 bytes per value intLo + j, the byte offset of
 * its counter in each lane's table (slot 0, not counted, for values outside the
 * range; tableBytes apart: 0 with a single table). Arguments after (lut, intLo,
 * tableBytes) as histogram_f64's numpy arithmetic, in f64 (integer data).
 */
export function histogram_lut(start: i32, end: i32, lut: usize, intLo: f64, tableBytes: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64): void {
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi), vnorm = f64x2.splat(norm), vfirst = f64x2.splat(first), vstep = f64x2.splat(step);
  const lastF = f64x2.splat(bins - 1);
  for (let j = start; j < end; j += 2) {
    const v = f64x2.replace_lane(f64x2.splat(intLo + <f64>j), 1, intLo + <f64>j + 1);
    const k = exact2(v, vlo, vhi, vnorm, vfirst, vstep, lastF, false, false);
    for (let l = 0; l < 2 && j + l < end; l++) {
      const s = (<i32>(l == 0 ? f64x2.extract_lane(k, 0) : f64x2.extract_lane(k, 1)) + 1) << 2;
      const e = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(s), 1, s + tableBytes), 2, s + 2 * tableBytes), 3, s + 3 * tableBytes);
      v128.store(lut + (<usize>(j + l) << 4), e);
    }
  }
}

/** The lut entries' addresses of 16 values from p (v - intLo as unsigned: values outside map to entry span), to blk + off. */
// @ts-ignore: decorator
@inline function entries(p: usize, lo: v128, top: v128, base: v128, blk: usize, off: usize): void {
  v128.store(blk + off, i32x4.add(i32x4.shl(i32x4.min_u(i32x4.sub(v128.load(p), lo), top), 4), base));
  v128.store(blk + off, i32x4.add(i32x4.shl(i32x4.min_u(i32x4.sub(v128.load(p, 16), lo), top), 4), base), 16);
  v128.store(blk + off, i32x4.add(i32x4.shl(i32x4.min_u(i32x4.sub(v128.load(p, 32), lo), top), 4), base), 32);
  v128.store(blk + off, i32x4.add(i32x4.shl(i32x4.min_u(i32x4.sub(v128.load(p, 48), lo), top), 4), base), 48);
}

/** Counts the 16 values whose lut entries' addresses are at blk + off into the row (byte address r). */
// @ts-ignore: decorator
@inline function countEntries(blk: usize, off: usize, r: i32): void {
  const q = blk + off;
  bump(r + load<i32>(<usize><u32>load<i32>(q)), 1); bump(r + load<i32>(<usize><u32>load<i32>(q, 4)), 1);
  bump(r + load<i32>(<usize><u32>load<i32>(q, 8)), 1); bump(r + load<i32>(<usize><u32>load<i32>(q, 12)), 1);
  bump(r + load<i32>(<usize><u32>load<i32>(q, 16)), 1); bump(r + load<i32>(<usize><u32>load<i32>(q, 20)), 1);
  bump(r + load<i32>(<usize><u32>load<i32>(q, 24)), 1); bump(r + load<i32>(<usize><u32>load<i32>(q, 28)), 1);
  bump(r + load<i32>(<usize><u32>load<i32>(q, 32)), 1); bump(r + load<i32>(<usize><u32>load<i32>(q, 36)), 1);
  bump(r + load<i32>(<usize><u32>load<i32>(q, 40)), 1); bump(r + load<i32>(<usize><u32>load<i32>(q, 44)), 1);
  bump(r + load<i32>(<usize><u32>load<i32>(q, 48)), 1); bump(r + load<i32>(<usize><u32>load<i32>(q, 52)), 1);
  bump(r + load<i32>(<usize><u32>load<i32>(q, 56)), 1); bump(r + load<i32>(<usize><u32>load<i32>(q, 60)), 1);
}

// @ts-ignore: decorator
@inline function countLut(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: i32, lut: usize, intLo: i32, span: i32, tables: i32): void {
  const stride = tableStride(bins);
  const row = counts + <usize>(start / chunk) * rowBytes(bins, tables);
  const blk = row + ((<usize>tables * stride) << 2);
  memory.fill(row, 0, (<usize>tables * stride) << 2);
  // Constants in the row's block (rowBytes says why); lanes read their own 4 bytes of an entry.
  v128.store(blk, i32x4.splat(intLo), 0);
  v128.store(blk, i32x4.splat(span), 16);
  const lb = <i32>lut;
  v128.store(blk, i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(lb), 1, lb + 4), 2, lb + 8), 3, lb + 12), 32);
  // As the float kernels' fast loop (assembly/histogram.ts, count16): the
  // entries' addresses wait in the block, half A (64) counted in the same step,
  // half B (128) in the next and at the end; B starts at the entry of values
  // outside the range (slot 0, not counted).
  const none = i32x4.splat(lb + (span << 4));
  v128.store(blk, none, 128); v128.store(blk, none, 144); v128.store(blk, none, 160); v128.store(blk, none, 176);
  let i = start;
  for (; i + 32 <= end; i += 32) {
    const p = x + (<usize>i << 2);
    const lo = v128.load(blk, 0), top = v128.load(blk, 16), base = v128.load(blk, 32);
    entries(p, lo, top, base, blk, 64);
    countEntries(blk, 128, <i32>row);
    entries(p + 64, lo, top, base, blk, 128);
    countEntries(blk, 64, <i32>row);
  }
  countEntries(blk, 128, <i32>row);
  for (; i + 4 <= end; i += 4) {
    // v - intLo as unsigned: values outside [intLo, intLo + span) map to entry span (slot 0).
    const d = i32x4.min_u(i32x4.sub(v128.load(x + (<usize>i << 2)), v128.load(blk, 0)), v128.load(blk, 16));
    const a = i32x4.add(i32x4.shl(d, 4), v128.load(blk, 32));
    const r = <i32>row;
    bump(r + load<i32>(<usize><u32>i32x4.extract_lane(a, 0)), 1);
    bump(r + load<i32>(<usize><u32>i32x4.extract_lane(a, 1)), 1);
    bump(r + load<i32>(<usize><u32>i32x4.extract_lane(a, 2)), 1);
    bump(r + load<i32>(<usize><u32>i32x4.extract_lane(a, 3)), 1);
  }
  for (; i < end; i++) {
    const d = min<u32>(load<u32>(x + (<usize>i << 2)) - <u32>intLo, <u32>span);
    bump(<i32>row + load<i32>(lut + (<usize>d << 4)), 1);
  }
  if (tables >= 4) foldTables(row, stride, tables);
}

/**
 * i32 or u32 data (the same bits: v - intLo wraps) counted through lut (span + 1
 * entries, the last for values outside) into the chunk rows, as histogram_f64's.
 */
export function histogram_lut_count(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: i32, lut: usize, intLo: i32, span: i32, tables: i32): void {
  countLut(start, end, x, counts, chunk, bins, lut, intLo, span, tables);
}
