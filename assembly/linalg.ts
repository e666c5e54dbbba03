// C = A·B, row-major, A m×k, B k×n, in one parallel job over work items: a
// block of rows × a block of column panels (8 f32 or 4 f64 columns, 32 bytes a
// row). An item packs its own panels of B, one k block (KC deep) at a time,
// into the pack buffer its thread holds, then sweeps a 4-row register tile
// down 32 rows at a time for each panel: A's 32×KC block (32 KiB in f32) stays
// in L1 across the panels, and each panel's KC-deep slice (8 KiB) while its tile
// sweeps.
// Packing per item costs k·32 bytes per panel against 2·rows·k·lanes flops,
// and keeps every packed line in the cache of the core that reads it: packing
// all of B once in a separate job made each core fetch the other's half
// (f32 512³, 2 threads vs 1: about 1.65× before, about 1.8× now).
// Micro-kernel: 4×8 f32 (or 4×4 f64) accumulators in eight v128 registers, one
// broadcast of A and two loads of B per k step. Rows beyond a multiple of 4 use a
// 1-row tile; columns beyond n are computed on the zero padding but not stored.
// Each C element is summed in the same order whichever item or thread runs it.

const KC: i32 = 256;
const ROWS_IN_L1: i32 = 32;

/** Packs k rows [k0, k0+kc) of panels [p0, p1) into pk, panel-major, zero-padded at the right edge. */
@inline function packPanels(b: usize, pk: usize, p0: i32, p1: i32, k0: i32, kc: i32, n: i32, lanes: i32, width: usize): void {
  let d = pk;
  for (let p = p0; p < p1; p++) {
    const j0 = p * lanes;
    const w = min<i32>(lanes, n - j0);
    for (let kk = k0; kk < k0 + kc; kk++) {
      const s = b + ((<usize>kk * <usize>n + <usize>j0) << width);
      if (w == lanes) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      } else {
        v128.store(d, i32x4.splat(0));
        v128.store(d, i32x4.splat(0), 16);
        memory.copy(d, s, <usize>w << width);
      }
      d += 32;
    }
  }
}

/**
 * A pack buffer no other running item holds: items run at most `slots` at a
 * time (one per thread), so a free flag always exists. The CAS acquires the
 * buffer (the previous holder's release store happened before it); the
 * holder's own packing writes need no ordering with other threads.
 */
@inline function acquireSlot(flags: usize, slots: i32): i32 {
  let s = 0;
  while (atomic.cmpxchg<u32>(flags + (<usize>s << 2), 0, 1) != 0) s = s + 1 == slots ? 0 : s + 1;
  return s;
}

/** The pack buffers follow the slot flags (512 bytes: up to 128 threads). */
@inline function slotBuffer(flags: usize, s: i32, pbk: i32): usize {
  return flags + 512 + <usize>s * <usize>pbk * <usize>KC * 32;
}

// ---- partial rows of C, per lane width --------------------------------------------

// Loading a partial C row reads past n only when w < 4 -> reload lanes instead.
@inline function row8f32(c: usize, v0: v128, v1: v128, w: i32, acc: bool): void {
  if (w >= 8) {
    if (acc) { v0 = f32x4.add(v0, v128.load(c)); v1 = f32x4.add(v1, v128.load(c, 16)); }
    v128.store(c, v0); v128.store(c, v1, 16);
    return;
  }
  for (let j = 0; j < w; j++) {
    const lane = j < 4 ? v0 : v1;
    const jj = j & 3;
    let s: f32 = jj == 0 ? f32x4.extract_lane(lane, 0) : jj == 1 ? f32x4.extract_lane(lane, 1)
      : jj == 2 ? f32x4.extract_lane(lane, 2) : f32x4.extract_lane(lane, 3);
    const p = c + (<usize>j << 2);
    if (acc) s += load<f32>(p);
    store<f32>(p, s);
  }
}

@inline function row4f64(c: usize, v0: v128, v1: v128, w: i32, acc: bool): void {
  if (w >= 4) {
    if (acc) { v0 = f64x2.add(v0, v128.load(c)); v1 = f64x2.add(v1, v128.load(c, 16)); }
    v128.store(c, v0); v128.store(c, v1, 16);
    return;
  }
  for (let j = 0; j < w; j++) {
    const lane = j < 2 ? v0 : v1;
    let s: f64 = (j & 1) == 0 ? f64x2.extract_lane(lane, 0) : f64x2.extract_lane(lane, 1);
    const p = c + (<usize>j << 3);
    if (acc) s += load<f64>(p);
    store<f64>(p, s);
  }
}

// ---- register tiles and the item driver, for f32 and f64 ----------------------------

@inline function rowStore<T>(c: usize, v0: v128, v1: v128, w: i32, acc: bool): void {
  if (sizeof<T>() == 4) row8f32(c, v0, v1, w, acc);
  else row4f64(c, v0, v1, w, acc);
}

/** C[i..i+4, j0..j0+w) (+)= A[i..i+4, k0..k0+kc) · the panel's slice at pb. */
@inline function tile4<T>(a: usize, pb: usize, c: usize, i: i32, j0: i32, w: i32, k: i32, n: i32, k0: i32, kc: i32): void {
  const lda = <usize>k << alignof<T>(), ldc = <usize>n << alignof<T>();
  let pa = a + <usize>i * lda + (<usize>k0 << alignof<T>());
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0), c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0), c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  for (let kk = 0; kk < kc; kk++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let av = v128.load_splat<T>(pa);
    c00 = v128.add<T>(c00, v128.mul<T>(av, b0)); c01 = v128.add<T>(c01, v128.mul<T>(av, b1));
    av = v128.load_splat<T>(pa + lda);
    c10 = v128.add<T>(c10, v128.mul<T>(av, b0)); c11 = v128.add<T>(c11, v128.mul<T>(av, b1));
    av = v128.load_splat<T>(pa + 2 * lda);
    c20 = v128.add<T>(c20, v128.mul<T>(av, b0)); c21 = v128.add<T>(c21, v128.mul<T>(av, b1));
    av = v128.load_splat<T>(pa + 3 * lda);
    c30 = v128.add<T>(c30, v128.mul<T>(av, b0)); c31 = v128.add<T>(c31, v128.mul<T>(av, b1));
    pa += sizeof<T>(); pb += 32;
  }
  const pc = c + <usize>i * ldc + (<usize>j0 << alignof<T>()), acc = k0 > 0;
  rowStore<T>(pc, c00, c01, w, acc);
  rowStore<T>(pc + ldc, c10, c11, w, acc);
  rowStore<T>(pc + 2 * ldc, c20, c21, w, acc);
  rowStore<T>(pc + 3 * ldc, c30, c31, w, acc);
}

/** The same for one row. */
@inline function tile1<T>(a: usize, pb: usize, c: usize, i: i32, j0: i32, w: i32, k: i32, n: i32, k0: i32, kc: i32): void {
  let pa = a + ((<usize>i * <usize>k + <usize>k0) << alignof<T>());
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  for (let kk = 0; kk < kc; kk++) {
    const av = v128.load_splat<T>(pa);
    c00 = v128.add<T>(c00, v128.mul<T>(av, v128.load(pb)));
    c01 = v128.add<T>(c01, v128.mul<T>(av, v128.load(pb, 16)));
    pa += sizeof<T>(); pb += 32;
  }
  rowStore<T>(c + ((<usize>i * <usize>n + <usize>j0) << alignof<T>()), c00, c01, w, k0 > 0);
}

/** Items [start, end): item = rowBlock · colBlocks + colBlock; `pbk` panels and `rows` rows an item. */
@inline function matmulItems<T>(start: i32, end: i32, a: usize, b: usize, flags: usize, slots: i32, c: usize,
  m: i32, k: i32, n: i32, colBlocks: i32, pbk: i32, rows: i32): void {
  const lanes = <i32>(32 / sizeof<T>()), width = alignof<T>();
  const panels = (n + lanes - 1) / lanes;
  const slot = k > 0 ? acquireSlot(flags, slots) : 0;
  const pk = slotBuffer(flags, slot, pbk);
  for (let item = start; item < end; item++) {
    const p0 = (item % colBlocks) * pbk, p1 = min<i32>(panels, p0 + pbk);
    const r0 = (item / colBlocks) * rows, r1 = min<i32>(m, r0 + rows);
    if (k == 0) {
      const j0 = p0 * lanes, w = min<i32>(n, p1 * lanes) - j0;
      for (let i = r0; i < r1; i++) memory.fill(c + ((<usize>i * <usize>n + <usize>j0) << width), 0, <usize>w << width);
      continue;
    }
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = min<i32>(KC, k - k0);
      packPanels(b, pk, p0, p1, k0, kc, n, lanes, width);
      for (let i0 = r0; i0 < r1; i0 += ROWS_IN_L1) {
        const i1 = min<i32>(r1, i0 + ROWS_IN_L1);
        for (let p = p0; p < p1; p++) {
          const pb = pk + <usize>(p - p0) * <usize>kc * 32;
          const j0 = p * lanes;
          const w = min<i32>(lanes, n - j0);
          let i = i0;
          for (; i + 4 <= i1; i += 4) tile4<T>(a, pb, c, i, j0, w, k, n, k0, kc);
          for (; i < i1; i++) tile1<T>(a, pb, c, i, j0, w, k, n, k0, kc);
        }
      }
    }
  }
  // Release: this item's reads of the buffer are done before another acquires it.
  if (k > 0) atomic.store<u32>(flags + (<usize>slot << 2), 0);
}

export function matmul_f32(start: i32, end: i32, a: usize, b: usize, flags: usize, slots: i32, c: usize,
  m: i32, k: i32, n: i32, colBlocks: i32, pbk: i32, rows: i32): void {
  matmulItems<f32>(start, end, a, b, flags, slots, c, m, k, n, colBlocks, pbk, rows);
}

export function matmul_f64(start: i32, end: i32, a: usize, b: usize, flags: usize, slots: i32, c: usize,
  m: i32, k: i32, n: i32, colBlocks: i32, pbk: i32, rows: i32): void {
  matmulItems<f64>(start, end, a, b, flags, slots, c, m, k, n, colBlocks, pbk, rows);
}
