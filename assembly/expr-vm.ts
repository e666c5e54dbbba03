// The expression VM (issue 12): expr_run(start, end, frame) runs a register
// program, written by src/expr/ into `frame` on the shared heap, over
// [start, end) in blocks of at most BLOCK elements. Temporaries are
// block-sized registers in a per-thread slot of the frame, so an expression
// never allocates full-size temporaries. Each instruction calls the same
// kernel code the standalone ops run (add_f64, sin_f64, pows_f32, ...), so a
// fused expression gives the bits separate wasmpar ops would give.
//
// Frame layout (byte offsets; src/expr/frame.ts writes it):
//   0 nInstr  4 nSlots  8 slotBytes  12 slotBase  16 block  20 reduce kind
//   24 reduce register  28 reduce dtype  32 instr address  36 register address
//   40 fused dot (sum of a final f64 multiply)  44 out shares no byte with an operand (src/expr/fused.ts)
//   64.. one i32 claim flag per slot, 64 bytes apart
// Register (16 bytes): kind, log2(element size), address, 0.
//   ARRAY: address of element 0; CONST: a 16-byte splat; TEMP: offset in a slot;
//   STRIDED: a gather descriptor (expr-gather.ts), read only by GATHER.
// A slot ends with 128 bytes of gather index scratch.
// Instruction (32 bytes): op, dtype, dst, a, b, c, 0, 0.
import {
  add_f64, add_f32, add_i32, add_u32, add_u8, adds_f64, adds_f32, adds_i32, adds_u32, adds_u8,
  subtract_f64, subtract_f32, subtract_i32, subtract_u32, subtract_u8,
  subtracts_f64, subtracts_f32, subtracts_i32, subtracts_u32, subtracts_u8,
  multiply_f64, multiply_f32, multiply_i32, multiply_u32, multiply_u8,
  multiplys_f64, multiplys_f32, multiplys_i32, multiplys_u32, multiplys_u8,
  divide_f64, divide_f32, divides_f64, divides_f32,
  maximum_f64, maximum_f32, maximum_i32, maximum_u32, maximum_u8,
  maximums_f64, maximums_f32, maximums_i32, maximums_u32, maximums_u8,
  minimum_f64, minimum_f32, minimum_i32, minimum_u32, minimum_u8,
  minimums_f64, minimums_f32, minimums_i32, minimums_u32, minimums_u8,
  fill_f64, fill_f32, fill_i32, fill_u32, fill_u8, copy_f64, copy_f32, copy_i32, copy_u32, copy_u8,
} from './elementwise';
import { pow_f64, pow_f32, pow_i32, pow_u32, pow_u8, pows_f64, pows_f32, pows_i32, pows_u32, pows_u8 } from './pow';
import { sum_f64, sum_f32, sum_i32, sum_u32, sum_u8, dot_f64 } from './reduce';
import { min_f64, min_f32, min_i32, min_u32, min_u8, max_f64, max_f32, max_i32, max_u32, max_u8 } from './reduce-extremes';
import { exprMap } from './expr-map';
import { exprGather } from './expr-gather';
import { exprCompare, exprWhere, exprLogic, exprMod, exprCast, exprProd } from './expr-ops';

// @ts-ignore: decorator
@inline const CONST = 1;
// @ts-ignore: decorator
@inline const TEMP = 2;

// Opcodes (src/expr/opcodes.ts has the same numbers).
// @ts-ignore: decorator
@inline const COPY = 0;
// @ts-ignore: decorator
@inline const FILL = 1;
// @ts-ignore: decorator
@inline const CAST = 2;
// @ts-ignore: decorator
@inline const ADD = 3;
// @ts-ignore: decorator
@inline const SUB = 4;
// @ts-ignore: decorator
@inline const MUL = 5;
// @ts-ignore: decorator
@inline const DIV = 6;
// @ts-ignore: decorator
@inline const MAX = 7;
// @ts-ignore: decorator
@inline const MIN = 8;
// @ts-ignore: decorator
@inline const POW = 9;
// @ts-ignore: decorator
@inline const MOD = 10;
// @ts-ignore: decorator
@inline const NE = 16;
// @ts-ignore: decorator
@inline const XOR = 19;
// @ts-ignore: decorator
@inline const WHERE = 20;
// @ts-ignore: decorator
@inline const GATHER = 34;

// Reductions (header word 20).
// @ts-ignore: decorator
@inline const R_SUM = 1;
// @ts-ignore: decorator
@inline const R_PROD = 2;
// @ts-ignore: decorator
@inline const R_MIN = 3;
// @ts-ignore: decorator
@inline const R_MAX = 4;

@inline function regAddr(frame: usize, reg: i32): usize { return <usize>load<u32>(frame, 36) + (<usize>reg << 4); }

// Address of a register's first element for the block starting at i0.
@inline function ptrOf(frame: usize, slot: usize, reg: i32, i0: i32): usize {
  const r = regAddr(frame, reg);
  const kind = load<i32>(r);
  const addr = <usize>load<u32>(r, 8);
  if (kind == TEMP) return slot + addr;
  if (kind == CONST) return addr;
  return addr + (<usize>i0 << <usize>load<u32>(r, 4));
}

@inline function maskOf(frame: usize, reg: i32): usize { return load<i32>(regAddr(frame, reg)) == CONST ? 0 : <usize>-1; }
@inline function isConst(frame: usize, reg: i32): bool { return load<i32>(regAddr(frame, reg)) == CONST; }

// A constant's value, read in its dtype and widened exactly to f64 (the kernels' scalar argument).
@inline function scalarOf(dt: i32, p: usize): f64 {
  switch (dt) {
    case 0: return load<f64>(p);
    case 1: return <f64>load<f32>(p);
    case 2: return <f64>load<i32>(p);
    case 3: return <f64>load<u32>(p);
    default: return <f64>load<u8>(p);
  }
}

// Binary ops that have standalone kernels. `a` is never a constant (the emitter
// swaps commutative operands and fills a register for the others).
function arith(op: i32, dt: i32, n: i32, d: usize, a: usize, b: usize, bConst: bool): void {
  if (bConst) {
    const s = scalarOf(dt, b);
    if (op == ADD) { if (dt == 0) adds_f64(0, n, a, s, d); else if (dt == 1) adds_f32(0, n, a, s, d); else if (dt == 2) adds_i32(0, n, a, s, d); else if (dt == 3) adds_u32(0, n, a, s, d); else adds_u8(0, n, a, s, d); }
    else if (op == SUB) { if (dt == 0) subtracts_f64(0, n, a, s, d); else if (dt == 1) subtracts_f32(0, n, a, s, d); else if (dt == 2) subtracts_i32(0, n, a, s, d); else if (dt == 3) subtracts_u32(0, n, a, s, d); else subtracts_u8(0, n, a, s, d); }
    else if (op == MUL) { if (dt == 0) multiplys_f64(0, n, a, s, d); else if (dt == 1) multiplys_f32(0, n, a, s, d); else if (dt == 2) multiplys_i32(0, n, a, s, d); else if (dt == 3) multiplys_u32(0, n, a, s, d); else multiplys_u8(0, n, a, s, d); }
    else if (op == DIV) { if (dt == 0) divides_f64(0, n, a, s, d); else divides_f32(0, n, a, s, d); }
    else if (op == MAX) { if (dt == 0) maximums_f64(0, n, a, s, d); else if (dt == 1) maximums_f32(0, n, a, s, d); else if (dt == 2) maximums_i32(0, n, a, s, d); else if (dt == 3) maximums_u32(0, n, a, s, d); else maximums_u8(0, n, a, s, d); }
    else if (op == MIN) { if (dt == 0) minimums_f64(0, n, a, s, d); else if (dt == 1) minimums_f32(0, n, a, s, d); else if (dt == 2) minimums_i32(0, n, a, s, d); else if (dt == 3) minimums_u32(0, n, a, s, d); else minimums_u8(0, n, a, s, d); }
    else { if (dt == 0) pows_f64(0, n, a, s, d); else if (dt == 1) pows_f32(0, n, a, s, d); else if (dt == 2) pows_i32(0, n, a, s, d); else if (dt == 3) pows_u32(0, n, a, s, d); else pows_u8(0, n, a, s, d); }
    return;
  }
  if (op == ADD) { if (dt == 0) add_f64(0, n, a, b, d); else if (dt == 1) add_f32(0, n, a, b, d); else if (dt == 2) add_i32(0, n, a, b, d); else if (dt == 3) add_u32(0, n, a, b, d); else add_u8(0, n, a, b, d); }
  else if (op == SUB) { if (dt == 0) subtract_f64(0, n, a, b, d); else if (dt == 1) subtract_f32(0, n, a, b, d); else if (dt == 2) subtract_i32(0, n, a, b, d); else if (dt == 3) subtract_u32(0, n, a, b, d); else subtract_u8(0, n, a, b, d); }
  else if (op == MUL) { if (dt == 0) multiply_f64(0, n, a, b, d); else if (dt == 1) multiply_f32(0, n, a, b, d); else if (dt == 2) multiply_i32(0, n, a, b, d); else if (dt == 3) multiply_u32(0, n, a, b, d); else multiply_u8(0, n, a, b, d); }
  else if (op == DIV) { if (dt == 0) divide_f64(0, n, a, b, d); else divide_f32(0, n, a, b, d); }
  else if (op == MAX) { if (dt == 0) maximum_f64(0, n, a, b, d); else if (dt == 1) maximum_f32(0, n, a, b, d); else if (dt == 2) maximum_i32(0, n, a, b, d); else if (dt == 3) maximum_u32(0, n, a, b, d); else maximum_u8(0, n, a, b, d); }
  else if (op == MIN) { if (dt == 0) minimum_f64(0, n, a, b, d); else if (dt == 1) minimum_f32(0, n, a, b, d); else if (dt == 2) minimum_i32(0, n, a, b, d); else if (dt == 3) minimum_u32(0, n, a, b, d); else minimum_u8(0, n, a, b, d); }
  else { if (dt == 0) pow_f64(0, n, a, b, d); else if (dt == 1) pow_f32(0, n, a, b, d); else if (dt == 2) pow_i32(0, n, a, b, d); else if (dt == 3) pow_u32(0, n, a, b, d); else pow_u8(0, n, a, b, d); }
}

function fillOrCopy(op: i32, dt: i32, n: i32, d: usize, a: usize): void {
  if (op == FILL) {
    const s = scalarOf(dt, a);
    if (dt == 0) fill_f64(0, n, d, s); else if (dt == 1) fill_f32(0, n, d, s); else if (dt == 2) fill_i32(0, n, d, s); else if (dt == 3) fill_u32(0, n, d, s); else fill_u8(0, n, d, s);
  } else {
    if (dt == 0) copy_f64(0, n, a, d); else if (dt == 1) copy_f32(0, n, a, d); else if (dt == 2) copy_i32(0, n, a, d); else if (dt == 3) copy_u32(0, n, a, d); else copy_u8(0, n, a, d);
  }
}

// Run the first `count` instructions over the block [i0, i0 + n).
function runBlock(frame: usize, slot: usize, i0: i32, n: i32, count: i32): void {
  let ins = <usize>load<u32>(frame, 32);
  for (let k = 0; k < count; k++, ins += 32) {
    const op = load<i32>(ins), dt = load<i32>(ins, 4);
    const ra = load<i32>(ins, 12), rb = load<i32>(ins, 16), rc = load<i32>(ins, 20);
    const d = ptrOf(frame, slot, load<i32>(ins, 8), i0);
    const a = ptrOf(frame, slot, ra, i0);
    if (op <= CAST) {
      if (op == CAST) exprCast(dt, rc, n, d, a);
      else fillOrCopy(op, dt, n, d, a);
    } else if (op <= POW) {
      arith(op, dt, n, d, a, ptrOf(frame, slot, rb, i0), isConst(frame, rb));
    } else if (op == MOD) {
      exprMod(dt, n, d, a, maskOf(frame, ra), ptrOf(frame, slot, rb, i0), maskOf(frame, rb));
    } else if (op <= NE) {
      exprCompare(op, dt, n, d, a, maskOf(frame, ra), ptrOf(frame, slot, rb, i0), maskOf(frame, rb));
    } else if (op <= XOR) {
      exprLogic(op, dt, n, d, a, maskOf(frame, ra), ptrOf(frame, slot, rb, i0), maskOf(frame, rb));
    } else if (op == GATHER) {
      // a: a STRIDED register, whose address is its descriptor; per-thread index scratch ends the slot.
      exprGather(n, d, <usize>load<u32>(regAddr(frame, ra), 8), i0, slot + <usize>load<u32>(frame, 8) - 128);
    } else if (op == WHERE) {
      exprWhere(dt, n, d, a, ptrOf(frame, slot, rb, i0), maskOf(frame, rb), ptrOf(frame, slot, rc, i0), maskOf(frame, rc));
    } else {
      exprMap(op, dt, n, d, a);
    }
  }
}

// ---- reductions ---------------------------------------------------------------

@inline function blockSum(dt: i32, n: i32, p: usize): f64 {
  switch (dt) {
    case 0: return sum_f64(0, n, p);
    case 1: return sum_f32(0, n, p);
    case 2: return sum_i32(0, n, p);
    case 3: return sum_u32(0, n, p);
    default: return sum_u8(0, n, p);
  }
}

@inline function blockExtreme(isMax: bool, dt: i32, n: i32, p: usize): f64 {
  switch (dt) {
    case 0: return isMax ? max_f64(0, n, p) : min_f64(0, n, p);
    case 1: return isMax ? max_f32(0, n, p) : min_f32(0, n, p);
    case 2: return isMax ? max_i32(0, n, p) : min_i32(0, n, p);
    case 3: return isMax ? max_u32(0, n, p) : min_u32(0, n, p);
    default: return isMax ? max_u8(0, n, p) : min_u8(0, n, p);
  }
}

// The split sum's pairwise recursion makes (halves rounded down to 16), carried up
// to the block size: below it, sum_<dt> continues the same recursion, so the result
// has the bits sum() of the materialised expression would have over the same chunk.
// Header word 40 set: the program ends with an f64 multiply whose product is summed.
// dot_f64 adds the same products in the same order without storing them: same bits.
function pairwiseRange(frame: usize, slot: usize, i0: i32, n: i32, block: i32): f64 {
  if (n <= block) {
    const count = load<i32>(frame);
    if (load<i32>(frame, 40) != 0) {
      runBlock(frame, slot, i0, n, count - 1);
      const last = <usize>load<u32>(frame, 32) + (<usize>(count - 1) << 5);
      return dot_f64(0, n, ptrOf(frame, slot, load<i32>(last, 12), i0), ptrOf(frame, slot, load<i32>(last, 16), i0));
    }
    runBlock(frame, slot, i0, n, count);
    return blockSum(load<i32>(frame, 28), n, ptrOf(frame, slot, load<i32>(frame, 24), i0));
  }
  const h = (n >> 1) & ~15;
  return pairwiseRange(frame, slot, i0, h, block) + pairwiseRange(frame, slot, i0 + h, n - h, block);
}

// NaN wins; -0 is less than +0 (the combine src/engine/ops/reduce.ts applies to chunk partials).
@inline function better(isMax: bool, v: f64, best: f64): bool {
  if (best != best) return false;
  if (v != v) return true;
  if (isMax) return v > best || (v == best && best == 0 && 1 / best < 0);
  return v < best || (v == best && v == 0 && 1 / v < 0);
}

// Each slot's flag has its own cache line: threads claiming their own slots do not take each other's line.
@inline function flagOf(frame: usize, s: usize): usize { return frame + 64 + (s << 6); }

// The first free slot from `from` on.
function claimSlot(frame: usize, from: i32): usize {
  const slots = load<i32>(frame, 4);
  // At most `slots` threads run chunks of one job at a time, so a free flag exists.
  for (let s = from < slots ? from : 0; ; s = s + 1 == slots ? 0 : s + 1) {
    if (atomic.cmpxchg<i32>(flagOf(frame, <usize>s), 0, 1) == 0) return <usize>s;
  }
  return 0;
}

/**
 * A free slot's index for one chunk of a generated kernel (src/expr/fused.ts) that keeps
 * block temporaries, trying first `from` (the slot this thread had last): a thread that
 * keeps its slot keeps its temporaries' lines in its own cache.
 */
export function expr_claim(frame: usize, from: i32): i32 { return <i32>claimSlot(frame, from); }
/** Give the slot back at the end of the chunk. */
export function expr_release(frame: usize, s: i32): void { atomic.store<i32>(flagOf(frame, <usize>s), 0); }

/** Evaluate the program over [start, end); a reduction returns the chunk's partial. */
export function expr_run(start: i32, end: i32, frame: usize): f64 {
  const s = claimSlot(frame, 0);
  const slot = <usize>load<u32>(frame, 12) + s * <usize>load<u32>(frame, 8);
  const block = load<i32>(frame, 16);
  const reduce = load<i32>(frame, 20);
  let r: f64 = 0;
  if (reduce == R_SUM) {
    if (end > start) r = pairwiseRange(frame, slot, start, end - start, block);
  } else if (reduce == 0) {
    const count = load<i32>(frame);
    for (let i0 = start; i0 < end; i0 += block) runBlock(frame, slot, i0, min(block, end - i0), count);
  } else {
    const rreg = load<i32>(frame, 24), rdt = load<i32>(frame, 28);
    r = reduce == R_PROD ? 1 : NaN;
    for (let i0 = start; i0 < end; i0 += block) {
      const n = min(block, end - i0);
      runBlock(frame, slot, i0, n, load<i32>(frame));
      const p = ptrOf(frame, slot, rreg, i0);
      if (reduce == R_PROD) { r *= exprProd(rdt, n, p); continue; }
      const v = blockExtreme(reduce == R_MAX, rdt, n, p);
      if (i0 == start || better(reduce == R_MAX, v, r)) r = v;
    }
  }
  atomic.store<i32>(flagOf(frame, s), 0);
  return r;
}
