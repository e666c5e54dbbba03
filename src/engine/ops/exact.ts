/**
 * Exact integer arithmetic for reductions whose results pass 2^53: sums of
 * integer-valued partials and quotients, each rounded once (to nearest, ties to
 * even) instead of once per step. The common case stays in plain numbers.
 */
import type { Partials } from '../op.js';

const SAFE = 2 ** 53;

/** Σ partials (each an exact integer) as a BigInt. */
export function bigSum(p: Partials, scale = 1n, from = 0, step = 1): bigint {
  let t = 0n;
  for (let i = from; i < p.length; i += step) t += BigInt(p[i]!);
  return t * scale;
}

/** Σ partials (each an exact integer), rounded once: plain adds while every running sum is exact. */
export function exactSum(p: Partials): number {
  let t = 0;
  for (let i = 0; i < p.length; i++) {
    t += p[i]!;
    if (!(Math.abs(t) < SAFE)) return Number(bigSum(p));
  }
  return t;
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * num / den rounded once, for den > 0: a quotient of at least 66 bits with a
 * sticky bit for a nonzero remainder, which Number() rounds to nearest-even
 * exactly as the infinitely precise quotient would round.
 */
export function divRounded(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const neg = num < 0n;
  const a = neg ? -num : num;
  const shift = Math.max(0, 66 - (bitLength(a) - bitLength(den)));
  const scaled = a << BigInt(shift);
  let q = scaled / den;
  if (scaled % den !== 0n) q |= 1n;
  const r = Number(q) * 2 ** -shift; // exact: a power of two, the result far from the subnormal range
  return neg ? -r : r;
}
