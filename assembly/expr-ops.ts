// Expression-VM loops that have no standalone kernel: comparisons (to u8 0/1),
// where, bitwise and/or/xor, remainder (numpy semantics), widening casts and
// prod. Each works on one block of n elements at element 0 of its operands.
// A constant operand is a 16-byte splat whose address mask is 0, so the same
// loop reads it without advancing (`p + (o & m)`). Vectors are loaded before
// they are stored, and an output never grows faster than an input it aliases
// (the emitter guarantees it), so dst may be one of the operands.
import { shiftOf } from './elementwise';

// Comparison ops (same codes as src/expr/opcodes.ts).
// @ts-ignore: decorator
@inline const LT = 11;
// @ts-ignore: decorator
@inline const LE = 12;
// @ts-ignore: decorator
@inline const GT = 13;
// @ts-ignore: decorator
@inline const GE = 14;
// @ts-ignore: decorator
@inline const EQ = 15;
// @ts-ignore: decorator
@inline const AND = 17;
// @ts-ignore: decorator
@inline const OR = 18;

@inline function cmpV<T>(op: i32, a: v128, b: v128): v128 {
  if (op == LT) return v128.lt<T>(a, b);
  if (op == LE) return v128.le<T>(a, b);
  if (op == GT) return v128.gt<T>(a, b);
  if (op == GE) return v128.ge<T>(a, b);
  if (op == EQ) return v128.eq<T>(a, b);
  return v128.ne<T>(a, b);
}

@inline function cmpS<T>(op: i32, a: T, b: T): bool {
  if (op == LT) return a < b;
  if (op == LE) return a <= b;
  if (op == GT) return a > b;
  if (op == GE) return a >= b;
  if (op == EQ) return a == b;
  return a != b;
}

// Four i32 lane masks from two i64 lane masks (lanes 0 and 2 of each).
@inline function halve(m0: v128, m1: v128): v128 {
  return i8x16.shuffle(m0, m1, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
}

// The masks of 16 consecutive elements packed into 16 bytes (0 or -1).
@inline function cmp16<T>(op: i32, a: usize, ma: usize, b: usize, mb: usize, o: usize): v128 {
  if (sizeof<T>() == 1) return cmpV<T>(op, v128.load(a + (o & ma)), v128.load(b + (o & mb)));
  if (sizeof<T>() == 4) {
    const m0 = cmpV<T>(op, v128.load(a + (o & ma)), v128.load(b + (o & mb)));
    const m1 = cmpV<T>(op, v128.load(a + ((o + 16) & ma)), v128.load(b + ((o + 16) & mb)));
    const m2 = cmpV<T>(op, v128.load(a + ((o + 32) & ma)), v128.load(b + ((o + 32) & mb)));
    const m3 = cmpV<T>(op, v128.load(a + ((o + 48) & ma)), v128.load(b + ((o + 48) & mb)));
    return i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
  }
  const q0 = halve(cmpV<T>(op, v128.load(a + (o & ma)), v128.load(b + (o & mb))),
    cmpV<T>(op, v128.load(a + ((o + 16) & ma)), v128.load(b + ((o + 16) & mb))));
  const q1 = halve(cmpV<T>(op, v128.load(a + ((o + 32) & ma)), v128.load(b + ((o + 32) & mb))),
    cmpV<T>(op, v128.load(a + ((o + 48) & ma)), v128.load(b + ((o + 48) & mb))));
  const q2 = halve(cmpV<T>(op, v128.load(a + ((o + 64) & ma)), v128.load(b + ((o + 64) & mb))),
    cmpV<T>(op, v128.load(a + ((o + 80) & ma)), v128.load(b + ((o + 80) & mb))));
  const q3 = halve(cmpV<T>(op, v128.load(a + ((o + 96) & ma)), v128.load(b + ((o + 96) & mb))),
    cmpV<T>(op, v128.load(a + ((o + 112) & ma)), v128.load(b + ((o + 112) & mb))));
  return i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3));
}

@inline function cmpT<T>(op: i32, n: i32, d: usize, a: usize, ma: usize, b: usize, mb: usize): void {
  const SH = shiftOf<T>();
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(d + <usize>i, v128.and(cmp16<T>(op, a, ma, b, mb, <usize>i << SH), one));
  }
  for (; i < n; i++) {
    const o = <usize>i << SH;
    store<u8>(d + <usize>i, cmpS<T>(op, load<T>(a + (o & ma)), load<T>(b + (o & mb))) ? 1 : 0);
  }
}

export function exprCompare(op: i32, dt: i32, n: i32, d: usize, a: usize, ma: usize, b: usize, mb: usize): void {
  switch (dt) {
    case 0: cmpT<f64>(op, n, d, a, ma, b, mb); break;
    case 1: cmpT<f32>(op, n, d, a, ma, b, mb); break;
    case 2: cmpT<i32>(op, n, d, a, ma, b, mb); break;
    case 3: cmpT<u32>(op, n, d, a, ma, b, mb); break;
    default: cmpT<u8>(op, n, d, a, ma, b, mb);
  }
}

// ---- where -------------------------------------------------------------------

// Lane masks (all ones where the condition byte is non-zero) for one vector of T.
@inline function condMask<T>(c: usize): v128 {
  if (sizeof<T>() == 1) return i8x16.ne(v128.load(c), i8x16.splat(0));
  if (sizeof<T>() == 4) {
    const w = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(c)));
    return i32x4.ne(w, i32x4.splat(0));
  }
  const w = i64x2.extend_low_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(c))));
  return i64x2.ne(w, i64x2.splat(0));
}

@inline function whereT<T>(n: i32, d: usize, c: usize, a: usize, ma: usize, b: usize, mb: usize): void {
  const SH = shiftOf<T>();
  const L = <i32>(16 / sizeof<T>());
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i << SH;
    v128.store(d + o, v128.bitselect(v128.load(a + (o & ma)), v128.load(b + (o & mb)), condMask<T>(c + <usize>i)));
  }
  for (; i < n; i++) {
    const o = <usize>i << SH;
    store<T>(d + o, load<u8>(c + <usize>i) != 0 ? load<T>(a + (o & ma)) : load<T>(b + (o & mb)));
  }
}

export function exprWhere(dt: i32, n: i32, d: usize, c: usize, a: usize, ma: usize, b: usize, mb: usize): void {
  switch (dt) {
    case 0: whereT<f64>(n, d, c, a, ma, b, mb); break;
    case 1: whereT<f32>(n, d, c, a, ma, b, mb); break;
    case 2: whereT<i32>(n, d, c, a, ma, b, mb); break;
    case 3: whereT<u32>(n, d, c, a, ma, b, mb); break;
    default: whereT<u8>(n, d, c, a, ma, b, mb);
  }
}

// ---- bitwise (booleans are u8 0/1; integers bit by bit) -------------------------

@inline function logicT(op: i32, bytes: i32, d: usize, a: usize, ma: usize, b: usize, mb: usize): void {
  let o: usize = 0;
  const end = <usize>bytes;
  for (; o + 16 <= end; o += 16) {
    const x = v128.load(a + (o & ma)), y = v128.load(b + (o & mb));
    v128.store(d + o, op == AND ? v128.and(x, y) : op == OR ? v128.or(x, y) : v128.xor(x, y));
  }
  // The tail goes byte by byte: a constant (mask 0) is read at its byte o mod 16
  // (the splat repeats every element), not at byte 0, which for an i32/u32 would
  // be its low byte copied into every byte.
  const ta = ma | 15, tb = mb | 15;
  for (; o < end; o++) {
    const x = load<u8>(a + (o & ta)), y = load<u8>(b + (o & tb));
    store<u8>(d + o, op == AND ? x & y : op == OR ? x | y : x ^ y);
  }
}

export function exprLogic(op: i32, dt: i32, n: i32, d: usize, a: usize, ma: usize, b: usize, mb: usize): void {
  const bytes = dt == 4 ? n : n << 2;
  if (op == AND) logicT(AND, bytes, d, a, ma, b, mb);
  else if (op == OR) logicT(OR, bytes, d, a, ma, b, mb);
  else logicT(0, bytes, d, a, ma, b, mb);
}

// ---- remainder (numpy: the sign of the divisor; x % 0 is 0 for integers) --------

@inline function modF<T>(a: T, b: T): T {
  let m = a % b; // fmod: exact
  if (b == 0) return m; // NaN
  if (m != 0) {
    if ((b < 0) != (m < 0)) m += b;
  } else {
    m = <T>(b < 0 ? -0.0 : 0.0);
  }
  return m;
}

@inline function modI<T>(a: T, b: T): T {
  if (b == 0) return <T>0;
  let m = a % b; // rem_s of MIN % -1 is 0 (no trap)
  if (isSigned<T>() && m != 0 && (m ^ b) < 0) m += b;
  return m;
}

@inline function modT<T>(n: i32, d: usize, a: usize, ma: usize, b: usize, mb: usize): void {
  const SH = shiftOf<T>();
  for (let i = 0; i < n; i++) {
    const o = <usize>i << SH;
    const x = load<T>(a + (o & ma)), y = load<T>(b + (o & mb));
    store<T>(d + o, isFloat<T>() ? modF<T>(x, y) : modI<T>(x, y));
  }
}

export function exprMod(dt: i32, n: i32, d: usize, a: usize, ma: usize, b: usize, mb: usize): void {
  switch (dt) {
    case 0: modT<f64>(n, d, a, ma, b, mb); break;
    case 1: modT<f32>(n, d, a, ma, b, mb); break;
    case 2: modT<i32>(n, d, a, ma, b, mb); break;
    case 3: modT<u32>(n, d, a, ma, b, mb); break;
    default: modT<u8>(n, d, a, ma, b, mb);
  }
}

// ---- widening casts (numpy promotion only ever widens) --------------------------

@inline function castT<S, D>(n: i32, d: usize, a: usize): void {
  const SS = shiftOf<S>(), SD = shiftOf<D>();
  for (let i = 0; i < n; i++) store<D>(d + (<usize>i << SD), <D>load<S>(a + (<usize>i << SS)));
}

// f64 <- f32/i32/u32, two lanes per vector (the common case: mixed f64 expressions).
@inline function toF64<S>(n: i32, d: usize, a: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const v = v128.load64_zero(a + (<usize>i << 2));
    const w = isFloat<S>() ? f64x2.promote_low_f32x4(v) : isSigned<S>() ? f64x2.convert_low_i32x4_s(v) : f64x2.convert_low_i32x4_u(v);
    v128.store(d + (<usize>i << 3), w);
  }
  for (; i < n; i++) store<f64>(d + (<usize>i << 3), <f64>load<S>(a + (<usize>i << 2)));
}

/** Cast n elements of dtype `from` at a to dtype `to` at d. */
export function exprCast(to: i32, from: i32, n: i32, d: usize, a: usize): void {
  if (to == 0) {
    if (from == 1) toF64<f32>(n, d, a);
    else if (from == 2) toF64<i32>(n, d, a);
    else if (from == 3) toF64<u32>(n, d, a);
    else castT<u8, f64>(n, d, a);
  } else if (to == 1) {
    if (from == 4) castT<u8, f32>(n, d, a);
    else if (from == 2) castT<i32, f32>(n, d, a);
    else castT<u32, f32>(n, d, a);
  } else if (to == 2) {
    castT<u8, i32>(n, d, a);
  } else if (to == 3) {
    castT<u8, u32>(n, d, a);
  }
}

// ---- prod (sequential in f64, one fixed order) ----------------------------------

@inline function prodT<T>(n: i32, a: usize): f64 {
  const SH = shiftOf<T>();
  let p: f64 = 1;
  for (let i = 0; i < n; i++) p *= <f64>load<T>(a + (<usize>i << SH));
  return p;
}

export function exprProd(dt: i32, n: i32, a: usize): f64 {
  switch (dt) {
    case 0: return prodT<f64>(n, a);
    case 1: return prodT<f32>(n, a);
    case 2: return prodT<i32>(n, a);
    case 3: return prodT<u32>(n, a);
    default: return prodT<u8>(n, a);
  }
}
