// Σx² and Σx·y of i32/u32, exactly. A product has up to 62 (i32) or 64 (u32)
// bits, so 64-bit lanes would wrap after two of them (norm of [-2^31, -2^31]
// was NaN). Each product p is split as p = hi·2^32 + lo with hi = p >> 32
// (arithmetic for i32, so lo is in [0, 2^32)): lanes add up the hi parts, which
// cannot overflow, and the products themselves modulo 2^64; Σlo is then that
// wrapped sum minus (Σhi)·2^32, exact because it is below 2^64. A chunk stores
// (Σhi, Σlo) as two f64 at out + 16·(start / chunk), each exact below 2^53
// (a chunk has at most 2^21 elements); the op adds them up in BigInt and
// rounds once (src/engine/ops/reduce.ts).

@inline function prod<T>(a: v128, b: v128, high: bool): v128 {
  return high ? v128.extmul_high<T>(a, b) : v128.extmul_low<T>(a, b);
}

@inline function hiOf<T>(p: v128): v128 {
  return isSigned<T>() ? i64x2.shr_s(p, 32) : i64x2.shr_u(p, 32);
}

/** Stores (Σhi, Σlo) for the chunk, or with out == 0 returns the sum rounded (at most twice). */
@inline function exact<T>(start: i32, end: i32, x: usize, y: usize, out: usize, chunk: i32, square: bool): f64 {
  let H0 = i64x2.splat(0), H1 = H0, P0 = H0, P1 = H0;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const o = <usize>i << 2;
    const a0 = v128.load(x + o), a1 = v128.load(x + o, 16);
    const b0 = square ? a0 : v128.load(y + o), b1 = square ? a1 : v128.load(y + o, 16);
    const p0 = prod<T>(a0, b0, false), p1 = prod<T>(a0, b0, true);
    const p2 = prod<T>(a1, b1, false), p3 = prod<T>(a1, b1, true);
    H0 = i64x2.add(H0, i64x2.add(hiOf<T>(p0), hiOf<T>(p1)));
    H1 = i64x2.add(H1, i64x2.add(hiOf<T>(p2), hiOf<T>(p3)));
    P0 = i64x2.add(P0, i64x2.add(p0, p1));
    P1 = i64x2.add(P1, i64x2.add(p2, p3));
  }
  const H = i64x2.add(H0, H1), P = i64x2.add(P0, P1);
  let h = i64x2.extract_lane(H, 0) + i64x2.extract_lane(H, 1);
  let p = i64x2.extract_lane(P, 0) + i64x2.extract_lane(P, 1);
  for (; i < end; i++) {
    const o = <usize>i << 2;
    const a = isSigned<T>() ? <i64>load<i32>(x + o) : <i64>load<u32>(x + o);
    const b = square ? a : isSigned<T>() ? <i64>load<i32>(y + o) : <i64>load<u32>(y + o);
    const q = a * b; // wraps for u32 products past 2^63: only its bits matter here
    h += isSigned<T>() ? q >> 32 : <i64>(<u64>q >> 32);
    p += q;
  }
  const lo = p - (h << 32);
  if (out == 0) return <f64>h * 4294967296.0 + <f64>lo;
  const at = out + (<usize>(start / chunk) << 4);
  store<f64>(at, <f64>h);
  store<f64>(at, <f64>lo, 8);
  return 0;
}

/** Σx² of an i32/u32 range, rounded (never wrapped): for callers that need one f64 (strided-reduce.ts). */
@inline export function sumsqRounded<T>(start: i32, end: i32, x: usize): f64 { return exact<T>(start, end, x, 0, 0, 1, true); }

export function sumsq_i32(start: i32, end: i32, x: usize, out: usize, chunk: i32): void { exact<i32>(start, end, x, 0, out, chunk, true); }
export function sumsq_u32(start: i32, end: i32, x: usize, out: usize, chunk: i32): void { exact<u32>(start, end, x, 0, out, chunk, true); }
export function dot_i32(start: i32, end: i32, a: usize, b: usize, out: usize, chunk: i32): void { exact<i32>(start, end, a, b, out, chunk, false); }
export function dot_u32(start: i32, end: i32, a: usize, b: usize, out: usize, chunk: i32): void { exact<u32>(start, end, a, b, out, chunk, false); }
