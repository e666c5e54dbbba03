// Inclusive prefix sum as two parallel jobs over the same fixed chunks:
//   1. cumsum_total_<dt>: each chunk returns its total (read-only pass);
//   2. JS scans the totals (one per chunk, tiny) into per-chunk offsets;
//   3. cumsum_<dt>: each chunk scans itself starting from its offset.
// Pass 1 only reads and pass 2 reads x once and writes out once, which is the
// least memory traffic a scan over memory-resident chunks can have.
//
// Floats: f64 keeps a compensated running sum, and its offsets are given as
// (sum, compensation) pairs so the error stays O(eps * sum |x|) instead of
// growing with n. f32 accumulates in f64 and rounds each output once.
// Integers: i32/u32/u8 wrap modulo 2^bits exactly like storing into the typed
// array would; totals are returned modulo 2^32 (exact in an f64 partial).

import { scan32, scanF32, scanF64, scanU8, total32, totalU8 } from './scan-stream';

// ---- pass 1: per-chunk totals -------------------------------------------------

// TwoSum per lane (branch-free, exact error term), two vector accumulators: the
// chunk total is as accurate as pass 2's compensated running sum, so offsets do
// not bring back the O(n) error the scan avoids.
@inline function twoSumErr(s: v128, v: v128, t: v128): v128 {
  const bp = f64x2.sub(t, s);
  return f64x2.add(f64x2.sub(s, f64x2.sub(t, bp)), f64x2.sub(v, bp));
}

export function cumsum_total_f64(start: i32, end: i32, x: usize): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), c0 = f64x2.splat(0), c1 = f64x2.splat(0);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const p = x + (<usize>i << 3);
    const v0 = v128.load(p), v1 = v128.load(p, 16);
    const t0 = f64x2.add(s0, v0), t1 = f64x2.add(s1, v1);
    c0 = f64x2.add(c0, twoSumErr(s0, v0, t0));
    c1 = f64x2.add(c1, twoSumErr(s1, v1, t1));
    s0 = t0; s1 = t1;
  }
  // Fold the four lanes and the tail with scalar Neumaier.
  let s: f64 = 0, c: f64 = f64x2.extract_lane(c0, 0) + f64x2.extract_lane(c0, 1) + f64x2.extract_lane(c1, 0) + f64x2.extract_lane(c1, 1);
  for (let l = 0; l < 4 + end - i; l++) {
    const v = l == 0 ? f64x2.extract_lane(s0, 0) : l == 1 ? f64x2.extract_lane(s0, 1)
      : l == 2 ? f64x2.extract_lane(s1, 0) : l == 3 ? f64x2.extract_lane(s1, 1) : load<f64>(x + (<usize>(i + l - 4) << 3));
    const t = s + v;
    c += abs<f64>(s) >= abs<f64>(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return s + c;
}

export function cumsum_total_f32(start: i32, end: i32, x: usize): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
  }
  const v = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
  for (; i < end; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/** Chunk total modulo 2^32, as an unsigned number. */
export function cumsum_total_i32(start: i32, end: i32, x: usize): f64 {
  return <f64>total32(start, end, x);
}

export function cumsum_total_u32(start: i32, end: i32, x: usize): f64 {
  return <f64>total32(start, end, x);
}

/** Chunk total modulo 256. */
export function cumsum_total_u8(start: i32, end: i32, x: usize): f64 {
  return <f64>totalU8(start, end, x);
}

// ---- pass 2: per-chunk scan from the chunk's offset (scan-stream.ts) ----------
// offs: f64 per chunk (f64: two per chunk, sum then compensation), indexed by
// start / chunk. out may be x itself (in place): every step loads before it stores.

// Floats return 1 when an output is not finite (the chunk ends as numpy's
// sequential sum; the caller carries that into later chunks), else 0.

export function cumsum_f64(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): f64 {
  const o = offs + (<usize>(start / chunk) << 4);
  return scanF64(x, out, start, end, load<f64>(o), load<f64>(o, 8));
}

export function cumsum_f32(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): f64 {
  return scanF32(x, out, start, end, load<f64>(offs + (<usize>(start / chunk) << 3)), 0);
}

@inline function offset32(offs: usize, start: i32, chunk: i32): u32 {
  return <u32><u64>load<f64>(offs + (<usize>(start / chunk) << 3));
}

export function cumsum_i32(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  scan32(x, out, start, end, offset32(offs, start, chunk));
}

export function cumsum_u32(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  scan32(x, out, start, end, offset32(offs, start, chunk));
}

export function cumsum_u8(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  scanU8(x, out, start, end, offset32(offs, start, chunk));
}
