// Float cumsum in one job with decoupled look-back (out must not overlap x).
// Each chunk (1) computes the totals of its four quarters while reading them
// into cache and publishes its aggregate, (2) finds the inclusive prefix of the
// chunk before it, (3) publishes its own inclusive prefix and (4) scans itself
// from cache: f64 one lane per quarter, f32 as one stream (scan-stream.ts).
// x is read from memory once and out written once, plus the rescan from cache
// (the README's Performance section measures what each part costs). Summing
// the next chunk inside the scan loop, to overlap its read with this chunk's
// writes, was tried: 1.6× slower single-threaded, so the phases stay apart.
// Determinism: a prefix is always P[c] = P[c-1] (+) A[c], folded in chunk order
// with the same compensated arithmetic, whichever thread computes it. The walk
// never blocks for long: a predecessor that has not published its aggregate
// after a short spin gets it computed from x by the walker (x is read-only
// here), so any chunk order and any thread timing give the same bits.
// Slot per chunk (112 bytes): u32 status (0 none, 1 aggregate, 2 prefix) at 0,
// aggregate (sum, comp) at 8, prefix (sum, comp) at 24, quarter totals (sum,
// comp) at 40..104. Racing writers of a slot always write identical bits.

import { scanF32, sequentialTail } from './scan-stream';

const SLOT: usize = 112;

@inline function twoSumE(a: f64, b: f64, t: f64): f64 { const bp = t - a; return (a - (t - bp)) + (b - bp); }

// 64 elements in four vector accumulators (8 terms per lane): about one add
// per two elements, so the read stays memory-bound, error O(8·eps) per block.
@inline function blockSum<T>(p: usize): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  for (let j: usize = 0; j < 64 * sizeof<T>(); j += 8 * sizeof<T>()) {
    if (sizeof<T>() == 8) {
      a0 = f64x2.add(a0, v128.load(p + j)); a1 = f64x2.add(a1, v128.load(p + j, 16));
      a2 = f64x2.add(a2, v128.load(p + j, 32)); a3 = f64x2.add(a3, v128.load(p + j, 48));
    } else {
      const w0 = v128.load(p + j), w1 = v128.load(p + j, 16);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(w0)); a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(w0, w0, 2, 3, 0, 1)));
      a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w1)); a3 = f64x2.add(a3, f64x2.promote_low_f32x4(v128.shuffle<f32>(w1, w1, 2, 3, 0, 1)));
    }
  }
  const b = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  return f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
}

/** Block sums folded with Neumaier into the quarter's (sum, comp) at slot 40 + 16q. */
@inline function quarterTotal<T>(x: usize, s: i32, e: i32, slot: usize, q: i32): void {
  let sum: f64 = 0, comp: f64 = 0;
  let i = s;
  for (; i + 64 <= e; i += 64) {
    const v = blockSum<T>(x + (<usize>i << alignof<T>()));
    const t = sum + v;
    comp += twoSumE(sum, v, t);
    sum = t;
  }
  for (; i < e; i++) {
    const v = <f64>load<T>(x + (<usize>i << alignof<T>()));
    const t = sum + v;
    comp += twoSumE(sum, v, t);
    sum = t;
  }
  store<f64>(slot + 40 + (<usize>q << 4), sum);
  store<f64>(slot + 48 + (<usize>q << 4), comp);
}

/** The chunk aggregate (slot 8..24) from its quarter totals. */
@inline function combineQuarters(slot: usize): void {
  let sum: f64 = 0, comp: f64 = 0;
  for (let q: usize = 0; q < 4; q++) {
    const v = load<f64>(slot + 40 + (q << 4));
    const t = sum + v;
    comp += twoSumE(sum, v, t) + load<f64>(slot + 48 + (q << 4));
    sum = t;
  }
  store<f64>(slot + 8, sum);
  store<f64>(slot + 16, comp);
}

@inline function aggregate<T>(x: usize, c: i32, chunk: i32, n: i32, slot: usize): void {
  const s = c * chunk, e = min<i32>(n, s + chunk), qn = chunk >> 2;
  for (let q = 0; q < 4; q++) {
    const qs = min<i32>(e, s + q * qn), qe = q == 3 ? e : min<i32>(e, qs + qn);
    quarterTotal<T>(x, qs, qe, slot, q);
  }
  combineQuarters(slot);
}

/** Publishes P[c] (and any missing prefixes before it); c's aggregate is published. */
@inline function lookBack<T>(x: usize, c: i32, chunk: i32, n: i32, slots: usize): void {
  let j = c - 1;
  while (j >= 0) {
    const sj = slots + <usize>j * SLOT;
    let st = atomic.load<u32>(sj);
    // Chunks are claimed in order, so a predecessor without an aggregate is
    // being summed right now by a thread that started about when we did:
    // waiting a little is cheaper than re-reading its chunk. A thread
    // descheduled for longer than the spin is covered by recomputation.
    for (let k = 0; st == 0 && k < 1 << 17; k++) st = atomic.load<u32>(sj);
    if (st == 2) break;
    if (st == 0) { aggregate<T>(x, j, chunk, n, sj); atomic.cmpxchg<u32>(sj, 0, 1); }
    j--;
  }
  let ps: f64 = 0, pc: f64 = 0;
  if (j >= 0) { ps = load<f64>(slots + <usize>j * SLOT + 24); pc = load<f64>(slots + <usize>j * SLOT + 32); }
  for (let k = j + 1; k <= c; k++) {
    const sk = slots + <usize>k * SLOT;
    const v = load<f64>(sk + 8);
    const t = ps + v;
    pc += twoSumE(ps, v, t) + load<f64>(sk + 16);
    ps = t;
    store<f64>(sk + 24, ps);
    store<f64>(sk + 32, pc);
    atomic.store<u32>(sk, 2);
  }
}

/**
 * Scans chunk c (its aggregate and P[c-1] are published); returns 1 if an
 * output is not finite: the caller then redoes the rest sequentially
 * (cumsum_fix_*), since a non-finite aggregate poisons every later prefix.
 */
@inline function scanChunk<T>(x: usize, out: usize, c: i32, chunk: i32, n: i32, slots: usize): i32 {
  const slot = slots + <usize>c * SLOT;
  const start = c * chunk, end = min<i32>(n, start + chunk);
  let s0: f64 = 0, c0: f64 = 0;
  if (c > 0) { s0 = load<f64>(slot - SLOT + 24); c0 = load<f64>(slot - SLOT + 32); }
  // f32 needs only P[c-1]: one stream, widened to f64 (scan-stream.ts).
  if (sizeof<T>() == 4) return scanF32(x, out, start, end, s0, c0);
  // f64: quarter offsets O[q] = P[c-1] (+) the quarters before q.
  let v = load<f64>(slot + 40), t = s0 + v;
  let s1 = t, c1 = c0 + twoSumE(s0, v, t) + load<f64>(slot + 48);
  v = load<f64>(slot + 56); t = s1 + v;
  let s2 = t, c2 = c1 + twoSumE(s1, v, t) + load<f64>(slot + 64);
  v = load<f64>(slot + 72); t = s2 + v;
  let s3 = t, c3 = c2 + twoSumE(s2, v, t) + load<f64>(slot + 80);
  const qn = chunk >> 2;
  const q1 = min<i32>(end, start + qn), q2 = min<i32>(end, start + 2 * qn), q3 = min<i32>(end, start + 3 * qn);
  return scanQuarters64(x, out, start, q1, q2, q3, end, s0, c0, s1, c1, s2, c2, s3, c3);
}

/** Returns 1 if an output is not finite. */
@inline function tailScan<T>(x: usize, out: usize, s: i32, e: i32, sum: f64, comp: f64): i32 {
  let bad: i32 = 0;
  for (let i = s; i < e; i++) {
    const p = <usize>i << alignof<T>();
    const v = <f64>load<T>(x + p);
    const t = sum + v;
    comp += twoSumE(sum, v, t);
    sum = t;
    const o = <T>(sum + comp);
    bad |= <i32>!isFinite<T>(o);
    store<T>(out + p, o);
  }
  return bad;
}

@inline function twoSum2(a: v128, b: v128, t: v128): v128 {
  const bp = f64x2.sub(t, a);
  return f64x2.add(f64x2.sub(a, f64x2.sub(t, bp)), f64x2.sub(b, bp));
}

// f64 scan of four quarters, one lane per quarter. The running sum is an
// unevaluated pair (S, R): inside a block R takes plain adds (the block's
// partial sum, short, so its rounding is O(BLOCK · eps) of the block) and each
// output is S + R; at a block end TwoSum folds R into S exactly and R restarts
// from the error term. The only chain carried from step to step is one add per
// two elements per lane (R += x0 + x1), so the loop runs at add/shuffle
// throughput instead of the latency of a compensated add per element; the
// error stays O(eps · sum |x|) whatever n is, as with a compensated sum.
// Quarters are read two elements at a time and transposed so that every load
// and store is a full vector.
// A non-finite output anywhere leaves F non-finite (differences of outputs are
// finite unless an output is not, or they overflow: a harmless false alarm).
@inline function scanQuarters64(x: usize, out: usize, q0: i32, q1: i32, q2: i32, q3: i32, end: i32,
  s0: f64, c0: f64, s1: f64, c1: f64, s2: f64, c2: f64, s3: f64, c3: f64): i32 {
  let F = f64x2.splat(0);
  const len = (end - q3) & ~1;
  let S01 = f64x2.replace_lane(f64x2.splat(s0), 1, s1), R01 = f64x2.replace_lane(f64x2.splat(c0), 1, c1);
  let S23 = f64x2.replace_lane(f64x2.splat(s2), 1, s3), R23 = f64x2.replace_lane(f64x2.splat(c2), 1, c3);
  let p0 = x + (<usize>q0 << 3), p1 = x + (<usize>q1 << 3), p2 = x + (<usize>q2 << 3), p3 = x + (<usize>q3 << 3);
  const d = out - x;
  let i = 0;
  while (i < len) {
    // 16 steps of two elements: a block of 32 elements per quarter.
    const stop = min<i32>(len, i + 32);
    for (; i < stop; i += 2) {
      const a = v128.load(p0), bb = v128.load(p1), c = v128.load(p2), e = v128.load(p3);
      const A0 = v128.shuffle<f64>(a, bb, 0, 2), A1 = v128.shuffle<f64>(a, bb, 1, 3);
      const B0 = v128.shuffle<f64>(c, e, 0, 2), B1 = v128.shuffle<f64>(c, e, 1, 3);
      const ra = f64x2.add(R01, A0), rb = f64x2.add(R23, B0);
      R01 = f64x2.add(R01, f64x2.add(A0, A1));
      R23 = f64x2.add(R23, f64x2.add(B0, B1));
      const oa0 = f64x2.add(S01, ra), oa1 = f64x2.add(S01, R01);
      const ob0 = f64x2.add(S23, rb), ob1 = f64x2.add(S23, R23);
      F = f64x2.add(F, f64x2.sub(f64x2.sub(oa0, oa1), f64x2.sub(ob0, ob1)));
      v128.store(p0 + d, v128.shuffle<f64>(oa0, oa1, 0, 2));
      v128.store(p1 + d, v128.shuffle<f64>(oa0, oa1, 1, 3));
      v128.store(p2 + d, v128.shuffle<f64>(ob0, ob1, 0, 2));
      v128.store(p3 + d, v128.shuffle<f64>(ob0, ob1, 1, 3));
      p0 += 16; p1 += 16; p2 += 16; p3 += 16;
    }
    let t = f64x2.add(S01, R01);
    R01 = twoSum2(S01, R01, t); S01 = t;
    t = f64x2.add(S23, R23);
    R23 = twoSum2(S23, R23, t); S23 = t;
  }
  let bad = tailScan<f64>(x, out, q0 + len, q1, f64x2.extract_lane(S01, 0), f64x2.extract_lane(R01, 0));
  bad |= tailScan<f64>(x, out, q1 + len, q2, f64x2.extract_lane(S01, 1), f64x2.extract_lane(R01, 1));
  bad |= tailScan<f64>(x, out, q2 + len, q3, f64x2.extract_lane(S23, 0), f64x2.extract_lane(R23, 0));
  bad |= tailScan<f64>(x, out, q3 + len, end, f64x2.extract_lane(S23, 1), f64x2.extract_lane(R23, 1));
  const f = f64x2.extract_lane(F, 0) + f64x2.extract_lane(F, 1);
  return bad | <i32>!isFinite<f64>(f);
}

@inline function scan1<T>(start: i32, x: usize, out: usize, slots: usize, chunk: i32, n: i32): f64 {
  const c = start / chunk;
  const slot = slots + <usize>c * SLOT;
  aggregate<T>(x, c, chunk, n, slot);
  // 0 -> 1 only: a walker may already have published this chunk's prefix (2).
  atomic.cmpxchg<u32>(slot, 0, 1);
  lookBack<T>(x, c, chunk, n, slots);
  return <f64>scanChunk<T>(x, out, c, chunk, n, slots);
}

/** status: 112 bytes per chunk, zeroed before the job; n: the job's length. Returns 1 if an output is not finite. */
export function cumsum1_f64(start: i32, end: i32, x: usize, out: usize, status: usize, chunk: i32, n: i32): f64 {
  return scan1<f64>(start, x, out, status, chunk, n);
}

export function cumsum1_f32(start: i32, end: i32, x: usize, out: usize, status: usize, chunk: i32, n: i32): f64 {
  return scan1<f32>(start, x, out, status, chunk, n);
}

// ---- settling a scan that reported a non-finite output (numpy's sequential sum) ----
// A single-chunk job from the first chunk that reported one: finds the first
// non-finite output k. With x intact (out does not overlap it) the rest is
// recomputed as the plain sequential sum from out[k-1], in the dtype's own
// arithmetic. In place, x is gone, but every later prefix of numpy's is out[k]
// plus what the scan computed there (Infinity stays Infinity, NaN where an
// Infinity of the other sign or a NaN follows): out[j] += out[k].

@inline function fix<T>(x: usize, out: usize, from: i32, n: i32, inPlace: i32): void {
  let k = from;
  while (k < n && isFinite<T>(load<T>(out + (<usize>k << alignof<T>())))) k++;
  if (k >= n) return;
  if (!inPlace) {
    sequentialTail<T>(x, out, k, n, k > 0 ? load<T>(out + (<usize>(k - 1) << alignof<T>())) : 0);
    return;
  }
  const carry = load<T>(out + (<usize>k << alignof<T>()));
  for (let j = k + 1; j < n; j++) {
    const q = out + (<usize>j << alignof<T>());
    store<T>(q, carry + load<T>(q));
  }
}

export function cumsum_fix_f64(start: i32, end: i32, x: usize, out: usize, from: i32, n: i32, inPlace: i32): void { fix<f64>(x, out, from, n, inPlace); }
export function cumsum_fix_f32(start: i32, end: i32, x: usize, out: usize, from: i32, n: i32, inPlace: i32): void { fix<f32>(x, out, from, n, inPlace); }
