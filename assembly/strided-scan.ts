// cumsum along one axis and per-row sort/argsort (src/nd/ops/axis-ops.ts).
//
// nd_cumsum_<dt>(start, end, desc): a unit is `block` lanes of one "other"
// index; each lane runs the scan axis sequentially, adding in the element type
// (f32 in f32, integers wrapping) exactly as numpy's cumsum does. Descriptor:
//   [0] nk other dims  [1] Ls scan length  [2] L lanes  [3] block  [4] blocks
//   [5] x base  [6] out base  [7] x scan stride  [8] out scan stride
//   [9] x lane stride  [10] out lane stride (all strides in bytes)
//   [11..11+nk) other dims, then x strides, then out strides.
import { word } from './strided';

// @ts-ignore: decorator
@inline function cumsumT<T>(start: i32, end: i32, desc: usize): void {
  const E = <i32>sizeof<T>();
  const nk = word(desc, 0), Ls = word(desc, 1), L = word(desc, 2), block = word(desc, 3), blocks = word(desc, 4);
  const xs = word(desc, 7), os = word(desc, 8), xl = word(desc, 9), ol = word(desc, 10);
  for (let u = start; u < end; u++) {
    const q = u / blocks, j0 = (u - q * blocks) * block;
    const w = min<i32>(block, L - j0);
    let xb = <usize>word(desc, 5), ob = <usize>word(desc, 6);
    let r = q;
    for (let d = nk - 1; d >= 0 && r > 0; d--) {
      const n = word(desc, 11 + d);
      const t = r / n, i = r - t * n;
      xb += <usize>(i * word(desc, 11 + nk + d));
      ob += <usize>(i * word(desc, 11 + 2 * nk + d));
      r = t;
    }
    xb += <usize>(j0 * xl); ob += <usize>(j0 * ol);
    if (xs == E) {
      // Scan axis contiguous: one lane at a time, sequential reads.
      for (let j = 0; j < w; j++) {
        const xp = xb + <usize>(j * xl), op = ob + <usize>(j * ol);
        let acc: T = <T>0;
        for (let i = 0; i < Ls; i++) { acc = <T>(acc + load<T>(xp + <usize>(i * xs))); store<T>(op + <usize>(i * os), acc); }
      }
    } else {
      // Lanes contiguous (or neither): step the scan for every lane together.
      for (let j = 0; j < w; j++) store<T>(ob + <usize>(j * ol), load<T>(xb + <usize>(j * xl)));
      for (let i = 1; i < Ls; i++) {
        const xp = xb + <usize>(i * xs), op = ob + <usize>(i * os), pp = ob + <usize>((i - 1) * os);
        for (let j = 0; j < w; j++) store<T>(op + <usize>(j * ol), <T>(load<T>(pp + <usize>(j * ol)) + load<T>(xp + <usize>(j * xl))));
      }
    }
  }
}

// Sort order of TypedArray#sort: -0 before +0, NaN last; as unsigned keys.
// @ts-ignore: decorator
@inline function key<T>(v: T): u64 {
  if (isFloat<T>()) {
    if (v != v) return 0xffffffffffffffff;
    const b = sizeof<T>() == 8 ? reinterpret<u64>(<f64>v) : (<u64>reinterpret<u32>(<f32>v)) << 32;
    return (b >> 63) != 0 ? ~b : b | 0x8000000000000000;
  }
  if (isSigned<T>()) return <u64>(<i64>v + 0x80000000);
  return <u64>v;
}

// Stable bottom-up merge sort of each row [r·L, r·L + L) of x (keys) with idx
// (u32 row positions) moving along when idx != 0. tmp/itmp: same-size scratch.
// @ts-ignore: decorator
@inline function sortRowsT<T>(start: i32, end: i32, x: usize, tmp: usize, L: i32, idx: usize, itmp: usize): void {
  const SH = alignof<T>();
  for (let r = start; r < end; r++) {
    const off = <usize>r * <usize>L;
    let src = x + (off << SH), dst = tmp + (off << SH);
    let isrc = idx + (off << 2), idst = itmp + (off << 2);
    if (idx) for (let i = 0; i < L; i++) store<u32>(isrc + (<usize>i << 2), i);
    // Insertion sort of runs of 16, in place.
    for (let b = 0; b < L; b += 16) {
      const e = min<i32>(b + 16, L);
      for (let i = b + 1; i < e; i++) {
        const v = load<T>(src + (<usize>i << SH)); const k = key<T>(v);
        const iv = idx ? load<u32>(isrc + (<usize>i << 2)) : 0;
        let j = i - 1;
        while (j >= b && key<T>(load<T>(src + (<usize>j << SH))) > k) {
          store<T>(src + (<usize>(j + 1) << SH), load<T>(src + (<usize>j << SH)));
          if (idx) store<u32>(isrc + (<usize>(j + 1) << 2), load<u32>(isrc + (<usize>j << 2)));
          j--;
        }
        store<T>(src + (<usize>(j + 1) << SH), v);
        if (idx) store<u32>(isrc + (<usize>(j + 1) << 2), iv);
      }
    }
    for (let w = 16; w < L; w <<= 1) {
      for (let lo = 0; lo < L; lo += 2 * w) {
        const mid = min<i32>(lo + w, L), hi = min<i32>(lo + 2 * w, L);
        let i = lo, j = mid, o = lo;
        while (i < mid && j < hi) {
          const a = load<T>(src + (<usize>i << SH)), b = load<T>(src + (<usize>j << SH));
          if (key<T>(b) < key<T>(a)) {
            store<T>(dst + (<usize>o << SH), b);
            if (idx) store<u32>(idst + (<usize>o << 2), load<u32>(isrc + (<usize>j << 2)));
            j++;
          } else {
            store<T>(dst + (<usize>o << SH), a);
            if (idx) store<u32>(idst + (<usize>o << 2), load<u32>(isrc + (<usize>i << 2)));
            i++;
          }
          o++;
        }
        for (; i < mid; i++, o++) { store<T>(dst + (<usize>o << SH), load<T>(src + (<usize>i << SH))); if (idx) store<u32>(idst + (<usize>o << 2), load<u32>(isrc + (<usize>i << 2))); }
        for (; j < hi; j++, o++) { store<T>(dst + (<usize>o << SH), load<T>(src + (<usize>j << SH))); if (idx) store<u32>(idst + (<usize>o << 2), load<u32>(isrc + (<usize>j << 2))); }
      }
      const t = src; src = dst; dst = t;
      const it = isrc; isrc = idst; idst = it;
    }
    if (src != x + (off << SH)) {
      memory.copy(x + (off << SH), src, <usize>L << SH);
      if (idx) memory.copy(idx + (off << 2), isrc, <usize>L << 2);
    }
  }
}

type P = usize;
export function nd_cumsum_f64(s: i32, e: i32, d: P): void { cumsumT<f64>(s, e, d); }
export function nd_cumsum_f32(s: i32, e: i32, d: P): void { cumsumT<f32>(s, e, d); }
export function nd_cumsum_i32(s: i32, e: i32, d: P): void { cumsumT<i32>(s, e, d); }
export function nd_cumsum_u32(s: i32, e: i32, d: P): void { cumsumT<u32>(s, e, d); }
export function nd_cumsum_u8(s: i32, e: i32, d: P): void { cumsumT<u8>(s, e, d); }
export function nd_sortrows_f64(s: i32, e: i32, x: P, t: P, L: i32, i: P, it: P): void { sortRowsT<f64>(s, e, x, t, L, i, it); }
export function nd_sortrows_f32(s: i32, e: i32, x: P, t: P, L: i32, i: P, it: P): void { sortRowsT<f32>(s, e, x, t, L, i, it); }
export function nd_sortrows_i32(s: i32, e: i32, x: P, t: P, L: i32, i: P, it: P): void { sortRowsT<i32>(s, e, x, t, L, i, it); }
export function nd_sortrows_u32(s: i32, e: i32, x: P, t: P, L: i32, i: P, it: P): void { sortRowsT<u32>(s, e, x, t, L, i, it); }
export function nd_sortrows_u8(s: i32, e: i32, x: P, t: P, L: i32, i: P, it: P): void { sortRowsT<u8>(s, e, x, t, L, i, it); }
