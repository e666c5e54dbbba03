// C = A·B, row-major, A m×k, B k×n, as two parallel jobs:
//   matmul_packb_<dt>: over panels of B columns (8 f32 or 4 f64 wide, 32 bytes a
//     row), copies B into panel-major order, zero-padded at the right edge, once;
//     all threads then read it shared and read-only;
//   matmul_<dt>: over rows of C (a chunk = a block of rows); for each k block
//     (KC deep) and each panel, a 4-row register tile is swept down the chunk,
//     so the KC×panel slice of packed B (8 KiB) stays in L1 while A's rows stream.
// Micro-kernel: 4×8 f32 (or 4×4 f64) accumulators in eight v128 registers, one
// broadcast of A and two loads of B per k step. Rows beyond a multiple of 4 use a
// 1-row tile; columns beyond n are computed on the zero padding but not stored.

const KC: i32 = 256;

@inline function packPanel(b: usize, bp: usize, p: i32, k: i32, n: i32, lanes: i32, width: usize): void {
  const j0 = p * lanes;
  const w = min<i32>(lanes, n - j0);
  let d = bp + <usize>p * <usize>k * 32;
  for (let kk = 0; kk < k; kk++) {
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

export function matmul_packb_f32(start: i32, end: i32, b: usize, bp: usize, k: i32, n: i32): void {
  for (let p = start; p < end; p++) packPanel(b, bp, p, k, n, 8, 2);
}

export function matmul_packb_f64(start: i32, end: i32, b: usize, bp: usize, k: i32, n: i32): void {
  for (let p = start; p < end; p++) packPanel(b, bp, p, k, n, 4, 3);
}

// ---- f32 ------------------------------------------------------------------------

@inline function put4f32(c: usize, v: v128, w: i32, acc: bool): void {
  if (acc) v = f32x4.add(v, v128.load(c));
  if (w >= 4) { v128.store(c, v); return; }
  if (w > 0) store<f32>(c, f32x4.extract_lane(v, 0));
  if (w > 1) store<f32>(c, f32x4.extract_lane(v, 1), 4);
  if (w > 2) store<f32>(c, f32x4.extract_lane(v, 2), 8);
}

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

export function matmul_f32(start: i32, end: i32, a: usize, bp: usize, c: usize, m: i32, k: i32, n: i32): void {
  const lda = <usize>k << 2, ldc = <usize>n << 2;
  if (k == 0) {
    for (let i = start; i < end; i++) memory.fill(c + <usize>i * ldc, 0, ldc);
    return;
  }
  const panels = (n + 7) >> 3;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min<i32>(KC, k - k0);
    const acc = k0 > 0;
    for (let p = 0; p < panels; p++) {
      const pb0 = bp + ((<usize>p * <usize>k + <usize>k0) << 5);
      const j0 = p << 3;
      const w = min<i32>(8, n - j0);
      let i = start;
      for (; i + 4 <= end; i += 4) {
        let pa = a + <usize>i * lda + (<usize>k0 << 2);
        let pb = pb0;
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
        let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
        for (let kk = 0; kk < kc; kk++) {
          const b0 = v128.load(pb), b1 = v128.load(pb, 16);
          let av = v128.load32_splat(pa);
          c00 = f32x4.add(c00, f32x4.mul(av, b0)); c01 = f32x4.add(c01, f32x4.mul(av, b1));
          av = v128.load32_splat(pa + lda);
          c10 = f32x4.add(c10, f32x4.mul(av, b0)); c11 = f32x4.add(c11, f32x4.mul(av, b1));
          av = v128.load32_splat(pa + 2 * lda);
          c20 = f32x4.add(c20, f32x4.mul(av, b0)); c21 = f32x4.add(c21, f32x4.mul(av, b1));
          av = v128.load32_splat(pa + 3 * lda);
          c30 = f32x4.add(c30, f32x4.mul(av, b0)); c31 = f32x4.add(c31, f32x4.mul(av, b1));
          pa += 4; pb += 32;
        }
        const pc = c + <usize>i * ldc + (<usize>j0 << 2);
        row8f32(pc, c00, c01, w, acc);
        row8f32(pc + ldc, c10, c11, w, acc);
        row8f32(pc + 2 * ldc, c20, c21, w, acc);
        row8f32(pc + 3 * ldc, c30, c31, w, acc);
      }
      for (; i < end; i++) {
        let pa = a + <usize>i * lda + (<usize>k0 << 2);
        let pb = pb0;
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
        for (let kk = 0; kk < kc; kk++) {
          const av = v128.load32_splat(pa);
          c00 = f32x4.add(c00, f32x4.mul(av, v128.load(pb)));
          c01 = f32x4.add(c01, f32x4.mul(av, v128.load(pb, 16)));
          pa += 4; pb += 32;
        }
        row8f32(c + <usize>i * ldc + (<usize>j0 << 2), c00, c01, w, acc);
      }
    }
  }
}

// ---- f64 ------------------------------------------------------------------------

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

export function matmul_f64(start: i32, end: i32, a: usize, bp: usize, c: usize, m: i32, k: i32, n: i32): void {
  const lda = <usize>k << 3, ldc = <usize>n << 3;
  if (k == 0) {
    for (let i = start; i < end; i++) memory.fill(c + <usize>i * ldc, 0, ldc);
    return;
  }
  const panels = (n + 3) >> 2;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min<i32>(KC, k - k0);
    const acc = k0 > 0;
    for (let p = 0; p < panels; p++) {
      const pb0 = bp + ((<usize>p * <usize>k + <usize>k0) << 5);
      const j0 = p << 2;
      const w = min<i32>(4, n - j0);
      let i = start;
      for (; i + 4 <= end; i += 4) {
        let pa = a + <usize>i * lda + (<usize>k0 << 3);
        let pb = pb0;
        let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
        let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
        for (let kk = 0; kk < kc; kk++) {
          const b0 = v128.load(pb), b1 = v128.load(pb, 16);
          let av = v128.load64_splat(pa);
          c00 = f64x2.add(c00, f64x2.mul(av, b0)); c01 = f64x2.add(c01, f64x2.mul(av, b1));
          av = v128.load64_splat(pa + lda);
          c10 = f64x2.add(c10, f64x2.mul(av, b0)); c11 = f64x2.add(c11, f64x2.mul(av, b1));
          av = v128.load64_splat(pa + 2 * lda);
          c20 = f64x2.add(c20, f64x2.mul(av, b0)); c21 = f64x2.add(c21, f64x2.mul(av, b1));
          av = v128.load64_splat(pa + 3 * lda);
          c30 = f64x2.add(c30, f64x2.mul(av, b0)); c31 = f64x2.add(c31, f64x2.mul(av, b1));
          pa += 8; pb += 32;
        }
        const pc = c + <usize>i * ldc + (<usize>j0 << 3);
        row4f64(pc, c00, c01, w, acc);
        row4f64(pc + ldc, c10, c11, w, acc);
        row4f64(pc + 2 * ldc, c20, c21, w, acc);
        row4f64(pc + 3 * ldc, c30, c31, w, acc);
      }
      for (; i < end; i++) {
        let pa = a + <usize>i * lda + (<usize>k0 << 3);
        let pb = pb0;
        let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
        for (let kk = 0; kk < kc; kk++) {
          const av = v128.load64_splat(pa);
          c00 = f64x2.add(c00, f64x2.mul(av, v128.load(pb)));
          c01 = f64x2.add(c01, f64x2.mul(av, v128.load(pb, 16)));
          pa += 8; pb += 32;
        }
        row4f64(c + <usize>i * ldc + (<usize>j0 << 3), c00, c01, w, acc);
      }
    }
  }
}
