// The streaming pieces of the scans: totals of a range, and inclusive scans of
// one contiguous range [start, end) from a starting carry, vectorized: a step takes its vectors' in-register prefixes (lane-shifted adds
// that no other step waits for) and adds the running carry; the only chain from
// step to step is carry += the step's total. A scalar loop over the same range
// would be bound by one add's latency per element.

@inline function twoSumPair(a: v128, b: v128, t: v128): v128 {
  const bp = f64x2.sub(t, a);
  return f64x2.add(f64x2.sub(a, f64x2.sub(t, bp)), f64x2.sub(b, bp));
}

/** [x0, x0 + x1] of an f64x2. */
@inline function pairPrefix(v: v128): v128 {
  return f64x2.add(v, v128.shuffle<f64>(f64x2.splat(0), v, 0, 2));
}

@inline function hiLane(v: v128): v128 { return v128.shuffle<f64>(v, v, 1, 1); }

// Non-finite prefixes. numpy's cumsum is a sequential sum: once a prefix is
// ±Infinity (an Infinity in x, or an overflow) it stays so, and turns NaN only
// at an Infinity of the other sign or a NaN. Here an Infinity in x stays
// Infinity too (the block-end TwoSum error term, Inf - Inf, is taken as 0), but
// an overflow can come back below the threshold (the sum is reassociated), so a
// scan reports whether any output was not finite and the op settles the rest
// (scan-lookback.ts, cumsum_fix_*). The report costs a few adds per step: a
// difference of outputs is finite unless one of them is not (or, past half the
// overflow threshold, the difference overflows itself: a harmless false alarm).

/** TwoSum's error term, or 0 where the sum t is not finite (Inf - Inf would make it NaN). */
@inline function blockError(a: v128, b: v128, t: v128): v128 {
  return v128.and(twoSumPair(a, b, t), f64x2.lt(f64x2.abs(t), f64x2.splat(Infinity)));
}

/** out[i] = out[i-1] + x[i] from i = from, in T's own arithmetic (numpy's); prev: the output before `from`. */
@inline export function sequentialTail<T>(x: usize, out: usize, from: i32, end: i32, prev: T): void {
  let s = prev;
  for (let i = from; i < end; i++) {
    const q = <usize>i << alignof<T>();
    s += load<T>(x + q);
    store<T>(out + q, s);
  }
}

// Floats accumulate in f64 as an unevaluated pair (S, R): inside a block of 256
// elements R takes plain adds (the block's partial sum: short, so its rounding
// is O(256·eps) of the block) and each output is S + (R + in-step prefix); at a
// block's end TwoSum folds R into S exactly and R restarts from the error term.
// The error stays O(eps · sum |x|) whatever n is, as with a compensated sum,
// at the cost of one add per output. (s0, c0): the offset as a (sum, error) pair.

/** f64: out[i] = (s0 + c0) + x[start] + ... + x[i]; returns 1 if an output is not finite. */
@inline export function scanF64(x: usize, out: usize, start: i32, end: i32, s0: f64, c0: f64): i32 {
  const len = (end - start) & ~7;
  let S = f64x2.splat(s0), R = f64x2.splat(c0), F = f64x2.splat(0);
  let p = x + (<usize>start << 3);
  const d = out - x;
  let i = 0;
  while (i < len) {
    const stop = min<i32>(len, i + 256);
    for (; i < stop; i += 8) {
      const pa = pairPrefix(v128.load(p)), pb = pairPrefix(v128.load(p, 16));
      const pc = pairPrefix(v128.load(p, 32)), pe = pairPrefix(v128.load(p, 48));
      const qb = f64x2.add(pb, hiLane(pa));
      const qc = f64x2.add(pc, hiLane(qb));
      const qe = f64x2.add(pe, hiLane(qc));
      const oa = f64x2.add(S, f64x2.add(R, pa)), ob = f64x2.add(S, f64x2.add(R, qb));
      const oc = f64x2.add(S, f64x2.add(R, qc)), oe = f64x2.add(S, f64x2.add(R, qe));
      F = f64x2.add(F, f64x2.sub(f64x2.sub(oa, ob), f64x2.sub(oc, oe)));
      v128.store(p + d, oa);
      v128.store(p + d, ob, 16);
      v128.store(p + d, oc, 32);
      v128.store(p + d, oe, 48);
      R = f64x2.add(R, hiLane(qe));
      p += 64;
    }
    const t = f64x2.add(S, R);
    R = blockError(S, R, t); S = t;
  }
  let s = f64x2.extract_lane(S, 0), r = f64x2.extract_lane(R, 0);
  let bad = !isFinite<f64>(f64x2.extract_lane(F, 0) + f64x2.extract_lane(F, 1));
  for (i += start; i < end; i++) {
    const q = <usize>i << 3;
    r += load<f64>(x + q);
    const o = s + r;
    bad |= !isFinite<f64>(o);
    store<f64>(out + q, o);
  }
  return <i32>bad;
}

/**
 * f32, summed in f64 as scanF64 does, each output rounded once to f32; returns
 * 1 if an output is not finite (from there on the sum is numpy's, in f32).
 */
@inline export function scanF32(x: usize, out: usize, start: i32, end: i32, s0: f64, c0: f64): i32 {
  const len = (end - start) & ~7;
  let S = f64x2.splat(s0), R = f64x2.splat(c0), F = f32x4.splat(0);
  let p = x + (<usize>start << 2);
  const d = out - x;
  let i = 0;
  while (i < len) {
    const stop = min<i32>(len, i + 256);
    for (; i < stop; i += 8) {
      const v0 = v128.load(p), v1 = v128.load(p, 16);
      const pa = pairPrefix(f64x2.promote_low_f32x4(v0));
      const pb = pairPrefix(f64x2.promote_low_f32x4(v128.shuffle<f32>(v0, v0, 2, 3, 0, 1)));
      const pc = pairPrefix(f64x2.promote_low_f32x4(v1));
      const pe = pairPrefix(f64x2.promote_low_f32x4(v128.shuffle<f32>(v1, v1, 2, 3, 0, 1)));
      const qb = f64x2.add(pb, hiLane(pa));
      const qc = f64x2.add(pc, hiLane(qb));
      const qe = f64x2.add(pe, hiLane(qc));
      // One rounding of S + R per step costs ~2^-52 of the prefix: invisible once
      // the output is rounded to f32, and it saves three adds a step.
      const T = f64x2.add(S, R);
      const oa = f32x4.demote_f64x2_zero(f64x2.add(T, pa));
      const ob = f32x4.demote_f64x2_zero(f64x2.add(T, qb));
      const oc = f32x4.demote_f64x2_zero(f64x2.add(T, qc));
      const oe = f32x4.demote_f64x2_zero(f64x2.add(T, qe));
      const w0 = v128.shuffle<f32>(oa, ob, 0, 1, 4, 5), w1 = v128.shuffle<f32>(oc, oe, 0, 1, 4, 5);
      F = f32x4.add(F, f32x4.sub(w0, w1));
      v128.store(p + d, w0);
      v128.store(p + d, w1, 16);
      R = f64x2.add(R, hiLane(qe));
      p += 32;
    }
    const t = f64x2.add(S, R);
    R = blockError(S, R, t); S = t;
  }
  let s = f64x2.extract_lane(S, 0), r = f64x2.extract_lane(R, 0);
  let bad = !isFinite<f32>(f32x4.extract_lane(F, 0) + f32x4.extract_lane(F, 1) + f32x4.extract_lane(F, 2) + f32x4.extract_lane(F, 3));
  for (i += start; i < end; i++) {
    const q = <usize>i << 2;
    r += <f64>load<f32>(x + q);
    const o = <f32>(s + r);
    bad |= !isFinite<f32>(o);
    store<f32>(out + q, o);
  }
  return <i32>bad;
}

/** i32/u32: out[i] = carry + x[start] + ... + x[i], modulo 2^32 (i32x4.add wraps). */
@inline export function scan32(x: usize, out: usize, start: i32, end: i32, carry: u32): void {
  const len = (end - start) & ~7;
  const z = i32x4.splat(0);
  let C = i32x4.splat(carry);
  let p = x + (<usize>start << 2);
  const d = out - x;
  for (let i = 0; i < len; i += 8) {
    let v0 = v128.load(p), v1 = v128.load(p, 16);
    v0 = i32x4.add(v0, v128.shuffle<i32>(z, v0, 3, 4, 5, 6));
    v1 = i32x4.add(v1, v128.shuffle<i32>(z, v1, 3, 4, 5, 6));
    v0 = i32x4.add(v0, v128.shuffle<i32>(z, v0, 2, 3, 4, 5));
    v1 = i32x4.add(v1, v128.shuffle<i32>(z, v1, 2, 3, 4, 5));
    v1 = i32x4.add(v1, v128.shuffle<i32>(v0, v0, 3, 3, 3, 3));
    const o1 = i32x4.add(v1, C);
    v128.store(p + d, i32x4.add(v0, C));
    v128.store(p + d, o1, 16);
    C = v128.shuffle<i32>(o1, o1, 3, 3, 3, 3);
    p += 32;
  }
  let s = <u32>i32x4.extract_lane(C, 0);
  for (let i = start + len; i < end; i++) {
    const q = <usize>i << 2;
    s += load<u32>(x + q);
    store<u32>(out + q, s);
  }
}

/** In-register prefix of 16 bytes: shifted adds within each 64-bit half, then the low half's last byte into the high half. */
@inline function bytePrefix(v: v128): v128 {
  v = i8x16.add(v, i64x2.shl(v, 8));
  v = i8x16.add(v, i64x2.shl(v, 16));
  v = i8x16.add(v, i64x2.shl(v, 32));
  return i8x16.add(v, v128.shuffle<u8>(i8x16.splat(0), v, 0, 1, 2, 3, 4, 5, 6, 7, 23, 23, 23, 23, 23, 23, 23, 23));
}

@inline function lastByte(v: v128): v128 {
  return v128.shuffle<u8>(v, v, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15);
}

/**
 * u8: out[i] = carry + x[start] + ... + x[i], modulo 256 (i8x16.add wraps).
 * 64 bytes a step (a u8 scan is bound by these shuffles and adds, not by
 * memory: 64 bytes a step ran 1.7× faster than 16 here).
 */
@inline export function scanU8(x: usize, out: usize, start: i32, end: i32, carry: u32): void {
  const len = (end - start) & ~63;
  let C = i8x16.splat(<i8>carry);
  let p = x + <usize>start;
  const d = out - x;
  for (let i = 0; i < len; i += 64) {
    const a = bytePrefix(v128.load(p)), b = bytePrefix(v128.load(p, 16));
    const c = bytePrefix(v128.load(p, 32)), e = bytePrefix(v128.load(p, 48));
    const ab = i8x16.add(b, lastByte(a));
    const ce = i8x16.add(e, lastByte(c));
    const C2 = i8x16.add(C, lastByte(ab));
    v128.store(p + d, i8x16.add(a, C));
    v128.store(p + d, i8x16.add(ab, C), 16);
    v128.store(p + d, i8x16.add(c, C2), 32);
    const o = i8x16.add(ce, C2);
    v128.store(p + d, o, 48);
    C = lastByte(o);
    p += 64;
  }
  let s = <u32>i8x16.extract_lane_u(C, 0);
  for (let i = start + len; i < end; i++) {
    s += load<u8>(x + <usize>i);
    store<u8>(out + <usize>i, <u8>s);
  }
}

/** Total of a 32-bit range modulo 2^32 (i32x4.add wraps). */
@inline export function total32(start: i32, end: i32, x: usize): u32 {
  let acc = i32x4.splat(0);
  let i = start;
  for (; i + 4 <= end; i += 4) acc = i32x4.add(acc, v128.load(x + (<usize>i << 2)));
  let s = <u32>(i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) +
                i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3));
  for (; i < end; i++) s += load<u32>(x + (<usize>i << 2));
  return s;
}

/** Total of a u8 range modulo 256: byte lanes that wrap are all that is needed. */
@inline export function totalU8(start: i32, end: i32, x: usize): u32 {
  let acc = i8x16.splat(0);
  let i = start;
  for (; i + 16 <= end; i += 16) acc = i8x16.add(acc, v128.load(x + <usize>i));
  // Fold the 16 byte lanes: widen to u16 pairs, then u32 (exact), sum mod 256.
  const w = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(acc));
  let s = <u32>(i32x4.extract_lane(w, 0) + i32x4.extract_lane(w, 1) + i32x4.extract_lane(w, 2) + i32x4.extract_lane(w, 3));
  for (; i < end; i++) s += load<u8>(x + <usize>i);
  return s & 0xff;
}
