// The bin of a value with numpy's uniform-bin arithmetic (numpy/lib/histograms.py,
// the fast path), exactly, in the data's dtype: keep lo <= x <= hi; i = trunc((x -
// lo) * norm); i == bins -> bins - 1; then one step down if x < edge[i], else one
// up if x >= edge[i + 1] and i is not the last bin, where edge[i] is the linspace
// edge i * step + first. For f32 data numpy computes in f32: lo, hi and norm are
// rounded to f32 (the JS side passes them so), x - lo and the product are rounded
// to f32, and the edges are f32 values (computed in f64 and rounded).
//
// Two values per step, branch-free, all in f64 lanes (f32 values and their
// products are exact there; rounding to f32 is a demote and a promote). pmin, not
// min: wasm's min propagates NaN, which costs V8 seven instructions on x64.

/** 1.5 * 2^52: adding it to an f64 in (-2^51, 2^51) rounds to an integer held in the low bits. */
export const MAGIC: f64 = 6755399441055744.0;

/** Two values (from `p`) as f64 lanes. */
// @ts-ignore: decorator
@inline export function load2<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  if (isFloat<T>()) return f64x2.promote_low_f32x4(v128.load64_zero(p));
  if (sizeof<T>() == 4) return isSigned<T>()
    ? f64x2.convert_low_i32x4_s(v128.load64_zero(p))
    : f64x2.convert_low_i32x4_u(v128.load64_zero(p));
  return f64x2.convert_low_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(p))));
}

/** f64 lanes rounded to f32 (and back) when `f32` (a constant at every call). */
// @ts-ignore: decorator
@inline function r32(v: v128, f32: bool): v128 {
  return f32 ? f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v)) : v;
}

// @ts-ignore: decorator
@inline function edge(b: v128, step: v128, first: v128, f32: bool): v128 {
  return r32(f64x2.add(f64x2.mul(b, step), first), f32);
}

/**
 * numpy's bin of each lane as an f64, or -1 for a value it does not count
 * (outside [lo, hi], NaN). nbF is bins, lastF bins - 1.
 * f32: values compared and subtracted in f32 and edges rounded to f32;
 * f32Mul: the product rounded to f32 (norm fits an f32: numpy's value-based
 * casting). Both constants at each call.
 */
// @ts-ignore: decorator
@inline export function exact2(v: v128, lo: v128, hi: v128, norm: v128, first: v128, step: v128, lastF: v128,
  f32: bool, f32Mul: bool): v128 {
  const valid = v128.and(f64x2.ge(v, lo), f64x2.le(v, hi));
  // numpy's estimate is (x - lo) * norm rounded to f32; an estimate within one
  // bin of the edge-defined one ends in the same bin after the steps below, so
  // the f64 estimate (exact difference, f64 norm) serves unless bins are
  // narrower than a few f32 ulps: f32Mul keeps numpy's rounding there.
  let b = f64x2.trunc(r32(f64x2.mul(r32(f64x2.sub(v, lo), f32Mul), norm), f32Mul));
  b = f64x2.pmin(lastF, b);
  const one = f64x2.splat(1);
  const dec = v128.and(f64x2.lt(v, edge(b, step, first, f32)), one);
  const inc = v128.and(f64x2.ge(v, edge(f64x2.add(b, one), step, first, f32)), one);
  // Not past the last bin: numpy's "i != bins - 1" (its edge[bins] is hi, which the clamp covers).
  b = f64x2.pmin(lastF, f64x2.add(f64x2.sub(b, dec), inc));
  return v128.bitselect(b, f64x2.splat(-1), valid);
}

/**
 * A table: slot 0 counts the values numpy does not count (outside the range,
 * NaN), slots 1..bins the bins, padded to whole 64-byte lines: threads usually
 * work on neighbouring chunks at the same time, and rows sharing a cache line
 * at their ends made those counters ping-pong between cores. A chunk's row is
 * `tables` tables (1, 4 or 8); with more than one (few bins), the four lanes
 * of a group (and with 8, the two groups of a step) count into different
 * tables, so a run of values in one bin (skewed data) does not wait for each
 * counter's store before its next load; they are folded into table 0 at the
 * end of the chunk.
 */
// @ts-ignore: decorator
@inline export function tableStride(bins: i32): usize { return (<usize>bins + 2 + 15) & ~<usize>15; }

/**
 * Bytes of a chunk's row: its tables, then 320 bytes for the fast loop's
 * constants and counter addresses. V8 does not hoist loop-invariant SIMD values out of a loop: it
 * rebuilt every splat and v128.const inside it (two to four instructions
 * each), where a load from this block is one, folded into its user.
 */
// @ts-ignore: decorator
@inline export function rowBytes(bins: i32, tables: i32): usize { return ((tableStride(bins) * <usize>tables) << 2) + 320; }

// @ts-ignore: decorator
@inline export function bump(address: i32, by: i32): void {
  const p = <usize><u32>address;
  store<i32>(p, load<i32>(p) + by);
}

/** Adds tables 1..3 (1..7 with 8) of a row into table 0. */
// @ts-ignore: decorator
@inline export function foldTables(row: usize, stride: usize, tables: i32 = 4): void {
  const t = stride << 2;
  for (let o: usize = 0; o < t; o += 16) {
    const q = row + o;
    let s = i32x4.add(i32x4.add(v128.load(q), v128.load(q + t)), i32x4.add(v128.load(q + 2 * t), v128.load(q + 3 * t)));
    if (tables == 8) s = i32x4.add(s, i32x4.add(i32x4.add(v128.load(q + 4 * t), v128.load(q + 5 * t)), i32x4.add(v128.load(q + 6 * t), v128.load(q + 7 * t))));
    v128.store(q, s);
  }
}
