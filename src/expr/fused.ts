/**
 * The fused path (issue 12, option b): a VM program whose operands are all
 * contiguous and whose arithmetic is in one float dtype (plus constants)
 * becomes a tiny wasm module with one SIMD loop, the whole expression in
 * locals, no block temporaries. It runs the same IEEE lane operations the VM's
 * kernels run, so its results have the VM's bits. Anything else (integer
 * arithmetic, strided or broadcast operands, %, reductions) stays on the VM,
 * and so do the transcendental functions and pow: called once per vector from
 * a generated kernel (an import of the built-in module's vector functions),
 * they measured 1-2x slower than the VM, whose map kernels run 2-4 vectors per
 * step with their constants in registers (sin(a)**2 + cos(b)**2 on 1M f64:
 * 28 ms generated, 13 ms on the VM).
 *
 * The kernel is `run(start, end, frame)` over the VM's frame (frame.ts): it
 * reads the operands' addresses and the constant splats from the register table.
 */
import { Code, encodeModule, I32, uleb, V128 } from './wasm-encode.js';
import type { Program } from './emit.js';
import { DT_CODE, FRAME, OP, REG, REG_BYTES } from './opcodes.js';

export interface Fused {
  /** Process-wide id: a given id always names the same bytes. */
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly module: WebAssembly.Module;
}

/** Larger modules stay on the VM: a browser's main thread refuses to compile them synchronously. */
const MAX_BYTES = 4000;

let enabled = true;
/** Jobs run on the fused path so far (tests check that it is taken). */
export const fusionStats = { runs: 0 };
/** Turn the fused path off (every expression runs on the VM) or back on; for tests and measurements. */
export function setFusion(on: boolean): void { enabled = on; }
export function fusionEnabled(): boolean { return enabled; }

let nextId = 0;
const byProgram = new WeakMap<Program, Fused | null>();

/** The fused kernel for `p`, compiled on first use; undefined when the program needs the VM. */
export function fusedFor(p: Program): Fused | undefined {
  if (!enabled) return undefined;
  let f = byProgram.get(p);
  if (f === undefined) {
    f = null;
    const bytes = generate(p);
    if (bytes && bytes.length <= MAX_BYTES) {
      try {
        f = { id: nextId++, bytes, module: new WebAssembly.Module(bytes as BufferSource) };
      } catch {
        f = null; // no synchronous compile here (a CSP without wasm-unsafe-eval): the VM runs it
      }
    }
    byProgram.set(p, f);
  }
  return f ?? undefined;
}

/** SIMD opcodes by lane type: [f64x2, f32x4]. */
const BIN: Partial<Record<number, [number, number]>> = {
  [OP.ADD]: [0xf0, 0xe4], [OP.SUB]: [0xf1, 0xe5], [OP.MUL]: [0xf2, 0xe6], [OP.DIV]: [0xf3, 0xe7],
  [OP.MIN]: [0xf4, 0xe8], [OP.MAX]: [0xf5, 0xe9],
};
const CMP: Partial<Record<number, [number, number]>> = {
  [OP.EQ]: [0x47, 0x41], [OP.NE]: [0x48, 0x42], [OP.LT]: [0x49, 0x43], [OP.GT]: [0x4a, 0x44], [OP.LE]: [0x4b, 0x45], [OP.GE]: [0x4c, 0x46],
};
const UNARY: Partial<Record<number, [number, number]>> = {
  [OP.ABS]: [0xec, 0xe0], [OP.NEG]: [0xed, 0xe1], [OP.SQRT]: [0xef, 0xe3],
  [OP.FLOOR]: [0x75, 0x68], [OP.CEIL]: [0x74, 0x67], [OP.ROUND]: [0x94, 0x6a],
};
const LOGIC: Partial<Record<number, number>> = { [OP.AND]: 0x4e, [OP.OR]: 0x50, [OP.XOR]: 0x51 };

// SIMD opcodes used below.
const V_LOAD = 0x00, V_LOAD32_SPLAT = 0x09, V_LOAD64_SPLAT = 0x0a, V_STORE = 0x0b, V_CONST = 0x0c;
const V_AND = 0x4e, V_BITSELECT = 0x52, I8_NEG = 0x61, I8_NARROW_I16_S = 0x65, I16_NARROW_I32_S = 0x85;
const STORE8_LANE = 0x58, STORE32_LANE = 0x5a, STORE64_LANE = 0x5b;
// Plain opcodes.
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, I32_LOAD = 0x28, I32_ADD = 0x6a, I32_SHL = 0x74, I32_GE_S = 0x4e, I32_GT_S = 0x4a;

/** One lane type: its dtype code, opcode column, lanes per vector, log2 bytes, 1.0's bytes (bool to float), splat load and lane store. */
const LANES = {
  f64: { code: DT_CODE.f64, ix: 0, lanes: 2, shift: 3, one: [0, 0, 0, 0, 0, 0, 0xf0, 0x3f], splat: V_LOAD64_SPLAT, laneStore: STORE64_LANE },
  f32: { code: DT_CODE.f32, ix: 1, lanes: 4, shift: 2, one: [0, 0, 0x80, 0x3f], splat: V_LOAD32_SPLAT, laneStore: STORE32_LANE },
} as const;

/** Loading a narrower operand into the lane type: the load (one vector's worth), the tail's splat load, the widening ops. */
interface Convert { shift: number; load: number; splat: number; widen: readonly number[] }
const V_LOAD8_SPLAT = 0x07, V_LOAD16_SPLAT = 0x08, V_LOAD32_ZERO = 0x5c, V_LOAD64_ZERO = 0x5d;
const F64_PROMOTE = 0x5f, F64_FROM_I32_S = 0xfe, F64_FROM_I32_U = 0xff, F32_FROM_I32_U = 0xfb, I16_FROM_U8 = 0x89, I32_FROM_U16 = 0xa9;
const CONVERT: Record<'f64' | 'f32', Partial<Record<string, Convert>>> = {
  f64: {
    f32: { shift: 2, load: V_LOAD64_ZERO, splat: V_LOAD32_SPLAT, widen: [F64_PROMOTE] },
    i32: { shift: 2, load: V_LOAD64_ZERO, splat: V_LOAD32_SPLAT, widen: [F64_FROM_I32_S] },
    u32: { shift: 2, load: V_LOAD64_ZERO, splat: V_LOAD32_SPLAT, widen: [F64_FROM_I32_U] },
    u8: { shift: 0, load: V_LOAD16_SPLAT, splat: V_LOAD8_SPLAT, widen: [I16_FROM_U8, I32_FROM_U16, F64_FROM_I32_U] },
  },
  f32: {
    u8: { shift: 0, load: V_LOAD32_ZERO, splat: V_LOAD8_SPLAT, widen: [I16_FROM_U8, I32_FROM_U16, F32_FROM_I32_U] },
  },
};

/** The module for `p`, or undefined when some part of it needs the VM. */
export function generate(p: Program): Uint8Array | undefined {
  if (p.reduce || p.arrays.length === 0 || p.arrays.some((a) => a.strided)) return undefined;
  // The lane type: f64 if any value is f64, else f32.
  const dt = p.regs.some((g) => g.dt === 'f64') ? 'f64' : p.regs.some((g) => g.dt === 'f32') ? 'f32' : undefined;
  if (!dt) return undefined;
  const T = LANES[dt];
  const code = p.code;
  // An operand of another dtype is fused only when every use widens it to the lane type
  // (i32 * 0.5, f32 + f64...): its loads convert, as exactly as the VM's CAST does.
  const converted = new Map<number, Convert>();
  for (const a of p.arrays) {
    if (a.dt === dt) continue;
    const conv = CONVERT[dt][a.dt];
    if (!conv) return undefined;
    for (let k = 0; k < code.length; k += 8) {
      const reads = code[k + 3] === a.reg || (code[k] !== OP.CAST && (code[k + 4] === a.reg || code[k + 5] === a.reg));
      if (reads && (code[k] !== OP.CAST || code[k + 1] !== T.code || code[k + 5] !== DT_CODE[a.dt])) return undefined;
    }
    converted.set(a.reg, conv);
  }

  // Each register's value kind: a float vector, or a lane mask (a bool: u8 0/1 in the VM).
  const mask: boolean[] = [];
  for (const [r, g] of p.regs.entries()) {
    if (g.kind === REG.STRIDED) return undefined;
    if (g.kind === REG.CONST) {
      if (g.dt === 'u8') mask[r] = true;
      else if (g.dt === dt) mask[r] = false;
      else return undefined;
    }
    if (g.kind === REG.ARRAY && g.name !== '') mask[r] = false;
  }
  for (let k = 0; k < code.length; k += 8) {
    const op = code[k]!, idt = code[k + 1]!, d = code[k + 2]!, a = code[k + 3]!, b = code[k + 4]!, c = code[k + 5]!;
    const isVal = (r: number) => mask[r] === false;
    const isMask = (r: number) => mask[r] === true;
    let out: boolean;
    if (op === OP.COPY || op === OP.FILL) { if (mask[a] === undefined) return undefined; out = mask[a]!; }
    else if (op === OP.CAST) { if (idt !== T.code || !(converted.has(a) || (c === DT_CODE.u8 && isMask(a)))) return undefined; out = false; }
    else if (BIN[op]) { if (idt !== T.code || !isVal(a) || !isVal(b)) return undefined; out = false; }
    else if (CMP[op]) { if (idt !== T.code || !isVal(a) || !isVal(b)) return undefined; out = true; }
    else if (LOGIC[op]) { if (idt !== DT_CODE.u8 || !isMask(a) || !isMask(b)) return undefined; out = true; }
    else if (op === OP.WHERE) {
      const wantMask = idt === DT_CODE.u8;
      if ((idt !== T.code && !wantMask) || !isMask(a) || mask[b] !== wantMask || mask[c] !== wantMask) return undefined;
      out = wantMask;
    } else if (UNARY[op] || op === OP.SQUARE) { if (idt !== T.code || !isVal(a)) return undefined; out = false; }
    else return undefined; // MOD, GATHER
    mask[d] = out;
  }
  const outReg = p.outReg;
  if (mask[outReg] === undefined) return undefined;
  const outMask = mask[outReg]!;
  if (outMask ? p.regs[outReg]!.dt !== 'u8' : p.regs[outReg]!.dt !== dt) return undefined;

  // Locals: params start 0, end 1, frame 2; then i, byte offset, register table,
  // one address per array register, one v128 per register.
  const L_I = 3, L_OFF = 4, L_REGS = 5;
  const arrays = p.regs.flatMap((g, r) => (g.kind === REG.ARRAY ? [r] : []));
  const ptr = new Map(arrays.map((r, j) => [r, L_REGS + 1 + j]));
  const V0 = L_REGS + 1 + arrays.length;
  const v = (r: number) => V0 + r;
  // A mask result is packed 16 elements to one store: one v128 per vector of them.
  const packed = outMask ? 16 / T.lanes : 0;
  const M0 = V0 + p.regs.length;
  const locals = [I32, I32, I32, ...arrays.map(() => I32), ...p.regs.map(() => V128), ...repeat([V128], packed)];

  const f = new Code();
  const load32 = (local: number, offset: number) => { f.u(LOCAL_GET, local).op(I32_LOAD, 2); uleb(f.bytes, offset); };
  load32(2, FRAME.REGS);
  f.u(LOCAL_SET, L_REGS);
  for (const r of arrays) { load32(L_REGS, r * REG_BYTES + 8); f.u(LOCAL_SET, ptr.get(r)!); }
  for (const [r, g] of p.regs.entries()) {
    if (g.kind !== REG.CONST) continue;
    load32(L_REGS, r * REG_BYTES + 8);
    f.mem(V_LOAD, 0, 0);
    if (mask[r]) f.simd(I8_NEG); // a bool splat of bytes 0/1 becomes a lane mask
    f.u(LOCAL_SET, v(r));
  }
  f.u(LOCAL_GET, 0).u(LOCAL_SET, L_I);

  const body = (unit: number, offset: number, tail: boolean) => {
    // The operands of this vector.
    for (const r of arrays) {
      if (r === outReg) continue;
      const conv = converted.get(r);
      if (conv) {
        // Element i of a narrower dtype: its own byte offset, a narrow load, then widening.
        f.u(LOCAL_GET, ptr.get(r)!).u(LOCAL_GET, L_I);
        if (conv.shift) f.i32(conv.shift).op(I32_SHL);
        f.op(I32_ADD);
        if (tail) f.mem(conv.splat, conv.shift, 0); else f.mem(conv.load, 0, unit * (T.lanes << conv.shift));
        for (const w of conv.widen) f.simd(w);
      } else {
        f.u(LOCAL_GET, ptr.get(r)!).u(LOCAL_GET, L_OFF).op(I32_ADD);
        if (tail) f.mem(T.splat, T.shift, 0); else f.mem(V_LOAD, 0, offset);
      }
      f.u(LOCAL_SET, v(r));
    }
    for (let k = 0; k < code.length; k += 8) {
      const op = code[k]!, d = code[k + 2]!, a = code[k + 3]!, b = code[k + 4]!, c = code[k + 5]!;
      const get = (r: number) => f.u(LOCAL_GET, v(r));
      if (op === OP.COPY || op === OP.FILL) get(a);
      else if (op === OP.CAST && converted.has(a)) get(a); // widened by its load
      else if (op === OP.CAST) { get(a); f.simd(V_CONST).op(...repeat(T.one, 16 / T.one.length)); f.simd(V_AND); }
      else if (BIN[op]) { get(a); get(b); f.simd(BIN[op]![T.ix]); }
      else if (CMP[op]) { get(a); get(b); f.simd(CMP[op]![T.ix]); }
      else if (LOGIC[op] !== undefined) { get(a); get(b); f.simd(LOGIC[op]!); }
      else if (op === OP.WHERE) { get(b); get(c); get(a); f.simd(V_BITSELECT); }
      else if (op === OP.SQUARE) { get(a); get(a); f.simd(BIN[OP.MUL]![T.ix]); }
      else { get(a); f.simd(UNARY[op]![T.ix]); }
      f.u(LOCAL_SET, v(d));
    }
    if (outMask && !tail) {
      f.u(LOCAL_GET, v(outReg)).u(LOCAL_SET, M0 + unit); // packed after the last vector
    } else if (outMask) {
      // A lane mask to a byte 0/1: negate (-(-1) = 1), store lane 0.
      f.u(LOCAL_GET, ptr.get(outReg)!).u(LOCAL_GET, L_I).op(I32_ADD);
      f.u(LOCAL_GET, v(outReg)).simd(I8_NEG).mem(STORE8_LANE, 0, 0, 0);
    } else {
      f.u(LOCAL_GET, ptr.get(outReg)!).u(LOCAL_GET, L_OFF).op(I32_ADD).u(LOCAL_GET, v(outReg));
      if (tail) f.mem(T.laneStore, T.shift, 0, 0); else f.mem(V_STORE, 0, offset);
    }
  };

  const unroll = outMask ? packed : 4;
  /** 16 lane masks (i64 or i32 lanes, 0 or -1) narrowed to 16 bytes, negated to 0/1, stored at out + i. */
  const pack = () => {
    f.u(LOCAL_GET, ptr.get(outReg)!).u(LOCAL_GET, L_I).op(I32_ADD);
    const m = (j: number) => f.u(LOCAL_GET, M0 + j);
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
  const setOff = () => { f.u(LOCAL_GET, L_I).i32(T.shift).op(I32_SHL).u(LOCAL_SET, L_OFF); };
  // Main loop: `unroll` whole vectors per iteration.
  f.op(BLOCK, 0x40, LOOP, 0x40);
  f.u(LOCAL_GET, L_I).i32(step).op(I32_ADD).u(LOCAL_GET, 1).op(I32_GT_S).u(BR_IF, 1);
  setOff();
  for (let u = 0; u < unroll; u++) body(u, u * 16, false);
  if (outMask) pack();
  f.u(LOCAL_GET, L_I).i32(step).op(I32_ADD).u(LOCAL_SET, L_I).u(BR, 0);
  f.op(END, END);
  // Tail: one element at a time, splatted, so each lane sees the same operations.
  f.op(BLOCK, 0x40, LOOP, 0x40);
  f.u(LOCAL_GET, L_I).u(LOCAL_GET, 1).op(I32_GE_S).u(BR_IF, 1);
  setOff();
  body(0, 0, true);
  f.u(LOCAL_GET, L_I).i32(1).op(I32_ADD).u(LOCAL_SET, L_I).u(BR, 0);
  f.op(END, END);

  return encodeModule({
    memory: { module: 'env', name: 'memory' },
    func: { name: 'run', params: [I32, I32, I32], results: [], locals, body: f },
  });
}

function repeat(xs: readonly number[], times: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < times; t++) out.push(...xs);
  return out;
}
