/**
 * The fused path (issue 12, option b): a VM program whose operands are all
 * contiguous and whose arithmetic is in one float dtype (plus constants)
 * becomes a tiny wasm module with one SIMD loop, the whole expression in
 * locals, no block temporaries. It runs the same IEEE lane operations the VM's
 * kernels run, so its results have the VM's bits. Anything else (integer
 * arithmetic, strided or broadcast operands, %, pow, reductions) stays on the VM.
 *
 * The transcendental functions (sin, exp, ...) are not inlined: per block (the
 * VM's block size), the kernel calls the built-in map kernel on the block, as
 * the VM does, and fuses each run of cheap instructions between and after the
 * calls into one loop over the block; values crossing a call live in block
 * temporaries in a per-thread slot of the frame. sin(a)**2 + cos(b)**2 so makes
 * one pass over its blocks for the squares and the sum where the VM makes three
 * (each a load and a store per vector; 8M f64, 1 thread: ~4 ms of the VM's
 * ~72 ms go to those passes). A call per vector instead of per block measured
 * 1-2x slower than the VM: the map kernels run 2-4 vectors per step with their
 * constants in registers.
 *
 * The kernel is `run(start, end, frame)` over the VM's frame (frame.ts): it
 * reads the operands' addresses, the constant splats and the temporaries'
 * offsets from the register table.
 */
import { Code, encodeModule, I32, uleb, V128 } from './wasm-encode.js';
import type { Program } from './emit.js';
import { BLOCK as VM_BLOCK, CALL_BLOCK, FRAME, REG, REG_BYTES } from './opcodes.js';
import { plan, type Plan } from './fused-plan.js';
import { emitLoop, type LoopLocals } from './fused-loop.js';

export interface Fused {
  /** Process-wide id: a given id always names the same bytes. */
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly module: WebAssembly.Module;
  /** Block temporaries it keeps (in a slot per thread, as the VM's; 0: no slots). */
  readonly temps: number;
  /** Elements per block (read from the frame by a kernel that calls map kernels). */
  readonly block: number;
  /** It calls map kernels per block: its chunks are whole blocks (see evaluate.ts). */
  readonly calls: boolean;
  /** It can keep a block in out's, before the result (the frame says whether out is apart from the operands). */
  readonly host: boolean;
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
    const P = plan(p);
    const bytes = P && build(p, P);
    if (P && bytes && bytes.length <= MAX_BYTES) {
      try {
        f = { id: nextId++, bytes, module: new WebAssembly.Module(bytes as BufferSource), temps: P.temps.length, block: P.segments.some((s) => s.call) ? CALL_BLOCK : VM_BLOCK, calls: P.segments.some((s) => s.call), host: P.host !== undefined };
      } catch {
        f = null; // no synchronous compile here (a CSP without wasm-unsafe-eval): the VM runs it
      }
    }
    byProgram.set(p, f);
  }
  return f ?? undefined;
}

/** The module for `p`, or undefined when some part of it needs the VM. */
export function generate(p: Program): Uint8Array | undefined {
  const P = plan(p);
  return P && build(p, P);
}

// Plain opcodes.
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, CALL = 0x10, SELECT = 0x1b;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, GLOBAL_GET = 0x23, GLOBAL_SET = 0x24, I32_LOAD = 0x28;
const I32_LT_S = 0x48, I32_GE_S = 0x4e, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_SHL = 0x74;
const V_LOAD = 0x00, I8_NEG = 0x61;

function build(p: Program, P: Plan): Uint8Array {
  const { T, mask, outMask, segments, stored, temps } = P;
  const calls = [...new Set(segments.flatMap((s) => (s.call ? [s.call] : [])))];
  const slotted = temps.length > 0;
  // Imports: the slot claim and release (with temporaries), then the kernels called.
  const imports = [
    ...(slotted ? [{ module: 'kernels', name: 'expr_claim', params: [I32, I32], results: [I32] }, { module: 'kernels', name: 'expr_release', params: [I32, I32], results: [] }] : []),
    ...calls.map((name) => ({ module: 'kernels', name, params: [I32, I32, I32, I32], results: [] })),
  ];
  const CLAIM = 0, RELEASE = 1, callIndex = (name: string) => (slotted ? 2 : 0) + calls.indexOf(name);

  // Locals after the params start 0, end 1, frame 2: i32s, then one v128 per register, then the packed mask vectors.
  const ints: number[] = [];
  const int = () => { ints.push(I32); return 2 + ints.length; };
  const I = int(), OFF = int(), HI = int(), REGS = int(), I0 = int(), SLOT = int(), SLOT_ADDR = int(), BLOCK_N = int(), SCRATCH = int();
  const ptr = new Map<number, number>();
  for (const [r, g] of p.regs.entries()) if (g.kind === REG.ARRAY || stored.has(r)) ptr.set(r, int());
  const V0 = 3 + ints.length;
  const M0 = V0 + p.regs.length;
  const locals = [...ints, ...new Array<number>(p.regs.length + (outMask ? 16 / T.lanes : 0)).fill(V128)];
  const L: LoopLocals = { I, OFF, HI, ptr, v: (r) => V0 + r, M0 };

  const f = new Code();
  const load32 = (local: number, offset: number) => { f.u(LOCAL_GET, local).op(I32_LOAD, 2); uleb(f.bytes, offset); };
  load32(2, FRAME.REGS);
  f.u(LOCAL_SET, REGS);
  for (const [r, g] of p.regs.entries()) if (g.kind === REG.ARRAY) { load32(REGS, r * REG_BYTES + 8); f.u(LOCAL_SET, ptr.get(r)!); }
  for (const [r, g] of p.regs.entries()) {
    if (g.kind !== REG.CONST) continue;
    load32(REGS, r * REG_BYTES + 8);
    f.mem(V_LOAD, 0, 0);
    if (mask[r]) f.simd(I8_NEG); // a bool splat of bytes 0/1 becomes a lane mask
    f.u(LOCAL_SET, V0 + r);
  }
  if (segments.every((s) => !s.call)) {
    // No kernel called: one loop over the whole chunk.
    f.u(LOCAL_GET, 0).u(LOCAL_SET, I).u(LOCAL_GET, 1).u(LOCAL_SET, HI);
    emitLoop(f, p, P, L, segments.flatMap((s) => s.at));
    return encode(f, imports, locals, 0);
  }
  if (slotted) {
    // Global 0, this thread's instance's own, is the slot it had last: claimed first if free.
    f.u(LOCAL_GET, 2).u(GLOBAL_GET, 0).u(CALL, CLAIM).u(LOCAL_SET, SLOT).u(LOCAL_GET, SLOT).u(GLOBAL_SET, 0);
    load32(2, FRAME.SLOT_BASE);
    load32(2, FRAME.SLOT_BYTES);
    f.u(LOCAL_GET, SLOT).op(I32_MUL, I32_ADD).u(LOCAL_SET, SLOT_ADDR);
  }
  load32(2, FRAME.BLOCK);
  f.u(LOCAL_SET, BLOCK_N);
  load32(2, FRAME.OUT_SCRATCH);
  f.u(LOCAL_SET, SCRATCH);
  f.u(LOCAL_GET, 0).u(LOCAL_SET, I0);
  // Per block [I0, HI): the segments in program order.
  f.op(BLOCK, 0x40, LOOP, 0x40);
  f.u(LOCAL_GET, I0).u(LOCAL_GET, 1).op(I32_GE_S).u(BR_IF, 1);
  f.u(LOCAL_GET, I0).u(LOCAL_GET, BLOCK_N).op(I32_ADD).u(LOCAL_SET, HI);
  f.u(LOCAL_GET, HI).u(LOCAL_GET, 1).u(LOCAL_GET, HI).u(LOCAL_GET, 1).op(I32_LT_S, SELECT).u(LOCAL_SET, HI);
  // A stored register's base: its temporary (block * 8 bytes) in this thread's slot, less
  // the block's start, so that element i (absolute) is at base + i * size, as in an array.
  for (const [j, r] of temps.entries()) {
    f.u(LOCAL_GET, SLOT_ADDR).i32(j).u(LOCAL_GET, BLOCK_N).op(I32_MUL).i32(3).op(I32_SHL, I32_ADD);
    f.u(LOCAL_GET, I0).i32(T.shift).op(I32_SHL, I32_SUB).u(LOCAL_SET, ptr.get(r)!);
  }
  if (P.host !== undefined) {
    // The hosted block: out's own block (element i at out + i * size) when the frame allows.
    const h = ptr.get(P.host)!;
    f.u(LOCAL_GET, ptr.get(p.outReg)!).u(LOCAL_GET, h).u(LOCAL_GET, SCRATCH).op(SELECT).u(LOCAL_SET, h);
  }
  for (const s of segments) {
    if (s.call) {
      const k = s.at[0];
      f.u(LOCAL_GET, I0).u(LOCAL_GET, HI).u(LOCAL_GET, ptr.get(p.code[k + 3]!)!).u(LOCAL_GET, ptr.get(p.code[k + 2]!)!);
      f.u(CALL, callIndex(s.call));
    } else {
      f.u(LOCAL_GET, I0).u(LOCAL_SET, I);
      emitLoop(f, p, P, L, s.at);
    }
  }
  f.u(LOCAL_GET, HI).u(LOCAL_SET, I0).u(BR, 0);
  f.op(END, END);
  if (slotted) f.u(LOCAL_GET, 2).u(LOCAL_GET, SLOT).u(CALL, RELEASE);
  return encode(f, imports, locals, slotted ? 1 : 0);
}

function encode(f: Code, imports: Parameters<typeof encodeModule>[0]['imports'], locals: number[], globals: number): Uint8Array {
  return encodeModule({
    memory: { module: 'env', name: 'memory' },
    imports,
    globals,
    func: { name: 'run', params: [I32, I32, I32], results: [], locals, body: f },
  });
}
