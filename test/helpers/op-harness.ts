/**
 * Drives the library ops' generators (src/engine/ops/*) directly against
 * build/kernels.wasm, without the engine: each job's chunks run in a shuffled
 * order (order independence) on one shared memory, with scratch poisoned (no
 * reads of uninitialized scratch). For test/engine-{sort,scan,histogram,matmul,generate}.test.ts.
 */
import { readFileSync } from 'node:fs';
import { writeMathTables } from '../../dist/runtime/math-tables.js';

export type DT = 'f64' | 'f32' | 'i32' | 'u32' | 'u8';
export type TA = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;
export const CTOR = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array } as const;
const dtOf = (x: TA): DT => (x instanceof Float64Array ? 'f64' : x instanceof Float32Array ? 'f32' : x instanceof Int32Array ? 'i32' : x instanceof Uint32Array ? 'u32' : 'u8');

export let memory: WebAssembly.Memory;
export let k: Record<string, (...args: number[]) => number>;
let heap = 65536;
/** Forget every allocation (between tests that allocate a lot). */
export function resetHeap(): void { heap = 65536; }
let seed = 12345;
export const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };

/** Call in beforeAll: instantiates build/kernels.wasm on a fresh shared memory. */
export async function setupKernels(): Promise<void> {
  const mod = await WebAssembly.compile(readFileSync(new URL('../../build/kernels.wasm', import.meta.url)));
  memory = new WebAssembly.Memory({ initial: 1024, maximum: 65536, shared: true });
  writeMathTables(memory); // the engine does this at memory creation
  const env: Record<string, unknown> = { memory };
  if (WebAssembly.Module.imports(mod).some((i) => i.name === 'abort')) env.abort = () => { throw new Error('abort'); };
  k = (await WebAssembly.instantiate(mod, { env } as WebAssembly.Imports)).exports as typeof k;
}

export function alloc(dt: DT, n: number): TA {
  const C = CTOR[dt];
  const ptr = (heap + 63) & ~63;
  heap = ptr + Math.max(1, n) * C.BYTES_PER_ELEMENT;
  const need = heap + 1024 - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
  return new C(memory.buffer, ptr, n);
}

/** Stand-in for the engine's OpContext: bump allocation on the test memory. */
class FakeCtx {
  threads = 1;
  copyBack: Array<[TA, TA]> = [];
  constructor(readonly op: string) {}
  place(x: unknown, name: string, opts: { dtypes?: DT[]; dtype?: DT } = {}, back = false) {
    if (!ArrayBuffer.isView(x)) throw new TypeError(`${this.op}: ${name} must be a typed array`);
    const v = x as TA, dtype = dtOf(v);
    if (opts.dtypes && !opts.dtypes.includes(dtype)) throw new TypeError(`${this.op}: ${name} has dtype '${dtype}'`);
    if (opts.dtype && opts.dtype !== dtype) throw new TypeError(`${this.op}: ${name} has dtype '${dtype}'`);
    if (v.buffer === memory.buffer) return { ptr: v.byteOffset, length: v.length, dtype, view: v };
    const s = alloc(dtype, v.length); s.set(v);
    if (back) this.copyBack.push([s, v]);
    return { ptr: s.byteOffset, length: v.length, dtype, view: s, user: v };
  }
  input(x: unknown, name: string, opts?: { dtypes?: DT[]; dtype?: DT }) { return this.place(x, name, opts); }
  inout(x: unknown, name: string, opts?: { dtypes?: DT[]; dtype?: DT }) { return this.place(x, name, opts, true); }
  output(out: unknown, name: string, dtype: DT, length: number) {
    if (out === undefined) { const v = alloc(dtype, length); v.fill(7 as never); return { ptr: v.byteOffset, length, dtype, view: v }; }
    if ((out as TA).length !== length) throw new RangeError(`${this.op}: ${name} length`);
    return this.place(out, name, { dtype }, true);
  }
  scratch(dtype: DT, length: number) {
    const v = alloc(dtype, length);
    new Uint8Array(v.buffer, v.byteOffset, v.byteLength).fill(0xa5);
    return { ptr: v.byteOffset, length, dtype, view: v };
  }
  result(arg: { view: TA; user?: TA }) { return arg.user ?? arg.view; }
}

/** Run an op's jobs sequentially, each job's chunks in a shuffled order. */
export function drive<T>(op: string, make: (ctx: never) => Generator<any, T, any>): T {
  const ctx = new FakeCtx(op);
  const mark = heap;
  const gen = make(ctx as never);
  let step = gen.next();
  while (!step.done) {
    const job = step.value;
    const fn = k[job.kernel];
    if (!fn) throw new Error(`missing kernel ${job.kernel}`);
    const chunk = job.chunk ?? 1000;
    const chunks = job.n === 0 ? 0 : Math.ceil(job.n / chunk);
    const order = Array.from({ length: chunks }, (_, i) => i);
    for (let i = chunks - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
    const partials = new Float64Array(chunks);
    for (const c of order) partials[c] = fn(c * chunk, Math.min(job.n, (c + 1) * chunk), ...job.args);
    step = gen.next(job.partials ? partials : undefined);
  }
  for (const [from, to] of ctx.copyBack) to.set(from);
  const result = step.value;
  // Results on the test memory must survive the heap reset: copy them out.
  const copy = ArrayBuffer.isView(result) && (result as TA).buffer === memory.buffer ? (result as TA).slice() : result;
  heap = mark;
  return copy as T;
}

export function randomArray(dt: DT, n: number, kind: 'random' | 'dups' | 'sorted' | 'reversed' | 'special' = 'random'): TA {
  const a = new CTOR[dt](n);
  const special = [NaN, -0, 0, Infinity, -Infinity, -NaN, 1e-310, -1e-310, 1, -1];
  for (let i = 0; i < n; i++) {
    let v: number;
    if (kind === 'dups') v = Math.floor(rand() * 5) - 2;
    else if (kind === 'special' && dt[0] === 'f' && rand() < 0.3) v = special[Math.floor(rand() * special.length)]!;
    else v = dt === 'u8' ? rand() * 256 : dt === 'u32' ? rand() * 4294967296 : dt === 'i32' ? (rand() - 0.5) * 4294967296 : (rand() - 0.5) * 1e6;
    a[i] = dt[0] === 'f' ? v : Math.floor(v);
  }
  if (kind === 'sorted') a.sort();
  if (kind === 'reversed') a.sort().reverse();
  return a;
}

export const SIZES = [0, 1, 2, 3, 7, 97, 1009, 65537, 300007];
export const DTS: DT[] = ['f64', 'f32', 'i32', 'u32', 'u8'];
export const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};

