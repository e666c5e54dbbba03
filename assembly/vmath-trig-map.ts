// The map loop of sin and cos (vmath-trig.ts has the functions): both lane
// types, one generic loop that picks, step by step, the cheapest path giving a
// lane the bits the full path gives.

import { sp } from './vmath';
import {
  cosKernel, cosKernelF, cosSlow, cosSlowF, kOf, kOfF, rareLanes, rareLanesF, sincos, sincosF,
  sincosFast, sincosFastF, sinKernel, sinKernelF, sinSlow, sinSlowF, spf,
} from './vmath-trig';

/** L's fast path (f64: 2 lanes, f32: 4), with sincosFast's kernel argument. */
@inline function fastOf<L>(x: v128, offset: f64, kernel: i32): v128 {
  return sizeof<L>() == 8 ? sincosFast(x, offset, kernel) : sincosFastF(x, <f32>offset, kernel);
}
@inline function rareOfL<L>(x: v128, offset: f64): v128 {
  return sizeof<L>() == 8 ? rareLanes(x, offset) : rareLanesF(x, <f32>offset);
}
@inline function slowOf<L>(x: v128, offset: f64): v128 {
  if (sizeof<L>() == 8) return offset != 0 ? cosSlow(x) : sinSlow(x);
  return offset != 0 ? cosSlowF(x) : sinSlowF(x);
}
@inline function anyRareOf<L>(a: v128, b: v128, offset: f64): bool {
  return v128.any_true(v128.or(rareOfL<L>(a, offset), rareOfL<L>(b, offset)));
}
/** Quadrant parity of a and b's lanes: 0 when every lane's is even, ALL_ODD<L>() when every lane's is odd. */
@inline function oddLanesOf<L>(a: v128, b: v128, offset: f64): i32 {
  if (sizeof<L>() == 8) return i64x2.bitmask(i64x2.shl(kOf(a, offset), 63)) | (i64x2.bitmask(i64x2.shl(kOf(b, offset), 63)) << 2);
  return i32x4.bitmask(i32x4.shl(kOfF(a, <f32>offset), 31)) | (i32x4.bitmask(i32x4.shl(kOfF(b, <f32>offset), 31)) << 4);
}
/**
 * Every lane of a and b within ±0.78 (< π/4): n = 0, so the reduction gives y0 = x,
 * y1 = +0 exactly, the lane is never rare and its quadrant is offset (sin: 0, cos: 1,
 * no sign flip). Such steps skip the reduction, as every libm does below π/4 —
 * with the bits the reduction would give.
 */
@inline function smallLanes<L>(a: v128, b: v128): bool {
  if (sizeof<L>() == 8) return i64x2.all_true(v128.and(f64x2.le(f64x2.abs(a), sp(0.78)), f64x2.le(f64x2.abs(b), sp(0.78))));
  return i32x4.all_true(v128.and(f32x4.le(f32x4.abs(a), spf(<f32>0.78)), f32x4.le(f32x4.abs(b), spf(<f32>0.78))));
}
/**
 * The step's first lane within ±0.78: the uniform loop of the small lanes' parity
 * (sin: even, cos: odd) hands small runs back to the small loop.
 */
@inline function firstSmall<L>(x: usize): bool {
  return sizeof<L>() == 8 ? Math.abs(load<f64>(x)) <= 0.78 : Mathf.abs(load<f32>(x)) <= <f32>0.78;
}
@inline function smallOf<L>(x: v128, offset: f64): v128 {
  if (sizeof<L>() == 8) return offset != 0 ? cosKernel(x, i64x2.splat(0)) : sinKernel(x, i64x2.splat(0));
  return offset != 0 ? cosKernelF(x, i32x4.splat(0)) : sinKernelF(x, i32x4.splat(0));
}
@inline function allOdd<L>(): i32 { return sizeof<L>() == 8 ? 15 : 255; }

/**
 * sincosMap's loop over the steps from i whose lanes all have an even (kernel 0)
 * or all an odd (1) quadrant, and no rare lane; returns where it stopped.
 */
@inline function oneKernelRun<L>(i: i32, end: i32, x: usize, out: usize, offset: f64, kernel: i32): i32 {
  const step = 32 / <i32>sizeof<L>();
  const shift = sizeof<L>() == 8 ? 3 : 2;
  // Small lanes have n = 0, so the quadrant parity of offset: that loop hands them back.
  const smallParity = (offset != 0) == (kernel != 0);
  for (; i + step <= end; i += step) {
    const p = <usize>i << shift;
    const a = v128.load(x + p), b = v128.load(x + p, 16);
    if ((smallParity && firstSmall<L>(x + p)) || oddLanesOf<L>(a, b, offset) != (kernel != 0 ? allOdd<L>() : 0)) break;
    const ra = fastOf<L>(a, offset, kernel), rb = fastOf<L>(b, offset, kernel);
    if (anyRareOf<L>(a, b, offset)) break;
    v128.store(out + p, ra); v128.store(out + p, rb, 16);
  }
  return i;
}

/**
 * map('sin' | 'cos') over [start, end) of L (f64 or f32), 2 vectors per step.
 * Steps whose lanes are all within ±0.78 skip the reduction (1.7x); smooth data
 * (ramps, signals) keeps neighbours in one quadrant parity: such steps run one
 * kernel instead of both (1.4x). Each case has its own loop, so that each loop
 * keeps its constants in registers (one loop with three branches was slower
 * than both kernels everywhere). A step with a rare lane leaves for
 * the slow path: no call inside a hot loop. Tails take the same code on a
 * splatted lane. Every path gives a lane the same bits.
 */
@inline export function sincosMap<L>(start: i32, end: i32, x: usize, out: usize, offset: f64): void {
  const step = 32 / <i32>sizeof<L>();
  const shift = sizeof<L>() == 8 ? 3 : 2;
  let i = start;
  while (i + step <= end) {
    for (; i + step <= end; i += step) {
      const p = <usize>i << shift;
      const a = v128.load(x + p), b = v128.load(x + p, 16);
      if (!smallLanes<L>(a, b)) break;
      v128.store(out + p, smallOf<L>(a, offset)); v128.store(out + p, smallOf<L>(b, offset), 16);
    }
    i = oneKernelRun<L>(i, end, x, out, offset, 0);
    i = oneKernelRun<L>(i, end, x, out, offset, 1);
    for (; i + step <= end; i += step) {
      const p = <usize>i << shift;
      const a = v128.load(x + p), b = v128.load(x + p, 16);
      const ra = fastOf<L>(a, offset, 2), rb = fastOf<L>(b, offset, 2);
      if (anyRareOf<L>(a, b, offset)) break;
      v128.store(out + p, ra); v128.store(out + p, rb, 16);
      const odd = oddLanesOf<L>(a, b, offset);
      if (odd == 0 || odd == allOdd<L>()) { i += step; break; }
    }
    // The loops above stop before a step with a rare lane, or at a change of parity.
    if (i + step <= end) {
      const p = <usize>i << shift;
      const a = v128.load(x + p), b = v128.load(x + p, 16);
      if (anyRareOf<L>(a, b, offset)) {
        v128.store(out + p, slowOf<L>(a, offset)); v128.store(out + p, slowOf<L>(b, offset), 16);
        i += step;
      }
    }
  }
  for (; i < end; i++) {
    const p = <usize>i << shift;
    if (sizeof<L>() == 8) store<f64>(out + p, f64x2.extract_lane(sincos(f64x2.splat(load<f64>(x + p)), offset), 0));
    else store<f32>(out + p, f32x4.extract_lane(sincosF(f32x4.splat(load<f32>(x + p)), <f32>offset), 0));
  }
}

