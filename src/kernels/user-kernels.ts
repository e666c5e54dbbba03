/**
 * User kernels: handles to the exports of a loaded module, and the ops that run
 * them (parallelFor, parallelReduce, map with a kernel).
 */
import { describe, type TypedArray } from '../memory/dtypes.js';
import type { KernelRef, Op } from '../engine/op.js';
import type { OpContext } from '../engine/op-context.js';
import { pairwiseSum } from '../engine/ops/reduce.js';
import { MAX_CHUNKS } from '../runtime/protocol.js';
import { CHUNK_WORK } from '../runtime/scheduler.js';
import type { KernelModuleInfo, ValType } from './wasm-inspect.js';

/** One exported kernel of a loaded module, usable only with the engine that loaded it. */
export class Kernel implements KernelRef {
  constructor(
    readonly owner: object,
    readonly module: number,
    readonly index: number,
    readonly name: string,
    /** Parameter types after (start, end). */
    readonly params: readonly ValType[],
    /** The partial's type for a reduction kernel, or null. */
    readonly result: ValType | null,
  ) {}

  toString(): string {
    return `Kernel ${this.name}(start, end${this.params.map((p) => `, ${p}`).join('')})${this.result ? `: ${this.result}` : ''}`;
  }
}

/** A loaded module: each kernel export is a property holding its `Kernel`. */
export class KernelModule {
  /** The module's wasm (keep it to `engine.load` it elsewhere, or to cache it yourself). */
  readonly bytes: Uint8Array;
  readonly info: KernelModuleInfo;
  readonly #kernels = new Map<string, Kernel>();

  constructor(bytes: Uint8Array, info: KernelModuleInfo, kernels: Kernel[]) {
    this.bytes = bytes;
    this.info = info;
    for (const k of kernels) {
      this.#kernels.set(k.name, k);
      if (!(k.name in this)) Object.defineProperty(this, k.name, { value: k, enumerable: true });
    }
  }

  /** Kernel names, in export order. */
  get kernels(): string[] { return [...this.#kernels.keys()]; }

  /** The kernel called `name` (also for names that clash with `bytes`, `info`...). */
  kernel(name: string): Kernel {
    const k = this.#kernels.get(name);
    if (!k) throw new TypeError(`the module has no kernel named '${name}'; it has ${this.kernels.map((n) => `'${n}'`).join(', ')}`);
    return k;
  }
}

/**
 * The kernels of a loaded module as properties (`mod.axpb`). `load` and
 * `compile` resolve to `KernelModule & KernelExports<Names>`: with the default
 * `Names = string` any property reads as a Kernel; name them
 * (`engine.compile<'axpb' | 'sumsq'>(src)`) to have a typo caught.
 */
export type KernelExports<Names extends string = string> = { readonly [K in Names]: Kernel };

/** What a kernel parameter after (start, end) takes: a number, or a typed array (passed as its address). */
export type KernelArg = number | TypedArray;
/** A kernel's arguments, optionally followed by `{ chunkSize, signal }`. */
export type KernelArgs = KernelArg[] | [...KernelArg[], ParallelForOptions | undefined];

export interface ParallelForOptions {
  /** Elements (or rows, or whatever unit the kernel's range counts) per chunk. */
  chunkSize?: number;
  signal?: AbortSignal;
}

export const COMBINES = ['sum', 'min', 'max'] as const;
export type Combine = (typeof COMBINES)[number];

/**
 * Default chunking, independent of the thread count (so reductions are
 * reproducible): chunks of the built-ins' size for a cost-1 op (CHUNK_WORK
 * items) while that leaves at least 16 chunks, else 16 chunks, and never more
 * than 256. A claim costs ~0.3 µs (contended atomics and a call), and a user
 * kernel's cost per item is unknown: a cheap streaming kernel over 1M f64 ran
 * at 0.6× the built-in with 256 chunks, 0.85× with 64 and 0.96× with 16 (the
 * built-in's chunking), while Mandelbrot rows on 2 threads balanced as well
 * with 16 chunks as with 64. Uneven work on many threads wants a smaller
 * `chunkSize`, a cheap kernel on a short range a larger one.
 */
const MAX_DEFAULT_CHUNKS = 256;
const MIN_DEFAULT_CHUNKS = 16;
/** User kernels' cost is unknown: never run a multi-chunk job inline on the strength of its length alone. */
const UNKNOWN_COST = 1e9;

export function checkKernel(owner: object, kernel: unknown, op: string): Kernel {
  if (!(kernel instanceof Kernel)) throw new TypeError(`${op}: kernel must be a Kernel from engine.compile or engine.load; got ${describe(kernel)}`);
  if (kernel.owner !== owner) throw new TypeError(`${op}: kernel ${kernel.name} was loaded by another engine; load its module on this engine`);
  return kernel;
}

function checkLength(n: unknown, op: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new RangeError(`${op}: n must be an integer from 0 to 2^31-1; got ${describe(n)}`);
  }
  return n;
}

function chunkFor(n: number, chunkSize: unknown, op: string): number {
  if (chunkSize === undefined) {
    return Math.max(1, Math.ceil(n / MAX_DEFAULT_CHUNKS), Math.min(CHUNK_WORK, Math.ceil(n / MIN_DEFAULT_CHUNKS)));
  }
  if (typeof chunkSize !== 'number' || !Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`${op}: chunkSize must be a positive integer; got ${describe(chunkSize)}`);
  }
  return chunkSize;
}

/** Typed arrays become byte addresses (staged if foreign, written back after); numbers pass through. */
function marshal(ctx: OpContext, kernel: Kernel, args: readonly unknown[]): number[] {
  if (args.length !== kernel.params.length) {
    throw new RangeError(`${ctx.op}: kernel ${kernel.name} takes ${kernel.params.length} argument(s) after (start, end); got ${args.length}`);
  }
  return args.map((a, i) => {
    const name = `args[${i}]`;
    if (typeof a === 'number') return a;
    if (ArrayBuffer.isView(a)) {
      if (kernel.params[i] !== 'i32') throw new TypeError(`${ctx.op}: ${name} is an array but kernel ${kernel.name} declares that parameter ${kernel.params[i]}; arrays pass as a usize (i32) address`);
      return ctx.inout(a, name).ptr;
    }
    throw new TypeError(`${ctx.op}: ${name} must be a number or a typed array; got ${describe(a)}`);
  });
}

export function* parallelFor(ctx: OpContext, owner: object, kernel: unknown, n: unknown, args: readonly unknown[], opts: ParallelForOptions): Op<void> {
  const k = checkKernel(owner, kernel, ctx.op);
  const len = checkLength(n, ctx.op);
  const chunk = chunkFor(len, opts.chunkSize, ctx.op);
  const argv = marshal(ctx, k, args);
  if (len === 0) return;
  yield { kernel: k, n: len, chunk, args: argv, cost: UNKNOWN_COST };
}

export function* parallelReduce(ctx: OpContext, owner: object, kernel: unknown, n: unknown, combine: unknown, args: readonly unknown[], opts: ParallelForOptions): Op<number> {
  const k = checkKernel(owner, kernel, ctx.op);
  const len = checkLength(n, ctx.op);
  if (!COMBINES.includes(combine as Combine)) throw new TypeError(`${ctx.op}: combine must be 'sum', 'min' or 'max'; got ${describe(combine)}`);
  if (!k.result) throw new TypeError(`${ctx.op}: kernel ${k.name} returns nothing; a reduction kernel returns its chunk's partial (f64)`);
  const chunk = chunkFor(len, opts.chunkSize, ctx.op);
  // Partials live in the control block, which holds MAX_CHUNKS of them: more chunks
  // would write past it into the heap. Refuse rather than change the user's chunking.
  if (Math.ceil(len / chunk) > MAX_CHUNKS) {
    throw new RangeError(`${ctx.op}: chunkSize ${chunk} splits ${len} elements into ${Math.ceil(len / chunk)} chunks; a reduction has at most ${MAX_CHUNKS} partials, so use chunkSize >= ${Math.ceil(len / MAX_CHUNKS)}`);
  }
  const argv = marshal(ctx, k, args);
  if (len === 0) return combine === 'sum' ? 0 : combine === 'min' ? Infinity : -Infinity;
  const partials = (yield { kernel: k, n: len, chunk, args: argv, partials: true, cost: UNKNOWN_COST })!;
  if (combine === 'sum') return pairwiseSum(partials);
  // NaN propagates, as in the built-in min/max; chunk order keeps it deterministic.
  let best = partials[0]!;
  for (let i = 1; i < partials.length && !Number.isNaN(best); i++) {
    const v = partials[i]!;
    if (Number.isNaN(v) || (combine === 'min' ? v < best : v > best)) best = v;
  }
  return best;
}

/** map(kernel, x, { out }): the kernel has the signature (start, end, x, out). */
export function* mapKernel(ctx: OpContext, owner: object, kernel: Kernel, x: unknown, out: unknown): Op<TypedArray> {
  const k = checkKernel(owner, kernel, ctx.op);
  if (k.params.length !== 2 || k.params[0] !== 'i32' || k.params[1] !== 'i32') {
    throw new TypeError(`${ctx.op}: a map kernel has the signature (start, end, x: usize, out: usize); ${k} does not`);
  }
  const X = ctx.input(x, 'x');
  const O = ctx.output(out, 'out', X.dtype, X.length);
  if (X.length > 0) yield { kernel: k, n: X.length, args: [X.ptr, O.ptr], cost: 4 };
  return ctx.result(O);
}
