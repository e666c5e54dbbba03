/**
 * Code generation: the typed tree becomes a register program for the VM in
 * assembly/expr-vm.ts. Operands are array registers (read in place), constant
 * registers (a splat written per call) and block-sized temporaries, allocated
 * as the tree is walked and released when their one reader has been emitted.
 * The last instruction writes straight into the output array; a reduction
 * instead names the register the VM sums (or multiplies, or scans) per block.
 */
import type { Dtype } from '../memory/dtypes.js';
import type { Scalar } from './fold.js';
import type { Checked, Ir } from './check.js';
import { DT_CODE, MAP_FUNCS, OP, REG, type Reduction } from './opcodes.js';
import { storage, type Dt } from './types.js';

export interface Reg { kind: number; dt: Dtype; name?: string; temp?: number; konst?: number }
export interface Program {
  regs: Reg[];
  /** 8 i32 per instruction: op, dtype code, dst, a, b, c, 0, 0. */
  code: Int32Array;
  consts: Array<{ dt: Dt; of: Scalar; what: string; broadcast?: string }>;
  temps: number;
  /** Array operands by register, in register order; a strided one is a gather descriptor. */
  arrays: Array<{ reg: number; name: string; dt: Dtype; strided: boolean }>;
  /** Elementwise result dtype (undefined for a reduction) and its register. */
  out: Dt | undefined;
  outReg: number;
  /** Storage dtype of each constant. */
  constDts: Dtype[];
  /** The register the reduction reads; `dot`: it is the product of a final f64 multiply (summed as dot does). */
  reduce: { kind: Reduction; reg: number; dt: Dtype; dot: boolean } | undefined;
  /** Relative cost per element (scheduler units: 1 = a streaming copy). */
  cost: number;
}

const COMMUTATIVE = new Set<number>([OP.ADD, OP.MUL, OP.MAX, OP.MIN]);
/** Ops whose kernels read only `b` as a scalar: a constant `a` is filled into a register. */
const B_SCALAR_ONLY = new Set<number>([OP.ADD, OP.SUB, OP.MUL, OP.DIV, OP.MAX, OP.MIN, OP.POW]);
/** Where the VM reads a constant operand as a splat; elsewhere it needs a filled register. */
function constOk(op: number, pos: number): boolean {
  if (B_SCALAR_ONLY.has(op)) return pos === 1;
  if (op === OP.WHERE) return pos > 0;
  return op >= OP.MOD && op <= OP.XOR;
}
const MAP_COST: Record<string, number> = { abs: 1, neg: 1, square: 1, floor: 1, ceil: 1, round: 1, sqrt: 3, exp: 10, log: 10, tanh: 14, sigmoid: 12, sin: 14, cos: 14 };

export function emit(checked: Checked): Program {
  const regs: Reg[] = [];
  const code: number[] = [];
  const consts: Program['consts'] = [];
  const arrays: Program['arrays'] = [];
  const byName = new Map<string, number>();
  const free: number[] = [];
  let temps = 0;
  let cost = 0;

  const newTemp = (dt: Dtype): number => {
    const temp = free.length > 0 ? free.pop()! : temps++;
    regs.push({ kind: REG.TEMP, dt, temp });
    return regs.length - 1;
  };
  // A gathered operand's register lives for the whole block: every use reads it.
  const pinned = new Set<number>();
  const release = (r: number) => { const g = regs[r]!; if (g.kind === REG.TEMP && !pinned.has(r)) free.push(g.temp!); };
  const instr = (op: number, dt: Dtype, dst: number, a: number, b = 0, c = 0) => { code.push(op, DT_CODE[dt], dst, a, b, c, 0, 0); };
  const isConst = (r: number) => regs[r]!.kind === REG.CONST;

  const constReg = (ir: Extract<Ir, { k: 'const' }>): number => {
    consts.push({ dt: ir.dt, of: ir.of, what: ir.what, broadcast: ir.broadcast });
    regs.push({ kind: REG.CONST, dt: storage(ir.dt), konst: consts.length - 1 });
    return regs.length - 1;
  };
  /** A constant where the VM needs an array: fill a temporary (an L1-resident block). */
  const materialize = (r: number): number => {
    const t = newTemp(regs[r]!.dt);
    instr(OP.FILL, regs[r]!.dt, t, r);
    cost += 0.25;
    return t;
  };

  // Returns the register holding `ir`; `dst` (the output) is used by the instruction itself.
  const gen = (ir: Ir, dst?: number): number => {
    if (ir.k === 'var') {
      let r = byName.get(ir.name);
      if (r === undefined) {
        const dt = storage(ir.dt);
        regs.push({ kind: ir.strided ? REG.STRIDED : REG.ARRAY, dt, name: ir.name });
        r = regs.length - 1;
        arrays.push({ reg: r, name: ir.name, dt, strided: ir.strided === true });
        cost += 0.5;
        if (ir.strided) {
          const t = newTemp(dt);
          pinned.add(t);
          instr(OP.GATHER, dt, t, r);
          cost += 1;
          r = t;
        }
        byName.set(ir.name, r);
      }
      return r;
    }
    if (ir.k === 'const') return constReg(ir);
    if (ir.k === 'cast') {
      let x = gen(ir.x);
      if (isConst(x)) x = materialize(x);
      const d = dst ?? newTemp(storage(ir.dt));
      instr(OP.CAST, storage(ir.dt), d, x, 0, DT_CODE[storage(ir.x.dt)]);
      release(x);
      cost += 1;
      return d;
    }
    let args = ir.args.map((a) => gen(a));
    const op = ir.op;
    if (COMMUTATIVE.has(op) && isConst(args[0]!) && !isConst(args[1]!)) args = [args[1]!, args[0]!];
    args = args.map((r, pos) => (isConst(r) && !constOk(op, pos) ? materialize(r) : r));
    const d = dst ?? newTemp(storage(ir.dt));
    instr(op, storage(ir.opDt), d, args[0]!, args[1] ?? 0, args[2] ?? 0);
    for (const a of args) release(a);
    cost += op >= OP.ABS ? MAP_COST[MAP_FUNCS[op - OP.ABS]!]! : op === OP.POW ? 25 : op === OP.MOD ? 8 : 1;
    return d;
  };

  const root = checked.root;
  let out: Dt | undefined;
  let outReg = -1;
  let reduce: Program['reduce'];
  if (checked.reduce) {
    const r = gen(root);
    // A constant can only reach here as a where(...) pick; the VM reduces arrays.
    const rr = isConst(r) ? materialize(r) : r;
    const last = code.length - 8;
    const dot = (checked.reduce === 'sum' || checked.reduce === 'mean') && last >= 0 && code[last] === OP.MUL && code[last + 1] === DT_CODE.f64
      && code[last + 2] === rr && !isConst(code[last + 3]!) && !isConst(code[last + 4]!);
    reduce = { kind: checked.reduce, reg: rr, dt: regs[rr]!.dt, dot };
  } else {
    out = root.dt;
    regs.push({ kind: REG.ARRAY, dt: storage(root.dt), name: '' });
    const o = outReg = regs.length - 1;
    const r = gen(root, root.k === 'op' || root.k === 'cast' ? o : undefined);
    if (r !== o) instr(isConst(r) ? OP.FILL : OP.COPY, storage(root.dt), o, r);
  }
  const constDts = consts.map((_, k) => regs.find((g) => g.konst === k)!.dt);
  return { regs, code: Int32Array.from(code), consts, temps, arrays, out, outReg, constDts, reduce, cost: Math.max(1, cost) };
}
