// Reductions along axes (src/nd/ops/reduce-axis.ts plans them). Every output
// element is computed by one unit in a fixed order, so results are the same
// bits for any thread count. Accumulators are f64 (acc, in the output's layout),
// plus a u32 index for argmin/argmax. Descriptor (i32 words at desc):
//   [0] mode: 0 = each unit reduces one output element over a reduced row of
//       length L (stride [4] bytes) repeated over the outer reduced dims;
//       1 = each unit accumulates `block` lanes (a kept dim of length L, stride
//       [4]) over every reduced index: whole rows, vectorised along the lanes.
//   [1] nk kept dims enumerated by the unit  [2] nr reduced dims looped over
//   [3] L  [4] inner stride (bytes)  [5] block  [6] blocks per kept index
//   [7] base address of x
//   [8..8+nk) kept dims, then their strides; then nr reduced dims, then their strides.
import { sum_f64, sum_f32, sum_i32, sum_u32, sum_u8, sumsq_f64, sumsq_f32, sumsq_u8 } from './reduce';
import { sumsqRounded } from './reduce-exact';
import { sumsqdev_f64, sumsqdev_f32, sumsqdev_i32, sumsqdev_u32, sumsqdev_u8 } from './reduce';
import { min_f64, min_f32, min_i32, min_u32, min_u8, max_f64, max_f32, max_i32, max_u32, max_u8 } from './reduce-extremes';
import { argmin_f64, argmin_f32, argmin_i32, argmin_u32, argmin_u8 } from './reduce-extremes';
import { argmax_f64, argmax_f32, argmax_i32, argmax_u32, argmax_u8 } from './reduce-extremes';
import { word } from './strided';

// @ts-ignore: decorator
@inline const SUM = 0;
// @ts-ignore: decorator
@inline const PROD = 1;
// @ts-ignore: decorator
@inline const MIN = 2;
// @ts-ignore: decorator
@inline const MAX = 3;
// @ts-ignore: decorator
@inline const SUMSQ = 4;
// @ts-ignore: decorator
@inline const DEV = 5;
// @ts-ignore: decorator
@inline const ANY = 6;
// @ts-ignore: decorator
@inline const ALL = 7;
// @ts-ignore: decorator
@inline const ARGMIN = 8;
// @ts-ignore: decorator
@inline const ARGMAX = 9;

// @ts-ignore: decorator
@inline function identity(op: i32): f64 {
  if (op == PROD || op == ALL) return 1;
  if (op == MIN) return Infinity;
  if (op == MAX) return -Infinity;
  return 0;
}

// NaN propagates through min/max, as in numpy.
// @ts-ignore: decorator
@inline function fold(op: i32, acc: f64, v: f64, m: f64): f64 {
  switch (op) {
    case SUM: return acc + v;
    case PROD: return acc * v;
    case MIN: return acc != acc ? acc : (v != v || v < acc ? v : acc);
    case MAX: return acc != acc ? acc : (v != v || v > acc ? v : acc);
    case SUMSQ: return acc + v * v;
    case DEV: { const d = v - m; return acc + d * d; }
    case ANY: return acc != 0 || v != 0 ? 1 : 0;
    case ALL: return acc != 0 && v != 0 ? 1 : 0;
  }
  return acc;
}

/** A unit-stride row through the flat kernels (same code, same bits as the 1-d op). */
// @ts-ignore: decorator
@inline function flatRow<T>(op: i32, n: i32, p: usize, m: f64): f64 {
  if (sizeof<T>() == 8) {
    if (op == SUM) return sum_f64(0, n, p); if (op == SUMSQ) return sumsq_f64(0, n, p); if (op == DEV) return sumsqdev_f64(0, n, p, m);
    if (op == MIN) return min_f64(0, n, p); if (op == MAX) return max_f64(0, n, p);
    if (op == ARGMIN) return argmin_f64(0, n, p); return argmax_f64(0, n, p);
  } else if (isFloat<T>()) {
    if (op == SUM) return sum_f32(0, n, p); if (op == SUMSQ) return sumsq_f32(0, n, p); if (op == DEV) return sumsqdev_f32(0, n, p, m);
    if (op == MIN) return min_f32(0, n, p); if (op == MAX) return max_f32(0, n, p);
    if (op == ARGMIN) return argmin_f32(0, n, p); return argmax_f32(0, n, p);
  } else if (sizeof<T>() == 1) {
    if (op == SUM) return sum_u8(0, n, p); if (op == SUMSQ) return sumsq_u8(0, n, p); if (op == DEV) return sumsqdev_u8(0, n, p, m);
    if (op == MIN) return min_u8(0, n, p); if (op == MAX) return max_u8(0, n, p);
    if (op == ARGMIN) return argmin_u8(0, n, p); return argmax_u8(0, n, p);
  } else if (isSigned<T>()) {
    if (op == SUM) return sum_i32(0, n, p); if (op == SUMSQ) return sumsqRounded<i32>(0, n, p); if (op == DEV) return sumsqdev_i32(0, n, p, m);
    if (op == MIN) return min_i32(0, n, p); if (op == MAX) return max_i32(0, n, p);
    if (op == ARGMIN) return argmin_i32(0, n, p); return argmax_i32(0, n, p);
  }
  if (op == SUM) return sum_u32(0, n, p); if (op == SUMSQ) return sumsqRounded<u32>(0, n, p); if (op == DEV) return sumsqdev_u32(0, n, p, m);
  if (op == MIN) return min_u32(0, n, p); if (op == MAX) return max_u32(0, n, p);
  if (op == ARGMIN) return argmin_u32(0, n, p); return argmax_u32(0, n, p);
}

// Two consecutive elements j, j+1 of a float row, as f64x2.
// @ts-ignore: decorator
@inline function ld2<T>(p: usize, j: i32): v128 {
  if (sizeof<T>() == 8) return v128.load(p + (<usize>j << 3));
  return f64x2.promote_low_f32x4(v128.load64_zero(p + (<usize>j << 2)));
}

// @ts-ignore: decorator
@inline function hasFlat(op: i32): bool { return op == SUM || op == SUMSQ || op == DEV || op == MIN || op == MAX || op == ARGMIN || op == ARGMAX; }

/** Offset (bytes) of index `i` over `n` dims starting at word `w` (dims), strides at w + n. */
// @ts-ignore: decorator
@inline function offsetOf(desc: usize, w: i32, n: i32, i: i32): usize {
  let off: usize = 0;
  for (let d = n - 1; d >= 0 && i > 0; d--) {
    const len = word(desc, w + d);
    const q = i / len;
    off += <usize>((i - q * len) * word(desc, w + n + d));
    i = q;
  }
  return off;
}

// @ts-ignore: decorator
@inline function reduceT<T>(start: i32, end: i32, desc: usize, op: i32, acc: usize, idx: usize, mean: usize, segs: i32, accSize: i32): void {
  const E = <i32>sizeof<T>();
  const mode = word(desc, 0), nk = word(desc, 1), nr = word(desc, 2);
  const L = word(desc, 3), s = word(desc, 4), block = word(desc, 5), blocks = word(desc, 6);
  const x = <usize>word(desc, 7);
  const kw = 8, rw = 8 + 2 * nk;
  let R = 1;
  for (let d = 0; d < nr; d++) R *= word(desc, rw + d);
  const arg = op == ARGMIN || op == ARGMAX;
  for (let u = start; u < end; u++) {
    if (mode == 0) {
      const base = x + offsetOf(desc, kw, nk, u);
      const m = mean ? load<f64>(mean + (<usize>u << 3)) : 0;
      if (arg) {
        // One reduced axis (numpy's argmin takes one): the row is all of it.
        let best: i32 = 0;
        if (s == E) best = <i32>flatRow<T>(op, L, base, 0);
        else {
          let bv = <f64>load<T>(base);
          for (let i = 1; i < L && bv == bv; i++) {
            const v = <f64>load<T>(base + <usize>(i * s));
            if (v != v || (op == ARGMIN ? v < bv : v > bv)) { bv = v; best = i; }
          }
        }
        store<u32>(idx + (<usize>u << 2), <u32>best);
        continue;
      }
      let a = identity(op);
      for (let r = 0; r < R; r++) {
        const p = base + offsetOf(desc, rw, nr, r);
        if (s == E && hasFlat(op)) {
          a = op == SUM || op == SUMSQ || op == DEV ? a + flatRow<T>(op, L, p, m) : fold(op, a, flatRow<T>(op, L, p, m), 0);
        } else {
          for (let i = 0; i < L; i++) a = fold(op, a, <f64>load<T>(p + <usize>(i * s)), m);
        }
      }
      store<f64>(acc + (<usize>u << 3), a);
      continue;
    }
    // mode 1: lanes [j0, j0 + w) of kept index q, over reduced indices [r0, r1)
    // (segment `seg` of `segs`; each segment has its own accumulators, combined in order by the caller).
    const seg = u % segs, rest = u / segs;
    const q = rest / blocks, j0 = (rest - q * blocks) * block;
    const w = min<i32>(block, L - j0);
    const base = x + offsetOf(desc, kw, nk, q) + <usize>(j0 * s);
    const o = q * L + j0;
    const rs = (R + segs - 1) / segs, r0 = seg * rs, r1 = min<i32>(R, r0 + rs);
    const ap = acc + (<usize>(seg * accSize + o) << 3);
    const mp = mean ? mean + (<usize>o << 3) : 0;
    const init = identity(op);
    for (let j = 0; j < w; j++) store<f64>(ap + (<usize>j << 3), init);
    let r = r0;
    if (!arg && s == E && isFloat<T>() && (op == SUM || op == SUMSQ)) {
      // Four rows per pass: a quarter of the accumulator traffic, four streams in flight.
      for (; r + 4 <= r1; r += 4) {
        const p0 = base + offsetOf(desc, rw, nr, r), p1 = base + offsetOf(desc, rw, nr, r + 1);
        const p2 = base + offsetOf(desc, rw, nr, r + 2), p3 = base + offsetOf(desc, rw, nr, r + 3);
        let j = 0;
        for (; j + 2 <= w; j += 2) {
          let v0 = ld2<T>(p0, j), v1 = ld2<T>(p1, j), v2 = ld2<T>(p2, j), v3 = ld2<T>(p3, j);
          if (op == SUMSQ) { v0 = f64x2.mul(v0, v0); v1 = f64x2.mul(v1, v1); v2 = f64x2.mul(v2, v2); v3 = f64x2.mul(v3, v3); }
          const a = ap + (<usize>j << 3);
          v128.store(a, f64x2.add(v128.load(a), f64x2.add(f64x2.add(v0, v1), f64x2.add(v2, v3))));
        }
        for (; j < w; j++) {
          const a = ap + (<usize>j << 3);
          let v0 = <f64>load<T>(p0 + (<usize>j << alignof<T>())), v1 = <f64>load<T>(p1 + (<usize>j << alignof<T>()));
          let v2 = <f64>load<T>(p2 + (<usize>j << alignof<T>())), v3 = <f64>load<T>(p3 + (<usize>j << alignof<T>()));
          if (op == SUMSQ) { v0 *= v0; v1 *= v1; v2 *= v2; v3 *= v3; }
          store<f64>(a, load<f64>(a) + ((v0 + v1) + (v2 + v3)));
        }
      }
    }
    for (; r < r1; r++) {
      const p = base + offsetOf(desc, rw, nr, r);
      if (arg) {
        for (let j = 0; j < w; j++) {
          const v = <f64>load<T>(p + <usize>(j * s));
          const bp = ap + (<usize>j << 3);
          const bv = load<f64>(bp);
          if (r == 0 || (bv == bv && (v != v || (op == ARGMIN ? v < bv : v > bv)))) {
            store<f64>(bp, v);
            store<u32>(idx + (<usize>(o + j) << 2), <u32>r);
          }
        }
        continue;
      }
      if (s == E && sizeof<T>() == 8 && isFloat<T>() && (op == SUM || op == SUMSQ)) {
        let j = 0;
        for (; j + 2 <= w; j += 2) {
          const v = v128.load(p + (<usize>j << 3));
          const t = op == SUM ? v : f64x2.mul(v, v);
          v128.store(ap + (<usize>j << 3), f64x2.add(v128.load(ap + (<usize>j << 3)), t));
        }
        for (; j < w; j++) store<f64>(ap + (<usize>j << 3), fold(op, load<f64>(ap + (<usize>j << 3)), load<f64>(p + (<usize>j << 3)), 0));
        continue;
      }
      if (s == E && sizeof<T>() == 4 && isFloat<T>() && (op == SUM || op == SUMSQ)) {
        let j = 0;
        for (; j + 2 <= w; j += 2) {
          const v = f64x2.promote_low_f32x4(v128.load64_zero(p + (<usize>j << 2)));
          const t = op == SUM ? v : f64x2.mul(v, v);
          v128.store(ap + (<usize>j << 3), f64x2.add(v128.load(ap + (<usize>j << 3)), t));
        }
        for (; j < w; j++) store<f64>(ap + (<usize>j << 3), fold(op, load<f64>(ap + (<usize>j << 3)), <f64>load<f32>(p + (<usize>j << 2)), 0));
        continue;
      }
      for (let j = 0; j < w; j++) {
        const m = mp ? load<f64>(mp + (<usize>j << 3)) : 0;
        store<f64>(ap + (<usize>j << 3), fold(op, load<f64>(ap + (<usize>j << 3)), <f64>load<T>(p + <usize>(j * s)), m));
      }
    }
  }
}

type P = usize;
export function nd_reduce_f64(s: i32, e: i32, d: P, op: i32, acc: P, idx: P, mean: P, segs: i32, n: i32): void { reduceT<f64>(s, e, d, op, acc, idx, mean, segs, n); }
export function nd_reduce_f32(s: i32, e: i32, d: P, op: i32, acc: P, idx: P, mean: P, segs: i32, n: i32): void { reduceT<f32>(s, e, d, op, acc, idx, mean, segs, n); }
export function nd_reduce_i32(s: i32, e: i32, d: P, op: i32, acc: P, idx: P, mean: P, segs: i32, n: i32): void { reduceT<i32>(s, e, d, op, acc, idx, mean, segs, n); }
export function nd_reduce_u32(s: i32, e: i32, d: P, op: i32, acc: P, idx: P, mean: P, segs: i32, n: i32): void { reduceT<u32>(s, e, d, op, acc, idx, mean, segs, n); }
export function nd_reduce_u8(s: i32, e: i32, d: P, op: i32, acc: P, idx: P, mean: P, segs: i32, n: i32): void { reduceT<u8>(s, e, d, op, acc, idx, mean, segs, n); }
