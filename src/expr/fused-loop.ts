/**
 * One fused SIMD loop (src/expr/fused.ts) over elements [I, HI) for a run of
 * cheap instructions: operands loaded (and widened) per vector, every
 * instruction in locals, then the values other segments read stored to their
 * block temporaries and, if the run ends the program, the result to out.
 * The tail takes one element at a time, splatted, so each lane sees the same
 * operations as in the main loop.
 */
import type { Code } from './wasm-encode.js';
import type { Program } from './emit.js';
import { OP, REG } from './opcodes.js';
import { BIN, CMP, LOGIC, readsOf, UNARY, type Plan } from './fused-plan.js';

export interface LoopLocals {
  /** Element index, its byte offset in the lane type, and the end. */
  I: number; OFF: number; HI: number;
  /** Address of element 0 of an array operand, of out, or of a stored register (its block's virtual element 0). */
  ptr: ReadonlyMap<number, number>;
  /** The v128 local of register r. */
  v: (r: number) => number;
  /** The first of the locals a mask result is packed from. */
  M0: number;
}

// SIMD opcodes used below.
const V_LOAD = 0x00, V_STORE = 0x0b, V_CONST = 0x0c, V_AND = 0x4e, V_BITSELECT = 0x52;
const I8_NEG = 0x61, I8_NARROW_I16_S = 0x65, I16_NARROW_I32_S = 0x85, STORE8_LANE = 0x58;
// Plain opcodes.
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, I32_ADD = 0x6a, I32_SHL = 0x74, I32_GE_S = 0x4e, I32_GT_S = 0x4a;

export function emitLoop(f: Code, p: Program, P: Plan, L: LoopLocals, at: readonly number[]): void {
  const { T, converted, outMask, stored } = P;
  const code = p.code;
  const outReg = p.outReg;
  const made = new Set(at.map((k) => code[k + 2]!));
  const loads = [...new Set(at.flatMap((k) => readsOf(code, k)))].filter((r) => !made.has(r) && p.regs[r]!.kind !== REG.CONST);
  const stores = [...made].filter((r) => stored.has(r));
  const writesOut = made.has(outReg);
  const packs = writesOut && outMask;
  // A mask result is packed 16 elements to one store: one v128 per vector of them.
  const packed = 16 / T.lanes;
  const addr = (r: number) => f.u(LOCAL_GET, L.ptr.get(r)!).u(LOCAL_GET, L.OFF).op(I32_ADD);

  const body = (unit: number, offset: number, tail: boolean) => {
    for (const r of loads) {
      const conv = converted.get(r);
      if (conv) {
        // Element i of a narrower dtype: its own byte offset, a narrow load, then widening.
        f.u(LOCAL_GET, L.ptr.get(r)!).u(LOCAL_GET, L.I);
        if (conv.shift) f.i32(conv.shift).op(I32_SHL);
        f.op(I32_ADD);
        if (tail) f.mem(conv.splat, conv.shift, 0); else f.mem(conv.load, 0, unit * (T.lanes << conv.shift));
        for (const w of conv.widen) f.simd(w);
      } else {
        addr(r);
        if (tail) f.mem(T.splat, T.shift, 0); else f.mem(V_LOAD, 0, offset);
      }
      f.u(LOCAL_SET, L.v(r));
    }
    for (const k of at) {
      const op = code[k]!, d = code[k + 2]!, a = code[k + 3]!, b = code[k + 4]!, c = code[k + 5]!;
      const get = (r: number) => f.u(LOCAL_GET, L.v(r));
      if (op === OP.COPY || op === OP.FILL) get(a);
      else if (op === OP.CAST && converted.has(a)) get(a); // widened by its load
      else if (op === OP.CAST) { get(a); f.simd(V_CONST).op(...repeat(T.one, 16 / T.one.length)); f.simd(V_AND); }
      else if (BIN[op]) { get(a); get(b); f.simd(BIN[op]![T.ix]); }
      else if (CMP[op]) { get(a); get(b); f.simd(CMP[op]![T.ix]); }
      else if (LOGIC[op] !== undefined) { get(a); get(b); f.simd(LOGIC[op]!); }
      else if (op === OP.WHERE) { get(b); get(c); get(a); f.simd(V_BITSELECT); }
      else if (op === OP.SQUARE) { get(a); get(a); f.simd(BIN[OP.MUL]![T.ix]); }
      else { get(a); f.simd(UNARY[op]![T.ix]); }
      f.u(LOCAL_SET, L.v(d));
    }
    for (const r of stores) {
      addr(r).u(LOCAL_GET, L.v(r));
      if (tail) f.mem(T.laneStore, T.shift, 0, 0); else f.mem(V_STORE, 0, offset);
    }
    if (!writesOut) return;
    if (packs && !tail) {
      f.u(LOCAL_GET, L.v(outReg)).u(LOCAL_SET, L.M0 + unit); // packed after the last vector
    } else if (packs) {
      // A lane mask to a byte 0/1: negate (-(-1) = 1), store lane 0.
      f.u(LOCAL_GET, L.ptr.get(outReg)!).u(LOCAL_GET, L.I).op(I32_ADD);
      f.u(LOCAL_GET, L.v(outReg)).simd(I8_NEG).mem(STORE8_LANE, 0, 0, 0);
    } else {
      addr(outReg).u(LOCAL_GET, L.v(outReg));
      if (tail) f.mem(T.laneStore, T.shift, 0, 0); else f.mem(V_STORE, 0, offset);
    }
  };

  const unroll = packs ? packed : 4;
  /** 16 lane masks (i64 or i32 lanes, 0 or -1) narrowed to 16 bytes, negated to 0/1, stored at out + i. */
  const pack = () => {
    f.u(LOCAL_GET, L.ptr.get(outReg)!).u(LOCAL_GET, L.I).op(I32_ADD);
    const m = (j: number) => f.u(LOCAL_GET, L.M0 + j);
    const quad = (j: number) => {
      // Four elements as i32 lanes: the low i32 of each i64 mask, from two f64 vectors.
      if (T.lanes === 2) { m(j); m(j + 1); f.shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]); } else m(j);
    };
    const q = T.lanes === 2 ? 2 : 1; // vectors per quad
    quad(0); quad(q); f.simd(I16_NARROW_I32_S);
    quad(2 * q); quad(3 * q); f.simd(I16_NARROW_I32_S);
    f.simd(I8_NARROW_I16_S).simd(I8_NEG).mem(V_STORE, 0, 0);
  };
  const step = unroll * T.lanes;
  const setOff = () => { f.u(LOCAL_GET, L.I).i32(T.shift).op(I32_SHL).u(LOCAL_SET, L.OFF); };
  // Main loop: `unroll` whole vectors per iteration.
  f.op(BLOCK, 0x40, LOOP, 0x40);
  f.u(LOCAL_GET, L.I).i32(step).op(I32_ADD).u(LOCAL_GET, L.HI).op(I32_GT_S).u(BR_IF, 1);
  setOff();
  for (let u = 0; u < unroll; u++) body(u, u * 16, false);
  if (packs) pack();
  f.u(LOCAL_GET, L.I).i32(step).op(I32_ADD).u(LOCAL_SET, L.I).u(BR, 0);
  f.op(END, END);
  // Tail.
  f.op(BLOCK, 0x40, LOOP, 0x40);
  f.u(LOCAL_GET, L.I).u(LOCAL_GET, L.HI).op(I32_GE_S).u(BR_IF, 1);
  setOff();
  body(0, 0, true);
  f.u(LOCAL_GET, L.I).i32(1).op(I32_ADD).u(LOCAL_SET, L.I).u(BR, 0);
  f.op(END, END);
}

export function repeat(xs: readonly number[], times: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < times; t++) out.push(...xs);
  return out;
}
