// Lane helpers shared by kernel families. Not re-exported from index.ts: an
// exported function taking v128 would become a (useless) wasm export.

/** u8 lanes multiplied mod 256: wasm has no i8x16.mul, so multiply in u16 and keep low bytes. */
@inline export function mulU8(a: v128, b: v128): v128 {
  return i8x16.shuffle(i16x8.extmul_low_i8x16_u(a, b), i16x8.extmul_high_i8x16_u(a, b),
    0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}
