/**
 * The frame: one scratch block on the shared heap per evaluation holding the
 * program (header, registers, instructions, constant splats) and one slot of
 * block-sized temporaries per thread that may run a chunk at the same time.
 * Its layout is documented in assembly/expr-vm.ts.
 */
import { DTYPES } from '../memory/dtypes.js';
import type { Program } from './emit.js';
import { BLOCK, FRAME, INSTR_BYTES, REDUCE, REG, REG_BYTES } from './opcodes.js';

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export interface Layout { block: number; slots: number; slotBytes: number; regs: number; instr: number; consts: number; slotBase: number; bytes: number }

export function layout(p: Program, n: number, slots: number): Layout {
  // A block is never larger than the data: a small evaluation needs small slots.
  const block = Math.min(BLOCK, align(Math.max(n, 16), 16));
  const regs = FRAME.FLAGS + align(slots * 4, 64);
  const instr = regs + p.regs.length * REG_BYTES;
  const consts = instr + p.code.length * 4;
  const slotBase = align(consts + p.consts.length * 16, 64);
  const slotBytes = p.temps * block * 8;
  return { block, slots, slotBytes, regs, instr, consts, slotBase, bytes: slotBase + slots * slotBytes };
}

/**
 * Write the frame at `base`. `ptrs[r]` is the address of array register r's
 * element 0 (operands and the output); `values[k]` is constant k in its dtype.
 */
export function writeFrame(buffer: ArrayBufferLike, base: number, p: Program, L: Layout, ptrs: ReadonlyMap<number, number>, values: readonly number[]): void {
  const head = new Int32Array(buffer, base, L.slotBase >> 2);
  head[FRAME.NINSTR >> 2] = p.code.length >> 3;
  head[FRAME.NSLOTS >> 2] = L.slots;
  head[FRAME.SLOT_BYTES >> 2] = L.slotBytes;
  head[FRAME.SLOT_BASE >> 2] = base + L.slotBase;
  head[FRAME.BLOCK >> 2] = L.block;
  head[FRAME.REDUCE >> 2] = p.reduce ? REDUCE[p.reduce.kind] : 0;
  head[FRAME.RREG >> 2] = p.reduce?.reg ?? 0;
  head[FRAME.RDT >> 2] = p.reduce ? ['f64', 'f32', 'i32', 'u32', 'u8'].indexOf(p.reduce.dt) : 0;
  head[FRAME.INSTR >> 2] = base + L.instr;
  head[FRAME.REGS >> 2] = base + L.regs;
  head.fill(0, FRAME.FLAGS >> 2, L.regs >> 2);
  for (let r = 0; r < p.regs.length; r++) {
    const g = p.regs[r]!;
    const w = (L.regs + r * REG_BYTES) >> 2;
    head[w] = g.kind;
    head[w + 1] = DTYPES[g.dt].shift;
    head[w + 2] = g.kind === REG.ARRAY ? ptrs.get(r)! : g.kind === REG.CONST ? base + L.consts + g.konst! * 16 : g.temp! * L.block * 8;
    head[w + 3] = 0;
  }
  head.set(p.code, L.instr >> 2);
  for (let k = 0; k < p.consts.length; k++) {
    const dt = p.regs.find((g) => g.konst === k)!.dt;
    const info = DTYPES[dt];
    new info.ctor(buffer, base + L.consts + k * 16, 16 / info.bytes).fill(values[k]!);
  }
  void INSTR_BYTES;
}
