// Histogram with numpy's uniform-bin semantics, as two parallel jobs:
//   histogram_<dt>:  each chunk counts into its own row of `bins` u32 (private,
//                    so no atomics and no false sharing between threads);
//   histogram_merge: parallel over bins, sums the rows in chunk order.
// The JS side keeps the number of chunks small (<= 64) so the rows stay cheap.
// u8 counts byte values instead and bins them once (below).
// Bin of x (as f64): about (x - lo) * bins / (hi - lo), then numpy's fix-up
// against the linspace edges (edge[i] = i * step + lo, edge[bins] = hi) so values
// within an ulp of an edge land where numpy puts them. Bins are half-open except
// the last, which includes hi; x outside [lo, hi] and NaN are not counted.

// Two values per step, branch-free, all in f64 lanes: float->int conversions
// go through the 1.5·2^52 rounding trick (an add instead of a saturating
// truncation), the estimate round(y) is within one bin of the true one and
// numpy's edge fix-up settles it; out-of-range lanes and NaN count into a dummy
// slot at index `bins` of the row, which the merge ignores.
const MAGIC: f64 = 6755399441055744.0;

@inline function load2<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  if (isFloat<T>()) return f64x2.promote_low_f32x4(v128.load64_zero(p));
  if (sizeof<T>() == 4) return isSigned<T>()
    ? f64x2.convert_low_i32x4_s(v128.load64_zero(p))
    : f64x2.convert_low_i32x4_u(v128.load64_zero(p));
  return f64x2.convert_low_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(p))));
}

@inline function bins2(v: v128, lo: v128, hi: v128, scale: v128, step: v128, nbF: v128, lastF: v128): v128 {
  const one = f64x2.splat(1), magic = f64x2.splat(MAGIC);
  const valid = v128.and(f64x2.ge(v, lo), f64x2.le(v, hi));
  let b = f64x2.sub(f64x2.add(f64x2.mul(f64x2.sub(v, lo), scale), magic), magic);
  b = f64x2.min(b, lastF);
  const e0 = f64x2.add(f64x2.mul(b, step), lo);
  // Edges as numpy's linspace computes them: i·step + lo (the last bin's upper
  // edge is hi itself, which the clamp below covers).
  const e1 = f64x2.add(f64x2.mul(f64x2.add(b, one), step), lo);
  const dec = v128.and(f64x2.lt(v, e0), one);
  const inc = v128.and(f64x2.ge(v, e1), one);
  // The last bin also holds hi (and anything rounding past its computed edge).
  b = f64x2.min(f64x2.add(f64x2.sub(b, dec), inc), lastF);
  return f64x2.add(v128.bitselect(b, nbF, valid), magic);
}

@inline function count<T>(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void {
  const nb = <i32>bins;
  const row = counts + (<usize>(start / chunk) * rowStride(nb) << 2);
  memory.fill(row, 0, <usize>(nb + 1) << 2);
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi);
  const scale = f64x2.splat(bins / (hi - lo)), step = f64x2.splat((hi - lo) / bins);
  const nbF = f64x2.splat(bins), lastF = f64x2.splat(bins - 1);
  let i = start;
  for (; i + 2 <= end; i += 2) {
    const b = bins2(load2<T>(x + (<usize>i << alignof<T>())), vlo, vhi, scale, step, nbF, lastF);
    const p0 = row + (<usize>i32x4.extract_lane(b, 0) << 2);
    store<u32>(p0, load<u32>(p0) + 1);
    const p1 = row + (<usize>i32x4.extract_lane(b, 2) << 2);
    store<u32>(p1, load<u32>(p1) + 1);
  }
  if (i < end) {
    const b = bins2(f64x2.splat(<f64>load<T>(x + (<usize>i << alignof<T>()))), vlo, vhi, scale, step, nbF, lastF);
    const p0 = row + (<usize>i32x4.extract_lane(b, 0) << 2);
    store<u32>(p0, load<u32>(p0) + 1);
  }
}

export function histogram_f64(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<f64>(start, end, x, counts, chunk, bins, lo, hi); }
export function histogram_f32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<f32>(start, end, x, counts, chunk, bins, lo, hi); }
export function histogram_i32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<i32>(start, end, x, counts, chunk, bins, lo, hi); }
export function histogram_u32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<u32>(start, end, x, counts, chunk, bins, lo, hi); }

// ---- u8: count the 256 values, then map values to bins once -----------------
// A byte has 256 values, so a chunk counts the values themselves (no float
// math per element), in four interleaved tables so that runs of one value do
// not serialize on one counter; histogram_u8_bins then puts each value's total
// into its bin with the same bins2 arithmetic as the general path, once per
// value instead of once per element. Row of a chunk: 4 × 256 u32 (4 KiB).

@inline function bump(row: usize, t: u32, v: u32): void {
  const p = row + (((t << 8) + v) << 2);
  store<u32>(p, load<u32>(p) + 1);
}

export function histogram_u8_values(start: i32, end: i32, x: usize, counts: usize, chunk: i32): void {
  const row = counts + (<usize>(start / chunk) << 12);
  memory.fill(row, 0, 4096);
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const v = v128.load(x + <usize>i);
    bump(row, 0, i8x16.extract_lane_u(v, 0)); bump(row, 1, i8x16.extract_lane_u(v, 1));
    bump(row, 2, i8x16.extract_lane_u(v, 2)); bump(row, 3, i8x16.extract_lane_u(v, 3));
    bump(row, 0, i8x16.extract_lane_u(v, 4)); bump(row, 1, i8x16.extract_lane_u(v, 5));
    bump(row, 2, i8x16.extract_lane_u(v, 6)); bump(row, 3, i8x16.extract_lane_u(v, 7));
    bump(row, 0, i8x16.extract_lane_u(v, 8)); bump(row, 1, i8x16.extract_lane_u(v, 9));
    bump(row, 2, i8x16.extract_lane_u(v, 10)); bump(row, 3, i8x16.extract_lane_u(v, 11));
    bump(row, 0, i8x16.extract_lane_u(v, 12)); bump(row, 1, i8x16.extract_lane_u(v, 13));
    bump(row, 2, i8x16.extract_lane_u(v, 14)); bump(row, 3, i8x16.extract_lane_u(v, 15));
  }
  for (; i < end; i++) bump(row, <u32>i & 3, load<u8>(x + <usize>i));
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

/** out[0..bins) from the value totals; a single-chunk job. */
export function histogram_u8_bins(start: i32, end: i32, counts: usize, out: usize, rows: i32, bins: f64, lo: f64, hi: f64): void {
  const nb = <i32>bins;
  memory.fill(out, 0, <usize>nb << 2);
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi);
  const scale = f64x2.splat(bins / (hi - lo)), step = f64x2.splat((hi - lo) / bins);
  const nbF = f64x2.splat(bins), lastF = f64x2.splat(bins - 1);
  for (let v = 0; v < 256; v++) {
    const total = valueTotal(counts, rows, v);
    if (total == 0) continue;
    const b = i32x4.extract_lane(bins2(f64x2.splat(<f64>v), vlo, vhi, scale, step, nbF, lastF), 0);
    if (b < nb) store<u32>(out + (<usize>b << 2), load<u32>(out + (<usize>b << 2)) + total);
  }
}

/**
 * Rows hold bins + 1 counters, padded to whole 64-byte lines: threads usually work
 * on neighbouring chunks at the same time, and rows sharing a cache line at their
 * ends made the counters of the first and last bins ping-pong between cores.
 */
// @ts-ignore: decorator
@inline function rowStride(bins: i32): usize { return (<usize>bins + 1 + 15) & ~<usize>15; }

/** Over bins [start, end): out[b] = sum of the rows' counts for b. */
export function histogram_merge(start: i32, end: i32, counts: usize, out: usize, rows: i32, bins: i32): void {
  const stride = rowStride(bins);
  for (let b = start; b < end; b++) {
    let s: u32 = 0;
    for (let r = 0; r < rows; r++) s += load<u32>(counts + ((<usize>r * stride + <usize>b) << 2));
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
