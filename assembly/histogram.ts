// Histogram with numpy's uniform-bin semantics, as two parallel jobs:
//   histogram_<dt>:  each chunk counts into its own row of `bins` u32 (private,
//                    so no atomics and no false sharing between threads);
//   histogram_merge: parallel over bins, sums the rows in chunk order.
// The JS side keeps the number of chunks small (<= 64) so the rows stay cheap.
// Bin of x (as f64): floor((x - lo) * bins / (hi - lo)), then numpy's fix-up
// against the linspace edges (edge[i] = i * step + lo, edge[bins] = hi) so values
// within an ulp of an edge land where numpy puts them. Bins are half-open except
// the last, which includes hi; x outside [lo, hi] and NaN are not counted.

@inline function edge(i: i32, bins: i32, lo: f64, hi: f64, step: f64): f64 {
  return i == bins ? hi : <f64>i * step + lo;
}

@inline function count<T>(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void {
  const nb = <i32>bins;
  const row = counts + (<usize>(start / chunk) * <usize>nb << 2);
  memory.fill(row, 0, <usize>nb << 2);
  const step = (hi - lo) / bins;
  const scale = bins / (hi - lo);
  for (let i = start; i < end; i++) {
    const v = <f64>load<T>(x + (<usize>i << alignof<T>()));
    if (!(v >= lo && v <= hi)) continue;
    let b = <i32>((v - lo) * scale);
    if (b >= nb) b = nb - 1;
    if (v < edge(b, nb, lo, hi, step)) b--;
    else if (b != nb - 1 && v >= edge(b + 1, nb, lo, hi, step)) b++;
    const p = row + (<usize>b << 2);
    store<u32>(p, load<u32>(p) + 1);
  }
}

export function histogram_f64(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<f64>(start, end, x, counts, chunk, bins, lo, hi); }
export function histogram_f32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<f32>(start, end, x, counts, chunk, bins, lo, hi); }
export function histogram_i32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<i32>(start, end, x, counts, chunk, bins, lo, hi); }
export function histogram_u32(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<u32>(start, end, x, counts, chunk, bins, lo, hi); }
export function histogram_u8(start: i32, end: i32, x: usize, counts: usize, chunk: i32, bins: f64, lo: f64, hi: f64): void { count<u8>(start, end, x, counts, chunk, bins, lo, hi); }

/** Over bins [start, end): out[b] = sum of the rows' counts for b. */
export function histogram_merge(start: i32, end: i32, counts: usize, out: usize, rows: i32, bins: i32): void {
  for (let b = start; b < end; b++) {
    let s: u32 = 0;
    for (let r = 0; r < rows; r++) s += load<u32>(counts + ((<usize>r * <usize>bins + <usize>b) << 2));
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
export function histogram_min_u8(start: i32, end: i32, x: usize): f64 { return extreme<u8>(start, end, x, false); }
export function histogram_max_f64(start: i32, end: i32, x: usize): f64 { return extreme<f64>(start, end, x, true); }
export function histogram_max_f32(start: i32, end: i32, x: usize): f64 { return extreme<f32>(start, end, x, true); }
export function histogram_max_i32(start: i32, end: i32, x: usize): f64 { return extreme<i32>(start, end, x, true); }
export function histogram_max_u32(start: i32, end: i32, x: usize): f64 { return extreme<u32>(start, end, x, true); }
export function histogram_max_u8(start: i32, end: i32, x: usize): f64 { return extreme<u8>(start, end, x, true); }
