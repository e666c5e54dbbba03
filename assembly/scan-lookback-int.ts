// Integer cumsum in one job with decoupled look-back (out must not overlap x),
// the integer twin of scan-lookback.ts: each chunk (1) sums itself while
// reading into cache and publishes that aggregate, (2) walks back to the
// nearest predecessor with a published inclusive prefix, (3) publishes its
// own and (4) scans itself from cache. x is read from memory once and out
// written once (the two-job path reads x twice). Sums are modulo 2^32 (u8:
// modulo 256), exact, so whoever computes a prefix gets the same bits and a
// walker may recompute a stalled predecessor's aggregate from x (read-only).
// Slot per chunk (16 bytes): u32 status (0 none, 1 aggregate, 2 prefix) at 0,
// aggregate at 4, inclusive prefix at 8. The plain stores of a slot's values
// come before the atomic store of its status, which is the release a reader's
// atomic load of that status acquires.

import { scan32, scanU8, total32, totalU8 } from './scan-stream';

const SLOT: usize = 16;

@inline function aggregate(x: usize, c: i32, chunk: i32, n: i32, bytes: i32): u32 {
  const s = c * chunk, e = min<i32>(n, s + chunk);
  return bytes == 1 ? totalU8(s, e, x) : total32(s, e, x);
}

@inline function scan1(start: i32, x: usize, out: usize, slots: usize, chunk: i32, n: i32, bytes: i32): void {
  const c = start / chunk;
  const slot = slots + <usize>c * SLOT;
  store<u32>(slot, aggregate(x, c, chunk, n, bytes), 4);
  // 0 -> 1 only: a walker may already have published this chunk's prefix (2).
  atomic.cmpxchg<u32>(slot, 0, 1);
  // Walk back to a published prefix, waiting briefly for aggregates (see scan-lookback.ts).
  let j = c - 1;
  while (j >= 0) {
    const sj = slots + <usize>j * SLOT;
    let st = atomic.load<u32>(sj);
    for (let k = 0; st == 0 && k < 1 << 17; k++) st = atomic.load<u32>(sj);
    if (st == 2) break;
    if (st == 0) { store<u32>(sj, aggregate(x, j, chunk, n, bytes), 4); atomic.cmpxchg<u32>(sj, 0, 1); }
    j--;
  }
  // Publish P[j+1] .. P[c]; P[c-1], met on the way, is this chunk's carry.
  const mask: u32 = bytes == 1 ? 0xff : 0xffffffff;
  let p: u32 = j >= 0 ? load<u32>(slots + <usize>j * SLOT, 8) : 0;
  let carry: u32 = 0;
  for (let k = j + 1; k <= c; k++) {
    const sk = slots + <usize>k * SLOT;
    carry = p;
    p = (p + load<u32>(sk, 4)) & mask;
    store<u32>(sk, p, 8);
    atomic.store<u32>(sk, 2);
  }
  const end = min<i32>(n, start + chunk);
  if (bytes == 1) scanU8(x, out, start, end, carry);
  else scan32(x, out, start, end, carry);
}

/** status: 16 bytes per chunk, zeroed before the job; n: the job's length. */
export function cumsum1_i32(start: i32, end: i32, x: usize, out: usize, status: usize, chunk: i32, n: i32): void {
  scan1(start, x, out, status, chunk, n, 4);
}

export function cumsum1_u32(start: i32, end: i32, x: usize, out: usize, status: usize, chunk: i32, n: i32): void {
  scan1(start, x, out, status, chunk, n, 4);
}

export function cumsum1_u8(start: i32, end: i32, x: usize, out: usize, status: usize, chunk: i32, n: i32): void {
  scan1(start, x, out, status, chunk, n, 1);
}
