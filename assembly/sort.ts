// Parallel LSD radix sort on order-preserving key bits, as a sequence of jobs
// over fixed chunks (chunk index = start / chunk):
//   sort_diff_<dt>   OR of (key ^ first key) per chunk -> which digits vary at all;
//                    digits where every key agrees are skipped entirely.
//   sort_hist_*      per-chunk counts of one digit (row of `radix` u32 per chunk);
//   (JS)             exclusive prefix over (digit, chunk) -> per-chunk write cursors;
//   sort_scatter_*   each chunk moves its elements, in order, to its cursors (stable).
// The first pass reads the raw values (mode & 1) and the last writes raw values
// back (mode & 2), so there is no separate transform pass.
//
// Keys: floats map to unsigned ints whose order is TypedArray#sort's: negatives
// have all bits flipped, positives only the sign bit, so -0 < +0; every NaN
// becomes the all-ones key so NaNs sort last whatever their sign or payload (they
// come back as the canonical quiet NaN). i32 flips the sign bit; u32/u8 as is.
// argsort on 32-bit types sorts u64 pairs (key << 32 | index) on the high half:
// LSD radix is stable, so equal keys keep ascending indices.

@inline function key64(bits: u64): u64 {
  return bits ^ (<u64>(<i64>bits >> 63) | 0x8000000000000000);
}

@inline function unkey64(k: u64): u64 {
  return k ^ (<u64>(<i64>~k >> 63) | 0x8000000000000000);
}

@inline function keyF64(x: usize, i: i32): u64 {
  const v = load<f64>(x + (<usize>i << 3));
  return select<u64>(0xFFFFFFFFFFFFFFFF, key64(reinterpret<u64>(v)), v != v);
}

@inline function key32<T>(x: usize, i: i32): u32 {
  if (sizeof<T>() == 1) return <u32>load<u8>(x + <usize>i);
  const b = load<u32>(x + (<usize>i << 2));
  if (isFloat<T>()) {
    const v = reinterpret<f32>(b);
    return select<u32>(0xFFFFFFFF, b ^ (<u32>(<i32>b >> 31) | 0x80000000), v != v);
  }
  if (isSigned<T>()) return b ^ 0x80000000;
  return b;
}

@inline function unkey32<T>(k: u32): u32 {
  if (isFloat<T>()) return k ^ (<u32>(<i32>~k >> 31) | 0x80000000);
  if (isSigned<T>()) return k ^ 0x80000000;
  return k;
}

// ---- which bits vary: per-chunk OR of (key ^ key[0]) written to diff[chunk] (u64)

export function sort_diff_f64(start: i32, end: i32, x: usize, diff: usize, chunk: i32): void {
  const k0 = keyF64(x, 0);
  let d: u64 = 0;
  for (let i = start; i < end; i++) d |= keyF64(x, i) ^ k0;
  store<u64>(diff + (<usize>(start / chunk) << 3), d);
}

@inline function diff32<T>(start: i32, end: i32, x: usize, diff: usize, chunk: i32): void {
  const k0 = key32<T>(x, 0);
  let d: u32 = 0;
  for (let i = start; i < end; i++) d |= key32<T>(x, i) ^ k0;
  store<u64>(diff + (<usize>(start / chunk) << 3), <u64>d);
}

export function sort_diff_f32(start: i32, end: i32, x: usize, diff: usize, chunk: i32): void { diff32<f32>(start, end, x, diff, chunk); }
export function sort_diff_i32(start: i32, end: i32, x: usize, diff: usize, chunk: i32): void { diff32<i32>(start, end, x, diff, chunk); }
export function sort_diff_u32(start: i32, end: i32, x: usize, diff: usize, chunk: i32): void { diff32<u32>(start, end, x, diff, chunk); }
export function sort_diff_u8(start: i32, end: i32, x: usize, diff: usize, chunk: i32): void { diff32<u8>(start, end, x, diff, chunk); }

// ---- per-chunk digit histograms ------------------------------------------------

@inline function histRow(hist: usize, start: i32, chunk: i32, radix: i32): usize {
  const h = hist + (<usize>(start / chunk) * <usize>radix << 2);
  memory.fill(h, 0, <usize>radix << 2);
  return h;
}

/** Digit histogram of u64 keys; raw != 0: x holds the raw f64 values. */
export function sort_hist_f64(start: i32, end: i32, x: usize, hist: usize, chunk: i32, shift: i32, bits: i32, raw: i32): void {
  const h = histRow(hist, start, chunk, 1 << bits);
  const mask: u64 = (<u64>1 << bits) - 1;
  const sh = <u64>shift;
  if (raw) {
    for (let i = start; i < end; i++) {
      const p = h + (<usize>((keyF64(x, i) >> sh) & mask) << 2);
      store<u32>(p, load<u32>(p) + 1);
    }
  } else {
    for (let i = start; i < end; i++) {
      const p = h + (<usize>((load<u64>(x + (<usize>i << 3)) >> sh) & mask) << 2);
      store<u32>(p, load<u32>(p) + 1);
    }
  }
}

@inline function hist32<T>(start: i32, end: i32, x: usize, hist: usize, chunk: i32, shift: i32, bits: i32, raw: i32): void {
  const h = histRow(hist, start, chunk, 1 << bits);
  const mask: u32 = (<u32>1 << bits) - 1;
  if (raw) {
    for (let i = start; i < end; i++) {
      const p = h + (<usize>((key32<T>(x, i) >>> shift) & mask) << 2);
      store<u32>(p, load<u32>(p) + 1);
    }
  } else {
    // Intermediate passes hold u64 pairs (argsort) or u32 keys (sort).
    for (let i = start; i < end; i++) {
      const p = h + (<usize>((load<u32>(x + (<usize>i << 2)) >>> shift) & mask) << 2);
      store<u32>(p, load<u32>(p) + 1);
    }
  }
}

export function sort_hist_f32(start: i32, end: i32, x: usize, hist: usize, chunk: i32, shift: i32, bits: i32, raw: i32): void { hist32<f32>(start, end, x, hist, chunk, shift, bits, raw); }
export function sort_hist_i32(start: i32, end: i32, x: usize, hist: usize, chunk: i32, shift: i32, bits: i32, raw: i32): void { hist32<i32>(start, end, x, hist, chunk, shift, bits, raw); }
export function sort_hist_u32(start: i32, end: i32, x: usize, hist: usize, chunk: i32, shift: i32, bits: i32, raw: i32): void { hist32<u32>(start, end, x, hist, chunk, shift, bits, raw); }
export function sort_hist_u8(start: i32, end: i32, x: usize, hist: usize, chunk: i32, shift: i32, bits: i32, raw: i32): void { hist32<u8>(start, end, x, hist, chunk, shift, bits, raw); }

/** Digit histogram of the high halves of u64 (key << 32 | index) pairs. */
export function sort_hist_pair(start: i32, end: i32, x: usize, hist: usize, chunk: i32, shift: i32, bits: i32): void {
  const h = histRow(hist, start, chunk, 1 << bits);
  const mask: u32 = (<u32>1 << bits) - 1;
  for (let i = start; i < end; i++) {
    const p = h + (<usize>((load<u32>(x + (<usize>i << 3), 4) >>> shift) & mask) << 2);
    store<u32>(p, load<u32>(p) + 1);
  }
}

// ---- stable scatter: offs row of the chunk holds its write cursor per digit ----
// mode: 1 = src holds raw values, 2 = write raw values (or, for argsort, indices).

export function sort_scatter_f64(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void {
  const o = offs + (<usize>(start / chunk) << (<usize>bits + 2));
  const mask: u64 = (<u64>1 << bits) - 1;
  const sh = <u64>shift;
  for (let i = start; i < end; i++) {
    const k = mode & 1 ? keyF64(src, i) : load<u64>(src + (<usize>i << 3));
    const c = o + (<usize>((k >> sh) & mask) << 2);
    const pos = load<u32>(c);
    store<u32>(c, pos + 1);
    store<u64>(dst + (<usize>pos << 3), mode & 2 ? unkey64(k) : k);
  }
}

@inline function scatter32<T>(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void {
  const o = offs + (<usize>(start / chunk) << (<usize>bits + 2));
  const mask: u32 = (<u32>1 << bits) - 1;
  for (let i = start; i < end; i++) {
    const k = mode & 1 ? key32<T>(src, i) : load<u32>(src + (<usize>i << 2));
    const c = o + (<usize>((k >>> shift) & mask) << 2);
    const pos = load<u32>(c);
    store<u32>(c, pos + 1);
    store<u32>(dst + (<usize>pos << 2), mode & 2 ? unkey32<T>(k) : k);
  }
}

export function sort_scatter_f32(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void { scatter32<f32>(start, end, src, dst, offs, chunk, shift, bits, mode); }
export function sort_scatter_i32(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void { scatter32<i32>(start, end, src, dst, offs, chunk, shift, bits, mode); }
export function sort_scatter_u32(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void { scatter32<u32>(start, end, src, dst, offs, chunk, shift, bits, mode); }

/** argsort f64: keys and u32 indices move together; the first pass uses index = i. */
export function argsort_scatter_f64(start: i32, end: i32, src: usize, srcIdx: usize, dst: usize, dstIdx: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void {
  const o = offs + (<usize>(start / chunk) << (<usize>bits + 2));
  const mask: u64 = (<u64>1 << bits) - 1;
  const sh = <u64>shift;
  for (let i = start; i < end; i++) {
    const k = mode & 1 ? keyF64(src, i) : load<u64>(src + (<usize>i << 3));
    const idx = mode & 1 ? <u32>i : load<u32>(srcIdx + (<usize>i << 2));
    const c = o + (<usize>((k >> sh) & mask) << 2);
    const pos = load<u32>(c);
    store<u32>(c, pos + 1);
    if (!(mode & 2)) store<u64>(dst + (<usize>pos << 3), k);
    store<u32>(dstIdx + (<usize>pos << 2), idx);
  }
}

/** argsort 32-bit/u8: u64 pairs (key << 32 | index); the last pass writes indices (u32). */
@inline function scatterPair<T>(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void {
  const o = offs + (<usize>(start / chunk) << (<usize>bits + 2));
  const mask: u32 = (<u32>1 << bits) - 1;
  for (let i = start; i < end; i++) {
    const pair = mode & 1
      ? (<u64>key32<T>(src, i) << 32) | <u64><u32>i
      : load<u64>(src + (<usize>i << 3));
    const c = o + (<usize>((<u32>(pair >> 32) >>> shift) & mask) << 2);
    const pos = load<u32>(c);
    store<u32>(c, pos + 1);
    if (mode & 2) store<u32>(dst + (<usize>pos << 2), <u32>pair);
    else store<u64>(dst + (<usize>pos << 3), pair);
  }
}

export function argsort_scatter_f32(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void { scatterPair<f32>(start, end, src, dst, offs, chunk, shift, bits, mode); }
export function argsort_scatter_i32(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void { scatterPair<i32>(start, end, src, dst, offs, chunk, shift, bits, mode); }
export function argsort_scatter_u32(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void { scatterPair<u32>(start, end, src, dst, offs, chunk, shift, bits, mode); }
export function argsort_scatter_u8(start: i32, end: i32, src: usize, dst: usize, offs: usize, chunk: i32, shift: i32, bits: i32, mode: i32): void { scatterPair<u8>(start, end, src, dst, offs, chunk, shift, bits, mode); }

// ---- u8 sort: counting sort. cum holds 257 u32 (cum[v] = first position of v).

export function sort_fill_u8(start: i32, end: i32, x: usize, cum: usize): void {
  let v: u32 = 0;
  while (load<u32>(cum + (<usize>(v + 1) << 2)) <= <u32>start) v++;
  let i = start;
  while (i < end) {
    const stop = min<i32>(end, <i32>load<u32>(cum + (<usize>(v + 1) << 2)));
    if (stop > i) memory.fill(x + <usize>i, <u8>v, <usize>(stop - i));
    i = max<i32>(i, stop);
    v++;
  }
}

/** Odd number of passes: the result is in scratch; copy it back (width: log2 bytes). */
export function sort_copy(start: i32, end: i32, src: usize, dst: usize, width: i32): void {
  memory.copy(dst + (<usize>start << width), src + (<usize>start << width), <usize>(end - start) << width);
}
