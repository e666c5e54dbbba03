// N-d elementwise drivers. A job covers [start, end) of "units": unit u is
// segment (u % segs) of inner row (u / segs) of an iteration plan
// (src/nd/plan.ts), described by a block of i32 words at `desc`:
//   [0] nd outer dims  [1] L inner length  [2] segLen  [3] segs  [4] nops
//   [5 + 2k] base byte address of operand k   [6 + 2k] its inner stride in bytes
//   [5 + 2·nops + d] outer dim d   [5 + 2·nops + nd + k·nd + d] operand k's stride in bytes
// A run whose strides are all one element goes straight to the 1-d SIMD kernel;
// a stride-0 operand becomes that kernel's scalar form; anything else is
// gathered into a per-thread buffer in blocks of SEG elements, computed by the
// same 1-d kernel, and scattered back — so every N-d result equals the flat op's.
import { binaryRun, binaryScalarRun, clipRun, mapRun } from './strided-dispatch';

// @ts-ignore: decorator
@inline const SEG = 512;

// @ts-ignore: decorator
@inline export function word(desc: usize, i: i32): i32 { return load<i32>(desc + (<usize>i << 2)); }

/** Byte address of the first element of row `row` for operand k (C-order unravel of the outer dims). */
// @ts-ignore: decorator
@inline export function rowBase(desc: usize, k: i32, row: i32): usize {
  const nd = word(desc, 0), nops = word(desc, 4);
  const dims = 5 + 2 * nops;
  const st = dims + nd + k * nd;
  let p = <usize>word(desc, 5 + 2 * k);
  let r = row;
  for (let d = nd - 1; d >= 0 && r > 0; d--) {
    const n = word(desc, dims + d);
    const q = r / n;
    p += <usize>((r - q * n) * word(desc, st + d));
    r = q;
  }
  return p;
}

/** Operand k's address of element `i` of row `row`. */
// @ts-ignore: decorator
@inline export function at(desc: usize, k: i32, row: i32, i: i32): usize {
  return rowBase(desc, k, row) + <usize>(i * word(desc, 6 + 2 * k));
}

/** The buffers follow 512 bytes of slot flags; each slot holds `per` buffers of SEG·8 bytes. */
// @ts-ignore: decorator
@inline export function acquire(flags: usize, slots: i32): i32 {
  let s = 0;
  while (atomic.cmpxchg<u32>(flags + (<usize>s << 2), 0, 1) != 0) s = s + 1 == slots ? 0 : s + 1;
  return s;
}
// @ts-ignore: decorator
@inline export function release(flags: usize, s: i32): void { atomic.store<u32>(flags + (<usize>s << 2), 0); }
// @ts-ignore: decorator
@inline export function slotBuf(flags: usize, s: i32, per: i32, j: i32): usize {
  return flags + 512 + (<usize>(s * per + j)) * (SEG << 3);
}

// @ts-ignore: decorator
@inline function gather<T>(p: usize, stride: i32, n: i32, buf: usize): usize {
  for (let i = 0; i < n; i++) store<T>(buf + (<usize>i << alignof<T>()), load<T>(p + <usize>(i * stride)));
  return buf;
}
// @ts-ignore: decorator
@inline function scatter<T>(buf: usize, p: usize, stride: i32, n: i32): void {
  for (let i = 0; i < n; i++) store<T>(p + <usize>(i * stride), load<T>(buf + (<usize>i << alignof<T>())));
}

// Each driver: for every unit, the run [i0, i0 + len) of one row.
// @ts-ignore: decorator
@inline function binaryT<T>(start: i32, end: i32, desc: usize, op: i32, flags: usize, slots: i32): void {
  const E = <i32>sizeof<T>();
  const L = word(desc, 1), segLen = word(desc, 2), segs = word(desc, 3);
  const so = word(desc, 6), sa = word(desc, 8), sb = word(desc, 10);
  let slot = -1;
  for (let u = start; u < end; u++) {
    const row = u / segs, i0 = (u - row * segs) * segLen;
    const len = min<i32>(segLen, L - i0);
    const o = at(desc, 0, row, i0), a = at(desc, 1, row, i0), b = at(desc, 2, row, i0);
    if (so == E && sa == E && sb == E) { binaryRun<T>(op, len, a, b, o); continue; }
    if (so == E && sa == E && sb == 0) { binaryScalarRun<T>(op, len, a, <f64>load<T>(b), o); continue; }
    if (slot < 0) slot = acquire(flags, slots);
    const ba = slotBuf(flags, slot, 3, 0), bb = slotBuf(flags, slot, 3, 1), bo = slotBuf(flags, slot, 3, 2);
    for (let i = 0; i < len; i += SEG) {
      const m = min<i32>(SEG, len - i);
      const pa = a + <usize>(i * sa), pb = b + <usize>(i * sb), po = o + <usize>(i * so);
      const ua = sa == E ? pa : gather<T>(pa, sa, m, ba);
      const uo = so == E ? po : bo;
      if (sb == 0) binaryScalarRun<T>(op, m, ua, <f64>load<T>(pb), uo);
      else binaryRun<T>(op, m, ua, sb == E ? pb : gather<T>(pb, sb, m, bb), uo);
      if (so != E) scatter<T>(bo, po, so, m);
    }
  }
  if (slot >= 0) release(flags, slot);
}

// map (op >= 0) and clip (op < 0, bounds lo/hi): operand 0 is out, 1 is x.
// @ts-ignore: decorator
@inline function unaryT<T>(start: i32, end: i32, desc: usize, op: i32, lo: f64, hi: f64, flags: usize, slots: i32): void {
  const E = <i32>sizeof<T>();
  const L = word(desc, 1), segLen = word(desc, 2), segs = word(desc, 3);
  const so = word(desc, 6), sx = word(desc, 8);
  let slot = -1;
  for (let u = start; u < end; u++) {
    const row = u / segs, i0 = (u - row * segs) * segLen;
    const len = min<i32>(segLen, L - i0);
    const o = at(desc, 0, row, i0), x = at(desc, 1, row, i0);
    if (so == E && sx == E) {
      if (op >= 0) mapRun<T>(op, len, x, o); else clipRun<T>(len, x, lo, hi, o);
      continue;
    }
    if (slot < 0) slot = acquire(flags, slots);
    const bx = slotBuf(flags, slot, 3, 0), bo = slotBuf(flags, slot, 3, 2);
    for (let i = 0; i < len; i += SEG) {
      const m = min<i32>(SEG, len - i);
      const px = x + <usize>(i * sx), po = o + <usize>(i * so);
      const ux = sx == E ? px : gather<T>(px, sx, m, bx);
      const uo = so == E ? po : bo;
      if (op >= 0) mapRun<T>(op, m, ux, uo); else clipRun<T>(m, ux, lo, hi, uo);
      if (so != E) scatter<T>(bo, po, so, m);
    }
  }
  if (slot >= 0) release(flags, slot);
}

// Copy (operand 0 = dst, 1 = src) of E-byte elements: any strides, 0 included.
// @ts-ignore: decorator
@inline function copyT<T>(start: i32, end: i32, desc: usize): void {
  const E = <i32>sizeof<T>();
  const L = word(desc, 1), segLen = word(desc, 2), segs = word(desc, 3);
  const sd = word(desc, 6), ss = word(desc, 8);
  for (let u = start; u < end; u++) {
    const row = u / segs, i0 = (u - row * segs) * segLen;
    const len = min<i32>(segLen, L - i0);
    const d = at(desc, 0, row, i0), s = at(desc, 1, row, i0);
    if (sd == E && ss == E) { memory.copy(d, s, <usize>(len * E)); continue; }
    if (ss == 0) { const v = load<T>(s); for (let i = 0; i < len; i++) store<T>(d + <usize>(i * sd), v); continue; }
    for (let i = 0; i < len; i++) store<T>(d + <usize>(i * sd), load<T>(s + <usize>(i * ss)));
  }
}

// Converting copy: operand 0 (type D) = operand 1 (type S) as a typed-array store would.
// @ts-ignore: decorator
@inline function castT<S, D>(start: i32, end: i32, desc: usize): void {
  const L = word(desc, 1), segLen = word(desc, 2), segs = word(desc, 3);
  const sd = word(desc, 6), ss = word(desc, 8);
  for (let u = start; u < end; u++) {
    const row = u / segs, i0 = (u - row * segs) * segLen;
    const len = min<i32>(segLen, L - i0);
    const d = at(desc, 0, row, i0), s = at(desc, 1, row, i0);
    for (let i = 0; i < len; i++) store<D>(d + <usize>(i * sd), toD<D>(<f64>load<S>(s + <usize>(i * ss))));
  }
}

// ToInt32/ToUint32 wrap of an f64 (JS typed-array store semantics).
// @ts-ignore: decorator
@inline function toD<D>(v: f64): D {
  if (isFloat<D>()) return <D>v;
  if (!isFinite<f64>(v)) return <D>0;
  v = trunc(v);
  v -= floor(v / 4294967296.0) * 4294967296.0;
  return <D><u32>v;
}

// where: out = cond != 0 ? x : y; operands 0 out, 1 cond (type C), 2 x, 3 y.
// @ts-ignore: decorator
@inline function whereT<C, T>(start: i32, end: i32, desc: usize): void {
  const L = word(desc, 1), segLen = word(desc, 2), segs = word(desc, 3);
  const so = word(desc, 6), sc = word(desc, 8), sx = word(desc, 10), sy = word(desc, 12);
  for (let u = start; u < end; u++) {
    const row = u / segs, i0 = (u - row * segs) * segLen;
    const len = min<i32>(segLen, L - i0);
    const o = at(desc, 0, row, i0), c = at(desc, 1, row, i0), x = at(desc, 2, row, i0), y = at(desc, 3, row, i0);
    for (let i = 0; i < len; i++) {
      const t = load<C>(c + <usize>(i * sc)) != <C>0;
      store<T>(o + <usize>(i * so), t ? load<T>(x + <usize>(i * sx)) : load<T>(y + <usize>(i * sy)));
    }
  }
}

type P = usize;

export function nd_binary_f64(s: i32, e: i32, d: P, op: i32, f: P, n: i32): void { binaryT<f64>(s, e, d, op, f, n); }
export function nd_binary_f32(s: i32, e: i32, d: P, op: i32, f: P, n: i32): void { binaryT<f32>(s, e, d, op, f, n); }
export function nd_binary_i32(s: i32, e: i32, d: P, op: i32, f: P, n: i32): void { binaryT<i32>(s, e, d, op, f, n); }
export function nd_binary_u32(s: i32, e: i32, d: P, op: i32, f: P, n: i32): void { binaryT<u32>(s, e, d, op, f, n); }
export function nd_binary_u8(s: i32, e: i32, d: P, op: i32, f: P, n: i32): void { binaryT<u8>(s, e, d, op, f, n); }

export function nd_unary_f64(s: i32, e: i32, d: P, op: i32, lo: f64, hi: f64, f: P, n: i32): void { unaryT<f64>(s, e, d, op, lo, hi, f, n); }
export function nd_unary_f32(s: i32, e: i32, d: P, op: i32, lo: f64, hi: f64, f: P, n: i32): void { unaryT<f32>(s, e, d, op, lo, hi, f, n); }
export function nd_unary_i32(s: i32, e: i32, d: P, op: i32, lo: f64, hi: f64, f: P, n: i32): void { unaryT<i32>(s, e, d, op, lo, hi, f, n); }
export function nd_unary_u32(s: i32, e: i32, d: P, op: i32, lo: f64, hi: f64, f: P, n: i32): void { unaryT<u32>(s, e, d, op, lo, hi, f, n); }
export function nd_unary_u8(s: i32, e: i32, d: P, op: i32, lo: f64, hi: f64, f: P, n: i32): void { unaryT<u8>(s, e, d, op, lo, hi, f, n); }

export function nd_copy_8(s: i32, e: i32, d: P): void { copyT<u64>(s, e, d); }
export function nd_copy_4(s: i32, e: i32, d: P): void { copyT<u32>(s, e, d); }
export function nd_copy_1(s: i32, e: i32, d: P): void { copyT<u8>(s, e, d); }

export function nd_cast_f64_f64(s: i32, e: i32, d: P): void { castT<f64, f64>(s, e, d); }
export function nd_cast_f64_f32(s: i32, e: i32, d: P): void { castT<f64, f32>(s, e, d); }
export function nd_cast_f64_i32(s: i32, e: i32, d: P): void { castT<f64, i32>(s, e, d); }
export function nd_cast_f64_u32(s: i32, e: i32, d: P): void { castT<f64, u32>(s, e, d); }
export function nd_cast_f64_u8(s: i32, e: i32, d: P): void { castT<f64, u8>(s, e, d); }
export function nd_cast_u32_u32(s: i32, e: i32, d: P): void { castT<u32, u32>(s, e, d); }

// where, by the condition's element type (f64, f32, 4-byte int, u8) and the value's size.
export function nd_where_f64_8(s: i32, e: i32, d: P): void { whereT<f64, u64>(s, e, d); }
export function nd_where_f64_4(s: i32, e: i32, d: P): void { whereT<f64, u32>(s, e, d); }
export function nd_where_f64_1(s: i32, e: i32, d: P): void { whereT<f64, u8>(s, e, d); }
export function nd_where_f32_8(s: i32, e: i32, d: P): void { whereT<f32, u64>(s, e, d); }
export function nd_where_f32_4(s: i32, e: i32, d: P): void { whereT<f32, u32>(s, e, d); }
export function nd_where_f32_1(s: i32, e: i32, d: P): void { whereT<f32, u8>(s, e, d); }
export function nd_where_i32_8(s: i32, e: i32, d: P): void { whereT<u32, u64>(s, e, d); }
export function nd_where_i32_4(s: i32, e: i32, d: P): void { whereT<u32, u32>(s, e, d); }
export function nd_where_i32_1(s: i32, e: i32, d: P): void { whereT<u32, u8>(s, e, d); }
export function nd_where_u8_8(s: i32, e: i32, d: P): void { whereT<u8, u64>(s, e, d); }
export function nd_where_u8_4(s: i32, e: i32, d: P): void { whereT<u8, u32>(s, e, d); }
export function nd_where_u8_1(s: i32, e: i32, d: P): void { whereT<u8, u8>(s, e, d); }

// Transpose-copy: the plan's last outer dim (length np) is the one the source
// walks with unit stride; the destination walks the inner dim (length L) with
// unit stride. A unit is a tile of tr rows × tc columns, with tr elements one
// cache line of the source: each source line is read once and used whole, while
// the tr destination rows are written as tr sequential streams. (Square tiles
// read and write short runs on both sides: slower here, see src/nd/ops/elementwise.ts.)
// @ts-ignore: decorator
@inline function tcopyT<T>(start: i32, end: i32, desc: usize, tr: i32, tc: i32): void {
  const SH = alignof<T>();
  const nd = word(desc, 0), L = word(desc, 1), nops = word(desc, 4);
  const np = word(desc, 5 + 2 * nops + nd - 1);
  const sd = word(desc, 6), ss = word(desc, 8);
  const sp = word(desc, 5 + 2 * nops + nd + nd + nd - 1);
  const colBlocks = (L + tc - 1) / tc, rowBlocks = (np + tr - 1) / tr;
  for (let u = start; u < end; u++) {
    const cb = u % colBlocks, t = u / colBlocks;
    const rb = t % rowBlocks, q = t / rowBlocks;
    const r0 = rb * tr, rows = min<i32>(tr, np - r0);
    const c0 = cb * tc, cols = min<i32>(tc, L - c0);
    const row0 = q * np + r0;
    const s0 = at(desc, 1, row0, c0), d0 = at(desc, 0, row0, c0);
    const dp = word(desc, 5 + 2 * nops + nd + nd - 1);
    if (sp == <i32>sizeof<T>() && sd == <i32>sizeof<T>() && rows == tr && tr == 8) {
      for (let c = 0; c < cols; c++) {
        const s = s0 + <usize>(c * ss), d = d0 + (<usize>c << SH);
        store<T>(d, load<T>(s));
        store<T>(d + <usize>dp, load<T>(s, 1 << SH));
        store<T>(d + <usize>(2 * dp), load<T>(s, 2 << SH));
        store<T>(d + <usize>(3 * dp), load<T>(s, 3 << SH));
        store<T>(d + <usize>(4 * dp), load<T>(s, 4 << SH));
        store<T>(d + <usize>(5 * dp), load<T>(s, 5 << SH));
        store<T>(d + <usize>(6 * dp), load<T>(s, 6 << SH));
        store<T>(d + <usize>(7 * dp), load<T>(s, 7 << SH));
      }
      continue;
    }
    for (let c = 0; c < cols; c++) {
      const s = s0 + <usize>(c * ss), d = d0 + <usize>(c * sd);
      for (let r = 0; r < rows; r++) store<T>(d + <usize>(r * dp), load<T>(s + <usize>(r * sp)));
    }
  }
}

export function nd_tcopy_8(s: i32, e: i32, d: P, tr: i32, tc: i32): void { tcopyT<u64>(s, e, d, tr, tc); }
export function nd_tcopy_4(s: i32, e: i32, d: P, tr: i32, tc: i32): void { tcopyT<u32>(s, e, d, tr, tc); }
export function nd_tcopy_1(s: i32, e: i32, d: P, tr: i32, tc: i32): void { tcopyT<u8>(s, e, d, tr, tc); }
