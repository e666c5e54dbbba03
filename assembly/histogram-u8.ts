// u8 histograms: a byte has 256 values, so a chunk counts the values themselves
// (no arithmetic per element) into a row that ends in the 256 value totals; histogram_u8_bins then puts each value's total into its bin with the
// same exact arithmetic as the general path (histogram-bin.ts, exact2), once per
// value instead of once per element. Two ways to count a chunk:
//   histogram_u8_values: one counter per byte, in four interleaved tables (so
//     runs of one value do not wait on one counter). Row: 4 KiB.
//   histogram_u8_pairs: one counter per PAIR of bytes, in a 65536-entry table
//     (a u16 load is both values), then the totals from its row and column
//     sums. Half the counter updates, which is what a byte costs here: V8
//     compiles a counter update to five instructions (load the byte, form the
//     address, load, add, store) where C has two (load, `inc [mem]`). The table
//     (256 KiB, in L2) costs a clear and a sum per chunk, so the JS side gives
//     this one chunks of at least 1M values. Row: the table, then the totals
//     (first, the table's address would take a third term, which makes the
//     address's lea a slow one on AMD).
// The kernels that read the totals take the first row's totals and the rows' stride.
import { exact2 } from './histogram-bin';

// The table's offset as the access's immediate (V8 folds it into the address), hence one function per table.
// @ts-ignore: decorator
@inline function bump0(row: usize, v: u32): void { const p = row + (<usize>v << 2); store<u32>(p, load<u32>(p) + 1); }
// @ts-ignore: decorator
@inline function bump1(row: usize, v: u32): void { const p = row + (<usize>v << 2); store<u32>(p, load<u32>(p, 1024) + 1, 1024); }
// @ts-ignore: decorator
@inline function bump2(row: usize, v: u32): void { const p = row + (<usize>v << 2); store<u32>(p, load<u32>(p, 2048) + 1, 2048); }
// @ts-ignore: decorator
@inline function bump3(row: usize, v: u32): void { const p = row + (<usize>v << 2); store<u32>(p, load<u32>(p, 3072) + 1, 3072); }

export function histogram_u8_values(start: i32, end: i32, x: usize, counts: usize, chunk: i32): void {
  const row = counts + (<usize>(start / chunk) << 12);
  memory.fill(row, 0, 4096);
  let i = start;
  // Byte loads, not lane extracts: a load that zero-extends is one instruction, an extract two.
  for (; i + 16 <= end; i += 16) {
    const p = x + <usize>i;
    bump0(row, load<u8>(p, 0)); bump1(row, load<u8>(p, 1));
    bump2(row, load<u8>(p, 2)); bump3(row, load<u8>(p, 3));
    bump0(row, load<u8>(p, 4)); bump1(row, load<u8>(p, 5));
    bump2(row, load<u8>(p, 6)); bump3(row, load<u8>(p, 7));
    bump0(row, load<u8>(p, 8)); bump1(row, load<u8>(p, 9));
    bump2(row, load<u8>(p, 10)); bump3(row, load<u8>(p, 11));
    bump0(row, load<u8>(p, 12)); bump1(row, load<u8>(p, 13));
    bump2(row, load<u8>(p, 14)); bump3(row, load<u8>(p, 15));
  }
  for (; i < end; i++) bump0(row, load<u8>(x + <usize>i));
  // Fold tables 1..3 into table 0: the totals.
  for (let b: usize = 0; b < 1024; b += 16) {
    const t = i32x4.add(i32x4.add(v128.load(row + b), v128.load(row + b, 1024)), i32x4.add(v128.load(row + b, 2048), v128.load(row + b, 3072)));
    v128.store(row + b, t);
  }
}

/** Bytes of a row of histogram_u8_pairs: the pair table, then the totals. */
const PAIR_ROW: usize = 262144 + 1024;

// @ts-ignore: decorator
@inline function bumpPair(pairs: usize, w: u32): void { const p = pairs + (<usize>w << 2); store<u32>(p, load<u32>(p) + 1); }

/** Counts [start, end) (start even: chunks are multiples of 64) by pairs, totals as histogram_u8_values's. */
export function histogram_u8_pairs(start: i32, end: i32, x: usize, counts: usize, chunk: i32): void {
  const pairs = counts + <usize>(start / chunk) * PAIR_ROW;
  const row = pairs + 262144;
  memory.fill(pairs, 0, PAIR_ROW);
  let i = start;
  for (; i + 32 <= end; i += 32) {
    const p = x + <usize>i;
    bumpPair(pairs, load<u16>(p, 0)); bumpPair(pairs, load<u16>(p, 2));
    bumpPair(pairs, load<u16>(p, 4)); bumpPair(pairs, load<u16>(p, 6));
    bumpPair(pairs, load<u16>(p, 8)); bumpPair(pairs, load<u16>(p, 10));
    bumpPair(pairs, load<u16>(p, 12)); bumpPair(pairs, load<u16>(p, 14));
    bumpPair(pairs, load<u16>(p, 16)); bumpPair(pairs, load<u16>(p, 18));
    bumpPair(pairs, load<u16>(p, 20)); bumpPair(pairs, load<u16>(p, 22));
    bumpPair(pairs, load<u16>(p, 24)); bumpPair(pairs, load<u16>(p, 26));
    bumpPair(pairs, load<u16>(p, 28)); bumpPair(pairs, load<u16>(p, 30));
  }
  for (; i + 2 <= end; i += 2) bumpPair(pairs, load<u16>(x + <usize>i));
  // Entry b * 256 + a counts the pairs (a, b) (little-endian: a is the first
  // byte): a's total gains column a's sum, b's gains row b's.
  for (let b: usize = 0; b < 256; b++) {
    const r = pairs + (b << 10);
    let s = i32x4.splat(0);
    for (let j: usize = 0; j < 1024; j += 16) {
      const m = v128.load(r + j);
      s = i32x4.add(s, m);
      v128.store(row + j, i32x4.add(v128.load(row + j), m));
    }
    const t = row + (b << 2);
    store<u32>(t, load<u32>(t) + i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3));
  }
  if (i < end) bump0(row, load<u8>(x + <usize>i));
}

/** Total count of byte value v over all chunk rows (stride bytes apart). */
// @ts-ignore: decorator
@inline function valueTotal(counts: usize, rows: i32, stride: usize, v: i32): u32 {
  let s: u32 = 0;
  for (let r = 0; r < rows; r++) s += load<u32>(counts + <usize>r * stride + (<usize>v << 2));
  return s;
}

/** The smallest (or largest) byte value that occurs: the default range. A single-chunk job. */
export function histogram_u8_extreme(start: i32, end: i32, counts: usize, rows: i32, stride: i32, wantMax: i32): f64 {
  for (let k = 0; k < 256; k++) {
    const v = wantMax ? 255 - k : k;
    if (valueTotal(counts, rows, <usize>stride, v) != 0) return <f64>v;
  }
  return NaN;
}

/** out[0..bins) from the value totals; a single-chunk job (arguments after stride as histogram_f64's). */
export function histogram_u8_bins(start: i32, end: i32, counts: usize, out: usize, rows: i32, stride: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64): void {
  const nb = <i32>bins;
  memory.fill(out, 0, <usize>nb << 2);
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi), vnorm = f64x2.splat(norm), vfirst = f64x2.splat(first), vstep = f64x2.splat(step);
  const lastF = f64x2.splat(bins - 1);
  for (let v = 0; v < 256; v++) {
    const total = valueTotal(counts, rows, <usize>stride, v);
    if (total == 0) continue;
    const b = <i32>f64x2.extract_lane(exact2(f64x2.splat(<f64>v), vlo, vhi, vnorm, vfirst, vstep, lastF, false, false), 0);
    if (b >= 0) store<u32>(out + (<usize>b << 2), load<u32>(out + (<usize>b << 2)) + total);
  }
}
