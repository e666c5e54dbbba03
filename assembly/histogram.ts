// Histogram with numpy's uniform-bin semantics, as two parallel jobs:
//   histogram_<dt>:  each chunk counts into its own row of `bins` u32 (private,
//                    so no atomics and no false sharing between threads);
//   histogram_merge: parallel over bins, sums the rows in chunk order.
// The JS side keeps the number of chunks small (<= 64) so the rows stay cheap.
// u8 counts byte values instead and bins them once (below).
// Bin of x with numpy's uniform-bin arithmetic (numpy/lib/histograms.py, the
// fast path), in the data's dtype: keep lo <= x <= hi; i = trunc((x - lo) *
// norm); i == bins -> bins - 1; then one step down if x < edge[i], else one up
// if x >= edge[i + 1] and i is not the last bin, where edge[i] is the linspace
// edge i * step + first. For f32 data numpy computes in f32: lo, hi and norm
// are rounded to f32 (the JS side passes them so), x - lo and the product are
// rounded to f32, and the edges are f32 values (computed in f64 and rounded, or,
// for an autodetected range, in f32 arithmetic throughout: f32Edges).
// x outside [lo, hi] and NaN count into a dummy slot at index `bins` of the row,
// which the merge ignores.

// Two values per step, branch-free, all in f64 lanes (f32 values and their
// products are exact there; rounding to f32 is a demote and a promote); the bin
// index reaches an i32 lane through the 1.5·2^52 trick (an add instead of a
// saturating truncation).
const MAGIC: f64 = 6755399441055744.0;

@inline function load2<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  if (isFloat<T>()) return f64x2.promote_low_f32x4(v128.load64_zero(p));
  if (sizeof<T>() == 4) return isSigned<T>()
    ? f64x2.convert_low_i32x4_s(v128.load64_zero(p))
    : f64x2.convert_low_i32x4_u(v128.load64_zero(p));
  return f64x2.convert_low_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(p))));
}

/** f64 lanes rounded to f32 (and back) when `f32` (a constant at every call). */
@inline function r32(v: v128, f32: bool): v128 {
  return f32 ? f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v)) : v;
}

@inline function edge(b: v128, step: v128, first: v128, f32: bool, f32Edges: bool): v128 {
  return r32(f64x2.add(r32(f64x2.mul(b, step), f32Edges), first), f32);
}

/**
 * f32: values compared and subtracted in f32 and edges rounded to f32;
 * f32Edges: edges in f32 arithmetic; f32Mul: the product rounded to f32 (norm
 * fits an f32: numpy's value-based casting). All constants at each call.
 */
@inline function bins2(v: v128, lo: v128, hi: v128, norm: v128, first: v128, step: v128, nbF: v128, lastF: v128,
  f32: bool, f32Edges: bool, f32Mul: bool): v128 {
  const valid = v128.and(f64x2.ge(v, lo), f64x2.le(v, hi));
  // numpy's estimate is (x - lo) * norm rounded to f32; an estimate within one
  // bin of the edge-defined one ends in the same bin after the steps below, so
  // the f64 estimate (exact difference, f64 norm) serves unless bins are
  // narrower than a few f32 ulps: f32Mul keeps numpy's rounding there.
  let b = f64x2.trunc(r32(f64x2.mul(r32(f64x2.sub(v, lo), f32Mul), norm), f32Mul));
  b = f64x2.min(b, lastF);
  const dec = v128.and(f64x2.lt(v, edge(b, step, first, f32, f32Edges)), f64x2.splat(1));
  const inc = v128.and(f64x2.ge(v, edge(f64x2.add(b, f64x2.splat(1)), step, first, f32, f32Edges)), f64x2.splat(1));
  // Not past the last bin: numpy's "i != bins - 1" (its edge[bins] is hi, which the clamp covers).
  b = f64x2.min(f64x2.add(f64x2.sub(b, dec), inc), lastF);
  return f64x2.add(v128.bitselect(b, nbF, valid), f64x2.splat(MAGIC));
}

@inline function run<T>(i: i32, end: i32, x: usize, row: usize, lo: v128, hi: v128, norm: v128, first: v128, step: v128,
  nbF: v128, lastF: v128, f32: bool, f32Edges: bool, f32Mul: bool): void {
  for (; i + 2 <= end; i += 2) {
    bump2(row, bins2(load2<T>(x + (<usize>i << alignof<T>())), lo, hi, norm, first, step, nbF, lastF, f32, f32Edges, f32Mul), true);
  }
  if (i < end) {
    bump2(row, bins2(f64x2.splat(<f64>load<T>(x + (<usize>i << alignof<T>()))), lo, hi, norm, first, step, nbF, lastF, f32, f32Edges, f32Mul), false);
  }
}

/** flags: 1 f32 (with 2 f32Edges, 4 f32Mul), as bins2's; 0 for f64 arithmetic throughout. */
@inline function count<T>(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64,
  lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32): void {
  const nb = <i32>bins;
  const row = counts + (<usize>(start / chunk) * rowStride(nb) << 2);
  memory.fill(row, 0, <usize>(nb + 1) << 2);
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi), vnorm = f64x2.splat(norm), vfirst = f64x2.splat(first), vstep = f64x2.splat(step);
  const nbF = f64x2.splat(bins), lastF = f64x2.splat(bins - 1);
  if (!isFloat<T>() || sizeof<T>() == 8 || flags == 0) run<T>(start, end, x, row, vlo, vhi, vnorm, vfirst, vstep, nbF, lastF, false, false, false);
  else if (flags == 5) run<T>(start, end, x, row, vlo, vhi, vnorm, vfirst, vstep, nbF, lastF, true, false, true);
  else if (flags == 7) run<T>(start, end, x, row, vlo, vhi, vnorm, vfirst, vstep, nbF, lastF, true, true, true);
  else if (flags == 1) run<T>(start, end, x, row, vlo, vhi, vnorm, vfirst, vstep, nbF, lastF, true, false, false);
  else run<T>(start, end, x, row, vlo, vhi, vnorm, vfirst, vstep, nbF, lastF, true, true, false);
}

@inline function bump2(row: usize, b: v128, both: bool): void {
  const p0 = row + (<usize>i32x4.extract_lane(b, 0) << 2);
  store<u32>(p0, load<u32>(p0) + 1);
  if (!both) return;
  const p1 = row + (<usize>i32x4.extract_lane(b, 2) << 2);
  store<u32>(p1, load<u32>(p1) + 1);
}

// Arguments after (x, counts, chunk, bins): keep bounds lo and hi (also the
// value subtracted), norm = bins / (range width), the edges' first and step,
// and flags (count's).
export function histogram_f64(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32): void { count<f64>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags); }
export function histogram_f32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32): void { count<f32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags); }
export function histogram_i32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32): void { count<i32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags); }
export function histogram_u32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64, flags: i32): void { count<u32>(start, end, x, counts, chunk, bins, lo, hi, norm, first, step, flags); }

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

/** out[0..bins) from the value totals; a single-chunk job (arguments as histogram_f64's). */
export function histogram_u8_bins(start: i32, end: i32, counts: usize, out: usize, rows: i32, bins: f64, lo: f64, hi: f64, norm: f64, first: f64, step: f64): void {
  const nb = <i32>bins;
  memory.fill(out, 0, <usize>nb << 2);
  const vlo = f64x2.splat(lo), vhi = f64x2.splat(hi), vnorm = f64x2.splat(norm), vfirst = f64x2.splat(first), vstep = f64x2.splat(step);
  const nbF = f64x2.splat(bins), lastF = f64x2.splat(bins - 1);
  for (let v = 0; v < 256; v++) {
    const total = valueTotal(counts, rows, v);
    if (total == 0) continue;
    const b = i32x4.extract_lane(bins2(f64x2.splat(<f64>v), vlo, vhi, vnorm, vfirst, vstep, nbF, lastF, false, false, false), 0);
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
