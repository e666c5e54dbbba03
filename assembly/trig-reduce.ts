// Payne–Hanek argument reduction for sin/cos of |x| past the Cody–Waite range
// (vmath-trig.ts handles |x·2/π| <= 2^27 exactly; this takes the rest, up to the
// largest double). x = M·2^s with M a 53-bit integer; x·2/π mod 4 needs only
// the bits of 2/π from 2^-(s-1) down: the earlier ones add multiples of 4. A
// 192-bit window of them times M gives 2 quadrant bits and 126 fraction bits.
// The closest a double comes to a multiple of π/2 leaves ~61 leading zero
// fraction bits (Kahan–McDonald), so 65 significant bits remain, and the
// window's truncation error (< 2^53 · 2^-190 of a quadrant) is far below them.
// The bits of 2/π come from a switch, not an array: the module must have no
// data segment (one would be re-applied over live arrays at instantiation).

/** Bits b(32i+1) .. b(32i+32) of 2/π = 0.b1 b2 b3 ... (binary), b(32i+1) the most significant. */
function twoOverPiWord(i: i32): u64 {
  switch (i) {
    case 0: return 0xa2f9836e;
    case 1: return 0x4e441529;
    case 2: return 0xfc2757d1;
    case 3: return 0xf534ddc0;
    case 4: return 0xdb629599;
    case 5: return 0x3c439041;
    case 6: return 0xfe5163ab;
    case 7: return 0xdebbc561;
    case 8: return 0xb7246e3a;
    case 9: return 0x424dd2e0;
    case 10: return 0x6492eea;
    case 11: return 0x9d1921c;
    case 12: return 0xfe1deb1c;
    case 13: return 0xb129a73e;
    case 14: return 0xe88235f5;
    case 15: return 0x2ebb4484;
    case 16: return 0xe99c7026;
    case 17: return 0xb45f7e41;
    case 18: return 0x3991d639;
    case 19: return 0x835339f4;
    case 20: return 0x9c845f8b;
    case 21: return 0xbdf9283b;
    case 22: return 0x1ff897ff;
    case 23: return 0xde05980f;
    case 24: return 0xef2f118b;
    case 25: return 0x5a0a6d1f;
    case 26: return 0x6d367ecf;
    case 27: return 0x27cb09b7;
    case 28: return 0x4f463f66;
    case 29: return 0x9e5fea2d;
    case 30: return 0x7527bac7;
    case 31: return 0xebe5f17b;
    case 32: return 0x3d0739f7;
    case 33: return 0x8a5292ea;
    case 34: return 0x6bfb5fb1;
    case 35: return 0x1f8d5d08;
    case 36: return 0x56033046;
    case 37: return 0xfc7b6bab;
    default: return 0;
  }
}

/** The 32 bits b(p) .. b(p+31) of 2/π, b(p) the most significant; b(j) = 0 for j < 1. */
@inline function twoOverPiBits(p: i32): u64 {
  if (p < 1) return p + 31 < 1 ? 0 : twoOverPiWord(0) >> <u64>(1 - p);
  const i = (p - 1) >> 5, sh = <u64>((p - 1) & 31);
  if (sh == 0) return twoOverPiWord(i);
  return ((twoOverPiWord(i) << sh) | (twoOverPiWord(i + 1) >> (32 - sh))) & 0xffffffff;
}

/**
 * For finite |x| >= 2^27 (pass ax = |x|), x·2/π mod 4 as a fixed-point number with
 * 2 integer bits: lane 0 holds bits 2^1 .. 2^-62, lane 1 bits 2^-63 .. 2^-126 (u64
 * each). reducedLarge and quadrantLarge read the argument and quadrant off it.
 */
export function reduceBits(ax: f64): v128 {
  const bits = reinterpret<u64>(ax);
  const s = <i32>((bits >> 52) & 0x7ff) - 1075;
  const M = (bits & 0xfffffffffffff) | 0x10000000000000;
  const m0 = M & 0xffffffff, m1 = M >> 32;
  // W = bits j0 .. j0+191 of 2/π, j0 = s - 1, as six 32-bit limbs (w5 the most significant).
  const j0 = s - 1;
  const w5 = twoOverPiBits(j0), w4 = twoOverPiBits(j0 + 32), w3 = twoOverPiBits(j0 + 64);
  const w2 = twoOverPiBits(j0 + 96), w1 = twoOverPiBits(j0 + 128), w0 = twoOverPiBits(j0 + 160);
  // P = M·W, limb by limb: each sum has at most five terms below 2^32, so no u64 overflows.
  const a0 = m0 * w0, a1 = m0 * w1, a2 = m0 * w2, a3 = m0 * w3, a4 = m0 * w4, a5 = m0 * w5;
  const b0 = m1 * w0, b1 = m1 * w1, b2 = m1 * w2, b3 = m1 * w3, b4 = m1 * w4;
  const LO: u64 = 0xffffffff;
  // Limb 0 is a0's low half; only its carry-free high half reaches limb 1.
  let t = (a0 >> 32) + (a1 & LO) + (b0 & LO);
  t = (t >> 32) + (a2 & LO) + (a1 >> 32) + (b1 & LO) + (b0 >> 32);
  const L2 = t & LO;
  t = (t >> 32) + (a3 & LO) + (a2 >> 32) + (b2 & LO) + (b1 >> 32);
  const L3 = t & LO;
  t = (t >> 32) + (a4 & LO) + (a3 >> 32) + (b3 & LO) + (b2 >> 32);
  const L4 = t & LO;
  t = (t >> 32) + (a5 & LO) + (a4 >> 32) + (b4 & LO) + (b3 >> 32);
  const L5 = t & LO;
  // x·2/π ≡ P·2^-190 (mod 4): P's bit 191 weighs 2^1, bit 128 2^-62, bit 64 2^-126;
  // bits from 192 up weigh multiples of 4 and drop out.
  return i64x2.replace_lane(i64x2.splat(<i64>(L4 | (L5 << 32))), 1, <i64>(L2 | (L3 << 32)));
}

/** Exact product a·b = hi + lo (Dekker; wasm has no fused multiply-add). */
@inline function twoProdLo(a: f64, b: f64, p: f64): f64 {
  const ca = a * 134217729.0, ah = ca - (ca - a), al = a - ah;
  const cb = b * 134217729.0, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * Reduced argument of x from w = reduceBits(|x|): lanes (y0, y1), y0 + y1 = x - q·π/2
 * in [-π/4, π/4] to ~2^-100 relative; quadrantLarge gives q mod 4.
 */
@inline export function reducedLarge(w: v128, x: f64): v128 {
  // Round to the nearest quadrant: add half a quadrant, keep the fraction signed.
  const h = <u64>i64x2.extract_lane(w, 0) + 0x2000000000000000;
  const fracHi = <i64>(h & 0x3fffffffffffffff) - 0x2000000000000000;
  const fracLo = <u64>i64x2.extract_lane(w, 1);
  // fraction = (fracHi + fracLo·2^-64)·2^-62 quadrants, as a double-double.
  const d1 = <f64>fracHi;
  const tail = <f64>(fracHi - <i64>d1) + <f64>(fracLo >> 11) * 1.1102230246251565e-16;
  const fh = d1 + tail;
  const fl = tail - (fh - d1);
  const sc = 2.168404344971009e-19; // 2^-62
  const gh = fh * sc, gl = fl * sc;
  // Times π/2 (as pio2hi + pio2lo).
  const pio2hi = 1.5707963267948966, pio2lo = 6.123233995736766e-17;
  const ph = gh * pio2hi;
  const pl = twoProdLo(gh, pio2hi, ph) + (gh * pio2lo + gl * pio2hi);
  let y0 = ph + pl;
  let y1 = pl - (y0 - ph);
  if (x < 0) { y0 = -y0; y1 = -y1; }
  return f64x2.replace_lane(f64x2.splat(y0), 1, y1);
}

/** q mod 4 (0..3), from w = reduceBits(|x|). */
@inline export function quadrantLarge(w: v128, x: f64): f64 {
  const h = <u64>i64x2.extract_lane(w, 0) + 0x2000000000000000;
  const q = <f64>(h >> 62);
  return x < 0 ? (4.0 - q) % 4.0 : q;
}
