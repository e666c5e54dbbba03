/**
 * Which VM programs the fused path takes, and how (src/expr/fused.ts): the
 * lane type, the operands widened on load, each register's value kind, and
 * the split of the program into segments run per block: a built-in map kernel
 * (sin, exp...) called on the block, or a run of cheap instructions fused into
 * one SIMD loop. A value crossing segments lives in its block temporary.
 */
import type { Program } from './emit.js';
import { DT_CODE, MAP_FUNCS, OP, REG } from './opcodes.js';

/** SIMD opcodes by lane type: [f64x2, f32x4]. */
export const BIN: Partial<Record<number, [number, number]>> = {
  [OP.ADD]: [0xf0, 0xe4], [OP.SUB]: [0xf1, 0xe5], [OP.MUL]: [0xf2, 0xe6], [OP.DIV]: [0xf3, 0xe7],
  [OP.MIN]: [0xf4, 0xe8], [OP.MAX]: [0xf5, 0xe9],
};
export const CMP: Partial<Record<number, [number, number]>> = {
  [OP.EQ]: [0x47, 0x41], [OP.NE]: [0x48, 0x42], [OP.LT]: [0x49, 0x43], [OP.GT]: [0x4a, 0x44], [OP.LE]: [0x4b, 0x45], [OP.GE]: [0x4c, 0x46],
};
export const UNARY: Partial<Record<number, [number, number]>> = {
  [OP.ABS]: [0xec, 0xe0], [OP.NEG]: [0xed, 0xe1], [OP.SQRT]: [0xef, 0xe3],
  [OP.FLOOR]: [0x75, 0x68], [OP.CEIL]: [0x74, 0x67], [OP.ROUND]: [0x94, 0x6a],
};
export const LOGIC: Partial<Record<number, number>> = { [OP.AND]: 0x4e, [OP.OR]: 0x50, [OP.XOR]: 0x51 };
/** Map functions run by calling the built-in kernel on the block: their vector code is far too large to inline. */
const CALLED = new Set<number>([OP.EXP, OP.LOG, OP.SIN, OP.COS, OP.TANH, OP.SIGMOID]);

// SIMD opcodes for loads and lane stores.
const V_LOAD32_SPLAT = 0x09, V_LOAD64_SPLAT = 0x0a, STORE32_LANE = 0x5a, STORE64_LANE = 0x5b;

/** One lane type: its dtype code, opcode column, lanes per vector, log2 bytes, 1.0's bytes (bool to float), splat load and lane store. */
export const LANES = {
  f64: { code: DT_CODE.f64, ix: 0, lanes: 2, shift: 3, one: [0, 0, 0, 0, 0, 0, 0xf0, 0x3f], splat: V_LOAD64_SPLAT, laneStore: STORE64_LANE },
  f32: { code: DT_CODE.f32, ix: 1, lanes: 4, shift: 2, one: [0, 0, 0x80, 0x3f], splat: V_LOAD32_SPLAT, laneStore: STORE32_LANE },
} as const;
export type Lane = (typeof LANES)[keyof typeof LANES];

/** Loading a narrower operand into the lane type: the load (one vector's worth), the tail's splat load, the widening ops. */
export interface Convert { shift: number; load: number; splat: number; widen: readonly number[] }
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

/** A run of cheap instructions (their offsets in the code), or one called kernel. */
export type Segment = { call?: undefined; at: number[] } | { call: string; at: [number] };

export interface Plan {
  T: Lane;
  /** Operands of a narrower dtype, widened by their loads. */
  converted: Map<number, Convert>;
  /** Per register: a lane mask (a bool) or a float vector. */
  mask: boolean[];
  outMask: boolean;
  /** In program order; a single fused loop when no kernel is called. */
  segments: Segment[];
  /** Registers whose block is in memory because another segment reads it (as lane vectors). */
  stored: Set<number>;
  /** The stored registers in temporary order: temporary j holds temps[j] (`host` too, when out cannot). */
  temps: number[];
  /**
   * A called kernel's result that only the last segment reads: when out is apart
   * from the operands, its block goes to out's instead of a temporary. The kernel
   * then writes out's lines while it computes, and the last loop rewrites them in
   * cache; stores of the whole block at once in the last loop stall on memory
   * (sin(a) + 1 took 5 ms more than sin(a) on 8M f64, 1 thread).
   */
  host: number | undefined;
}

/** The plan for `p`, or undefined when some part of it needs the VM. */
export function plan(p: Program): Plan | undefined {
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
  const calls = new Map<number, string>();
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
    else if (CALLED.has(op)) {
      // The kernel reads the operand's block from memory, in the lane type.
      if (idt !== T.code || !isVal(a) || converted.has(a) || p.regs[a]!.kind === REG.CONST) return undefined;
      calls.set(k, `${MAP_FUNCS[op - OP.ABS]}_${dt}`);
      out = false;
    } else return undefined; // MOD, POW, GATHER
    mask[d] = out;
  }
  const outReg = p.outReg;
  if (mask[outReg] === undefined) return undefined;
  const outMask = mask[outReg]!;
  if (outMask ? p.regs[outReg]!.dt !== 'u8' : p.regs[outReg]!.dt !== dt) return undefined;

  const segments = schedule(code, calls);
  // A value read by another segment than its own lives in a block temporary of
  // the kernel's own (a called kernel's operand and result): one each, none
  // reused, so a value stays put for the whole block. A mask is stored as its
  // lane vector (a temporary has 8 bytes per element).
  const segOf = new Map<number, number>();
  const stored = new Set<number>();
  for (const [s, seg] of segments.entries()) {
    for (const k of seg.at) {
      for (const r of readsOf(code, k)) {
        const from = segOf.get(r);
        if (from !== undefined && from !== s) stored.add(r);
      }
      segOf.set(code[k + 2]!, s);
    }
  }
  stored.delete(outReg);
  let host: number | undefined;
  const last = segments.length - 1;
  if (!outMask && last > 0 && !segments[last]!.call) {
    // The last call whose result no segment but the last reads.
    for (let s = last - 1; s >= 0 && host === undefined; s--) {
      const seg = segments[s]!;
      if (!seg.call) continue;
      const r = code[seg.at[0] + 2]!;
      if (segments.every((g, j) => j === last || g.at.every((k) => !readsOf(code, k).includes(r)))) host = r;
    }
  }
  const temps = [...stored];
  return { T, converted, mask, outMask, segments, stored, temps, host };
}

/** The registers instruction `k` reads (unused operand fields hold 0, and CAST's third a dtype code). */
export function readsOf(code: Int32Array, k: number): number[] {
  const op = code[k]!;
  if (op === OP.WHERE) return [code[k + 3]!, code[k + 4]!, code[k + 5]!];
  if (BIN[op] || CMP[op] || LOGIC[op]) return [code[k + 3]!, code[k + 4]!];
  return [code[k + 3]!];
}

/**
 * The segments: each called kernel, after a loop that computes what it reads,
 * then one loop for the rest. A cheap instruction goes to the loop of its
 * reader (the expression is a tree: one reader each), so a value used past a
 * call is computed after it instead of stored across it: sin(a)**2 + cos(b)**2
 * calls sin, calls cos, and squares both and adds in one loop.
 */
function schedule(code: Int32Array, calls: ReadonlyMap<number, string>): Segment[] {
  const callAt = [...calls.keys()];
  const readers = new Map<number, number[]>();
  for (let k = 0; k < code.length; k += 8) for (const r of readsOf(code, k)) readers.set(r, [...(readers.get(r) ?? []), k]);
  // Loop j runs before call j; loop callAt.length is the last.
  const loopOf = new Map<number, number>();
  for (let k = code.length - 8; k >= 0; k -= 8) {
    if (calls.has(k)) continue;
    let j = callAt.length;
    for (const q of readers.get(code[k + 2]!) ?? []) j = Math.min(j, calls.has(q) ? callAt.indexOf(q) : loopOf.get(q)!);
    loopOf.set(k, j);
  }
  const segments: Segment[] = [];
  for (let j = 0; j <= callAt.length; j++) {
    const at: number[] = [];
    for (let k = 0; k < code.length; k += 8) if (loopOf.get(k) === j) at.push(k);
    if (at.length > 0) segments.push({ at });
    if (j < callAt.length) segments.push({ call: calls.get(callAt[j]!)!, at: [callAt[j]!] });
  }
  return segments;
}
