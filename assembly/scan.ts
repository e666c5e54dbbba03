// Inclusive prefix sum as two parallel jobs over the same fixed chunks:
//   1. cumsum_total_<dt>: each chunk returns its total (read-only pass);
//   2. JS scans the totals (one per chunk, tiny) into per-chunk offsets;
//   3. cumsum_<dt>: each chunk scans itself starting from its offset.
// Pass 1 only reads and pass 2 reads x once and writes out once, which is the
// least memory traffic a scan over memory-resident chunks can have.
//
// Floats: f64 uses a Neumaier-compensated running sum, and its offsets are given
// as (sum, compensation) pairs so the error stays O(eps * sum |x|) instead of
// growing with n. f32 accumulates in f64 and rounds each output once.
// Integers: i32/u32/u8 wrap modulo 2^bits exactly like storing into the typed
// array would; totals are returned modulo 2^32 (exact in an f64 partial).

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

@inline function total32(start: i32, end: i32, x: usize): u32 {
  let acc = i32x4.splat(0);
  let i = start;
  for (; i + 4 <= end; i += 4) acc = i32x4.add(acc, v128.load(x + (<usize>i << 2)));
  let s = <u32>(i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) +
                i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3));
  for (; i < end; i++) s += load<u32>(x + (<usize>i << 2));
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
  let s: u32 = 0;
  for (let i = start; i < end; i++) s += load<u8>(x + <usize>i);
  return <f64>(s & 0xff);
}

// ---- pass 2: per-chunk scan from the chunk's offset ---------------------------
// offs: f64 per chunk (f64: two per chunk, sum then compensation), indexed by
// start / chunk. out may be x itself (in place).

export function cumsum_f64(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  const o = offs + (<usize>(start / chunk) << 4);
  let s = load<f64>(o);
  let c = load<f64>(o, 8);
  for (let i = start; i < end; i++) {
    const p = <usize>i << 3;
    const v = load<f64>(x + p);
    const t = s + v;
    // Neumaier: the rounding error of s + v is recovered from the larger operand.
    c += select<f64>((s - t) + v, (v - t) + s, abs<f64>(s) >= abs<f64>(v));
    s = t;
    store<f64>(out + p, s + c);
  }
}

export function cumsum_f32(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  let s = load<f64>(offs + (<usize>(start / chunk) << 3));
  for (let i = start; i < end; i++) {
    const p = <usize>i << 2;
    s += <f64>load<f32>(x + p);
    store<f32>(out + p, <f32>s);
  }
}

@inline function scan32(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  let s = <u32><u64>load<f64>(offs + (<usize>(start / chunk) << 3));
  for (let i = start; i < end; i++) {
    const p = <usize>i << 2;
    s += load<u32>(x + p);
    store<u32>(out + p, s);
  }
}

export function cumsum_i32(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  scan32(start, end, x, out, offs, chunk);
}

export function cumsum_u32(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  scan32(start, end, x, out, offs, chunk);
}

export function cumsum_u8(start: i32, end: i32, x: usize, out: usize, offs: usize, chunk: i32): void {
  let s = <u32><u64>load<f64>(offs + (<usize>(start / chunk) << 3));
  for (let i = start; i < end; i++) {
    s += load<u8>(x + <usize>i);
    store<u8>(out + <usize>i, <u8>s);
  }
}

// ---- single pass with decoupled look-back (floats, out not overlapping x) ------
// One job: each chunk (1) computes the totals of its four quarters while reading
// them into cache and publishes its aggregate, (2) finds the inclusive prefix of
// the chunk before it, (3) publishes its own inclusive prefix and (4) scans its
// quarters from cache as four interleaved compensated running sums (four
// independent add chains instead of one). x is read from memory once and out
// written once: the traffic of a copy.
// Determinism: a prefix is always P[c] = P[c-1] (+) A[c], folded in chunk order
// with the same compensated arithmetic, whichever thread computes it. The walk
// never waits: a predecessor that has not published its aggregate gets it
// computed from x by the walker (x is read-only here), so any chunk order is
// correct and the engine's in-order claiming makes such recomputation rare.
// Slot per chunk (64 bytes): u32 status (0 none, 1 aggregate, 2 prefix) at 0,
// aggregate (sum, comp) at 8, prefix (sum, comp) at 24, quarter totals (sum,
// comp) at 40..104. Racing writers of a slot always write identical bits.

@inline function twoSumE(a: f64, b: f64, t: f64): f64 { const bp = t - a; return (a - (t - bp)) + (b - bp); }

// Blocked: 64-element blocks summed in four vector accumulators (8 terms per
// lane), the block sums combined with Neumaier. About one add per two elements,
// so this read stays memory-bound, with error O(8·eps) per block and
// compensated across blocks.
@inline function quarterTotal<T>(x: usize, s: i32, e: i32, slot: usize, q: i32): void {
  let sum: f64 = 0, comp: f64 = 0;
  let i = s;
  for (; i + 64 <= e; i += 64) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let j = 0; j < 64; j += 8) {
      if (sizeof<T>() == 8) {
        const p = x + (<usize>(i + j) << 3);
        a0 = f64x2.add(a0, v128.load(p)); a1 = f64x2.add(a1, v128.load(p, 16));
        a2 = f64x2.add(a2, v128.load(p, 32)); a3 = f64x2.add(a3, v128.load(p, 48));
      } else {
        const p = x + (<usize>(i + j) << 2);
        const w0 = v128.load(p), w1 = v128.load(p, 16);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(w0)); a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(w0, w0, 2, 3, 0, 1)));
        a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w1)); a3 = f64x2.add(a3, f64x2.promote_low_f32x4(v128.shuffle<f32>(w1, w1, 2, 3, 0, 1)));
      }
    }
    const b = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    const v = f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
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

/** Quarter totals into slot[40..104), the chunk aggregate into slot[8..24). */
@inline function aggregate<T>(x: usize, c: i32, chunk: i32, n: i32, slot: usize): void {
  const s = c * chunk, e = min<i32>(n, s + chunk), qn = chunk >> 2;
  let sum: f64 = 0, comp: f64 = 0;
  for (let q = 0; q < 4; q++) {
    const qs = min<i32>(e, s + q * qn), qe = q == 3 ? e : min<i32>(e, qs + qn);
    quarterTotal<T>(x, qs, qe, slot, q);
    const v = load<f64>(slot + 40 + (<usize>q << 4));
    const t = sum + v;
    comp += twoSumE(sum, v, t) + load<f64>(slot + 48 + (<usize>q << 4));
    sum = t;
  }
  store<f64>(slot + 8, sum);
  store<f64>(slot + 16, comp);
}

const SLOT: usize = 112;

@inline function scan1<T>(start: i32, end: i32, x: usize, out: usize, status: usize, chunk: i32, n: i32): void {
  const c = start / chunk;
  const slot = status + <usize>c * SLOT;
  aggregate<T>(x, c, chunk, n, slot);
  // 0 -> 1 only: a walker may already have published this chunk's prefix (2).
  atomic.cmpxchg<u32>(slot, 0, 1);
  // Look back for the nearest published prefix, computing missing aggregates.
  let j = c - 1;
  while (j >= 0) {
    const sj = status + <usize>j * SLOT;
    let st = atomic.load<u32>(sj);
    // Chunks are claimed in order, so a predecessor without an aggregate is
    // usually being summed right now by another thread, which started about
    // when we did: waiting a little is far cheaper than re-reading its chunk
    // (recomputing on every such race cost about a third of the 2-thread
    // time). A thread descheduled for longer than the spin is covered by the
    // recomputation.
    let k = 0;
    for (; st == 0 && k < 1 << 17; k++) st = atomic.load<u32>(sj);
    atomic.add<u32>(slot + 104, k); // DEBUG
    if (st == 2) break;
    if (st == 0) { atomic.add<u32>(slot + 108, 1); aggregate<T>(x, j, chunk, n, sj); atomic.cmpxchg<u32>(sj, 0, 1); }
    j--;
  }
  let ps: f64 = 0, pc: f64 = 0;
  if (j >= 0) { ps = load<f64>(status + <usize>j * SLOT + 24); pc = load<f64>(status + <usize>j * SLOT + 32); }
  for (let k = j + 1; k <= c; k++) {
    const sk = status + <usize>k * SLOT;
    const v = load<f64>(sk + 8);
    const t = ps + v;
    pc += twoSumE(ps, v, t) + load<f64>(sk + 16);
    ps = t;
    store<f64>(sk + 24, ps);
    store<f64>(sk + 32, pc);
    atomic.store<u32>(sk, 2);
  }
  // Quarter offsets: O[q] = P[c-1] (+) the quarters before q.
  let s0: f64 = 0, c0: f64 = 0;
  if (c > 0) { s0 = load<f64>(slot - SLOT + 24); c0 = load<f64>(slot - SLOT + 32); }
  let v = load<f64>(slot + 40), t = s0 + v;
  let s1 = t, c1 = c0 + twoSumE(s0, v, t) + load<f64>(slot + 48);
  v = load<f64>(slot + 56); t = s1 + v;
  let s2 = t, c2 = c1 + twoSumE(s1, v, t) + load<f64>(slot + 64);
  v = load<f64>(slot + 72); t = s2 + v;
  let s3 = t, c3 = c2 + twoSumE(s2, v, t) + load<f64>(slot + 80);
  const qn = chunk >> 2;
  const q0 = start, q1 = min<i32>(end, start + qn), q2 = min<i32>(end, start + 2 * qn), q3 = min<i32>(end, start + 3 * qn);
  if (sizeof<T>() == 8) {
    scanQuarters64(x, out, q0, q1, q2, q3, end, s0, c0, s1, c1, s2, c2, s3, c3);
    return;
  }
  const len3 = end - q3;
  // Four chains in lockstep while all four quarters have elements, two per
  // vector (the scan is bound by add throughput, so lanes halve its cost).
  // Kahan form inside the loop (4 adds, not TwoSum's 6): K holds minus the
  // running compensation, the output is S - K.
  let S01 = f64x2.replace_lane(f64x2.splat(s0), 1, s1), K01 = f64x2.neg(f64x2.replace_lane(f64x2.splat(c0), 1, c1));
  let S23 = f64x2.replace_lane(f64x2.splat(s2), 1, s3), K23 = f64x2.neg(f64x2.replace_lane(f64x2.splat(c2), 1, c3));
  const sh = alignof<T>();
  const w = <usize>1 << sh;
  let p0 = <usize>q0 << sh, p1 = <usize>q1 << sh, p2 = <usize>q2 << sh, p3 = <usize>q3 << sh;
  for (let i = 0; i < len3; i++) {
    const Y01 = f64x2.sub(ld2<T>(x + p0, x + p1), K01), Y23 = f64x2.sub(ld2<T>(x + p2, x + p3), K23);
    const T01 = f64x2.add(S01, Y01), T23 = f64x2.add(S23, Y23);
    K01 = f64x2.sub(f64x2.sub(T01, S01), Y01);
    K23 = f64x2.sub(f64x2.sub(T23, S23), Y23);
    S01 = T01; S23 = T23;
    st2<T>(out + p0, out + p1, f64x2.sub(S01, K01));
    st2<T>(out + p2, out + p3, f64x2.sub(S23, K23));
    p0 += w; p1 += w; p2 += w; p3 += w;
  }
  s0 = f64x2.extract_lane(S01, 0); s1 = f64x2.extract_lane(S01, 1); s2 = f64x2.extract_lane(S23, 0);
  c0 = -f64x2.extract_lane(K01, 0); c1 = -f64x2.extract_lane(K01, 1); c2 = -f64x2.extract_lane(K23, 0);
  tailScan<T>(x, out, q0 + len3, q1, s0, c0);
  tailScan<T>(x, out, q1 + len3, q2, s1, c1);
  tailScan<T>(x, out, q2 + len3, q3, s2, c2);
}

// f64 scan of four quarters, one lane per quarter. The running sum is an
// unevaluated pair (S, R): inside a block R takes plain adds (the block's
// partial sum, short, so its rounding is O(BLOCK * eps) of the block) and each
// output is S + R; at a block end TwoSum folds R into S exactly and R restarts
// from the error term. The only chain carried from step to step is one add per
// two elements per lane (R += x0 + x1), so the loop runs at add/shuffle
// throughput instead of the latency of a compensated add per element; the
// error stays O(eps * sum |x|) whatever n is, as with a compensated sum.
// Quarters are read two elements at a time and transposed so that every
// load and store is a full vector.
@inline function twoSum2(a: v128, b: v128, t: v128): v128 {
  const bp = f64x2.sub(t, a);
  return f64x2.add(f64x2.sub(a, f64x2.sub(t, bp)), f64x2.sub(b, bp));
}

@inline function scanQuarters64(x: usize, out: usize, q0: i32, q1: i32, q2: i32, q3: i32, end: i32,
  s0: f64, c0: f64, s1: f64, c1: f64, s2: f64, c2: f64, s3: f64, c3: f64): void {
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
      const a = v128.load(p0), b = v128.load(p1), c = v128.load(p2), e = v128.load(p3);
      const A0 = v128.shuffle<f64>(a, b, 0, 2), A1 = v128.shuffle<f64>(a, b, 1, 3);
      const B0 = v128.shuffle<f64>(c, e, 0, 2), B1 = v128.shuffle<f64>(c, e, 1, 3);
      const ra = f64x2.add(R01, A0), rb = f64x2.add(R23, B0);
      R01 = f64x2.add(R01, f64x2.add(A0, A1));
      R23 = f64x2.add(R23, f64x2.add(B0, B1));
      const oa0 = f64x2.add(S01, ra), oa1 = f64x2.add(S01, R01);
      const ob0 = f64x2.add(S23, rb), ob1 = f64x2.add(S23, R23);
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
  const t0 = q0 + len, t1 = q1 + len, t2 = q2 + len, t3 = q3 + len;
  tailScan<f64>(x, out, t0, q1, f64x2.extract_lane(S01, 0), f64x2.extract_lane(R01, 0));
  tailScan<f64>(x, out, t1, q2, f64x2.extract_lane(S01, 1), f64x2.extract_lane(R01, 1));
  tailScan<f64>(x, out, t2, q3, f64x2.extract_lane(S23, 0), f64x2.extract_lane(R23, 0));
  tailScan<f64>(x, out, t3, end, f64x2.extract_lane(S23, 1), f64x2.extract_lane(R23, 1));
}

@inline function ld2<T>(a: usize, b: usize): v128 {
  if (sizeof<T>() == 8) return v128.load64_lane(b, v128.load64_zero(a), 1);
  return f64x2.promote_low_f32x4(v128.load32_lane(b, v128.load32_zero(a), 1));
}

@inline function st2<T>(a: usize, b: usize, v: v128): void {
  if (sizeof<T>() == 8) { v128.store64_lane(a, v, 0); v128.store64_lane(b, v, 1); return; }
  const f = f32x4.demote_f64x2_zero(v);
  v128.store32_lane(a, f, 0); v128.store32_lane(b, f, 1);
}

@inline function tailScan<T>(x: usize, out: usize, s: i32, e: i32, sum: f64, comp: f64): void {
  for (let i = s; i < e; i++) {
    const p = <usize>i << alignof<T>();
    const v = <f64>load<T>(x + p);
    const t = sum + v;
    comp += twoSumE(sum, v, t);
    sum = t;
    store<T>(out + p, <T>(sum + comp));
  }
}

/** status: 112 bytes per chunk, zeroed before the job; n: the job's length. */
export function cumsum1_f64(start: i32, end: i32, x: usize, out: usize, status: usize, chunk: i32, n: i32): void {
  scan1<f64>(start, end, x, out, status, chunk, n);
}

export function cumsum1_f32(start: i32, end: i32, x: usize, out: usize, status: usize, chunk: i32, n: i32): void {
  scan1<f32>(start, end, x, out, status, chunk, n);
}
