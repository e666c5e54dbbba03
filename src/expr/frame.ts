/**
 * The frame: one scratch block on the shared heap per evaluation holding the
 * program (header, registers, instructions, constant splats) and one slot of
 * block-sized temporaries per thread that may run a chunk at the same time.
 * Its layout is documented in assembly/expr-vm.ts.
 */
import { DTYPES } from '../memory/dtypes.js';
import type { Program } from './emit.js';
import { BLOCK, DT_CODE, FRAME, GATHER_SCRATCH, REDUCE, REG, REG_BYTES } from './opcodes.js';

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export interface Layout { block: number; slots: number; slotBytes: number; regs: number; instr: number; consts: number; descs: number; slotBase: number; bytes: number }

/** A strided operand for GATHER: element 0's address, extents, and strides in bytes, all in the result's shape. */
export interface Gather { base: number; shift: number; shape: readonly number[]; strides: readonly number[] }

/** `own`: a fused kernel's block temporaries per slot and block size (src/expr/fused.ts), instead of the VM's. */
export function layout(p: Program, n: number, slots: number, gathers: readonly (Gather | undefined)[], own?: { temps: number; block: number }): Layout {
  const temps = own ? own.temps : p.temps;
  // A block is never larger than the data: a small evaluation needs small slots.
  const block = Math.min(own ? own.block : BLOCK, align(Math.max(n, 16), 16));
  const regs = FRAME.FLAGS + slots * 64; // a cache line per slot's claim flag
  const instr = regs + p.regs.length * REG_BYTES;
  const consts = instr + p.code.length * 4;
  const descs = consts + p.consts.length * 16;
  let descBytes = 0;
  for (const g of gathers) if (g) descBytes += 16 + 8 * g.shape.length;
  const slotBase = align(descs + descBytes, 64);
  const slotBytes = temps * block * 8 + (gathers.length > 0 ? GATHER_SCRATCH : 0);
  return { block, slots, slotBytes, regs, instr, consts, descs, slotBase, bytes: slotBase + slots * slotBytes };
}

// Whole-memory views, made once per buffer object: a small evaluation should not
// pay for (and collect) new views on every call.
let views: { buffer: ArrayBufferLike; i32: Int32Array; f64: Float64Array; f32: Float32Array; u32: Uint32Array; u8: Uint8Array } | undefined;
function viewsOf(buffer: ArrayBufferLike) {
  if (views?.buffer !== buffer) {
    views = { buffer, i32: new Int32Array(buffer), f64: new Float64Array(buffer), f32: new Float32Array(buffer), u32: new Uint32Array(buffer), u8: new Uint8Array(buffer) };
  }
  return views;
}

/**
 * Write the frame at `base`. `ptrs[r]` is the address of array register r's
 * element 0 (operands and the output); `values[k]` is constant k in its dtype.
 * `outScratch`: out shares no byte with an operand (a fused kernel may then keep a block there before the result).
 */
export function writeFrame(buffer: ArrayBufferLike, base: number, p: Program, L: Layout, ptrs: readonly number[], values: readonly number[], gathers: readonly (Gather | undefined)[], outScratch = false): void {
  const v = viewsOf(buffer);
  const head = v.i32;
  // >>> (not >>): past 2 GiB of heap an address has bit 31 set, and >> would make the index negative.
  const b = base >>> 2;
  head[b + (FRAME.NINSTR >> 2)] = p.code.length >> 3;
  head[b + (FRAME.NSLOTS >> 2)] = L.slots;
  head[b + (FRAME.SLOT_BYTES >> 2)] = L.slotBytes;
  head[b + (FRAME.SLOT_BASE >> 2)] = base + L.slotBase;
  head[b + (FRAME.BLOCK >> 2)] = L.block;
  head[b + (FRAME.REDUCE >> 2)] = p.reduce ? REDUCE[p.reduce.kind] : 0;
  head[b + (FRAME.RREG >> 2)] = p.reduce?.reg ?? 0;
  head[b + (FRAME.RDT >> 2)] = p.reduce ? DT_CODE[p.reduce.dt] : 0;
  head[b + (FRAME.INSTR >> 2)] = base + L.instr;
  head[b + (FRAME.REGS >> 2)] = base + L.regs;
  head[b + (FRAME.FUSED_DOT >> 2)] = p.reduce?.dot ? 1 : 0;
  head[b + (FRAME.OUT_SCRATCH >> 2)] = outScratch ? 1 : 0;
  head.fill(0, b + (FRAME.FLAGS >> 2), b + (L.regs >> 2));
  let desc = L.descs;
  for (let r = 0; r < p.regs.length; r++) {
    const g = p.regs[r]!;
    const w = b + ((L.regs + r * REG_BYTES) >> 2);
    head[w] = g.kind;
    head[w + 1] = DTYPES[g.dt].shift;
    head[w + 3] = 0;
    if (g.kind === REG.STRIDED) {
      const G = gathers[r]!;
      const d = b + (desc >> 2), nd = G.shape.length;
      head[d] = G.base; head[d + 1] = nd; head[d + 2] = G.shift; head[d + 3] = 0;
      for (let k = 0; k < nd; k++) { head[d + 4 + k] = G.shape[k]!; head[d + 4 + nd + k] = G.strides[k]!; }
      head[w + 2] = base + desc;
      desc += 16 + 8 * nd;
    } else {
      head[w + 2] = g.kind === REG.ARRAY ? ptrs[r]! : g.kind === REG.CONST ? base + L.consts + g.konst! * 16 : g.temp! * L.block * 8;
    }
  }
  head.set(p.code, b + (L.instr >> 2));
  for (let k = 0; k < p.consts.length; k++) {
    const dt = p.constDts[k]!;
    const shift = DTYPES[dt].shift;
    const at = (base + L.consts + k * 16) >>> shift;
    v[dt].fill(values[k]!, at, at + (16 >> shift));
  }
}
