/**
 * What an op sees of the engine while it runs: argument validation and staging.
 * Arrays on the engine's memory are used in place; any other typed array is
 * copied into scratch ("staged") and, for outputs, copied back when the op
 * succeeds. Scratch is freed when the op ends, on every path.
 */
import type { ArrayRegistry } from '../memory/arrays.js';
import { DTYPES, describe, dtypeOf, isDetached, type Dtype, type TypedArray } from '../memory/dtypes.js';
import type { ArrayArg, KernelRef, Op } from './op.js';
import type { WasmModule } from '../memory/wasm-types.js';
import { overlap } from './overlap.js';

const ARRAY_KINDS = 'a Float64Array, Float32Array, Int32Array, Uint32Array or Uint8Array';

export interface InputOptions {
  /** Allowed dtypes (default: all). */
  dtypes?: readonly Dtype[];
  /** Required dtype (e.g. the same as another argument). */
  dtype?: Dtype;
  /** Required length. */
  length?: number;
  /** Name of the argument `length`/`dtype` must match, for the message. */
  like?: string;
}

/** What an op may ask of the engine that runs it, besides arrays. */
export interface OpServices {
  /** The engine itself: a user kernel must have been loaded by it. */
  readonly owner: object;
  /** `map` with a JS function (js-kernels.ts). */
  mapFunction(ctx: OpContext, fn: (v: number) => number, x: unknown, out: unknown): Op<TypedArray>;
  /**
   * A generated kernel module (one exported function, importing env.memory),
   * instantiated here as shipped kernel `id`; each
   * job that runs it carries the module's bytes at args[1] (address) and
   * args[2] (length), from which every other thread instantiates it on first sight.
   */
  shippedKernel(id: number, module: WasmModule, name: string): KernelRef;
}

/** Per engine, shared by every op it runs. */
export interface OpEnv {
  readonly arrays: ArrayRegistry;
  readonly threads: number;
  readonly services: OpServices;
}

class Arg implements ArrayArg {
  constructor(
    readonly ptr: number,
    readonly length: number,
    readonly dtype: Dtype,
    readonly view: TypedArray,
    /** The user's array when it was staged (written back for outputs). */
    readonly user: TypedArray | undefined,
  ) {}
}

export class OpContext {
  readonly op: string;
  readonly threads: number;
  readonly services: OpServices;
  readonly #arrays: ArrayRegistry;
  // Created on first use: most ops on engine arrays never stage or allocate scratch,
  // and a small op is dominated by such fixed costs.
  #scratch: number[] | undefined;
  #copyBack: Array<{ from: TypedArray; to: TypedArray }> | undefined;
  #inputs: Arg[] | undefined;
  /** Blocks of the user's arrays this op uses in place: engine.free refuses them until the op ends. */
  #pinned: number[] | undefined;
  /** Results this op allocated for the user: theirs on success, freed on failure. */
  #fresh: TypedArray[] | undefined;

  /** Whether the op's kernels may write an array that IS one of its inputs (see OpDecl.aliasSafe). */
  readonly #aliasSafe: boolean;

  constructor(op: string, env: OpEnv, aliasSafe = false) {
    this.op = op;
    this.#aliasSafe = aliasSafe;
    this.#arrays = env.arrays;
    this.threads = env.threads;
    this.services = env.services;
  }

  /** Validate a typed array argument without staging it. */
  check(x: unknown, name: string, opts: InputOptions = {}): TypedArray {
    const dtype = dtypeOf(x);
    if (!dtype) throw new TypeError(`${this.op}: ${name} must be ${ARRAY_KINDS}; got ${describe(x)}`);
    if (opts.dtype && dtype !== opts.dtype) {
      throw new TypeError(`${this.op}: ${name} has dtype '${dtype}' but ${opts.like ?? 'the operation'} has dtype '${opts.dtype}'; they must match`);
    }
    if (opts.dtypes && !opts.dtypes.includes(dtype)) {
      throw new TypeError(`${this.op}: ${name} has dtype '${dtype}'; ${this.op} supports ${opts.dtypes.map((d) => `'${d}'`).join(', ')}`);
    }
    const view = x as TypedArray;
    if (isDetached(view)) throw new TypeError(`${this.op}: ${name} is a ${describe(view).replace(/\(.*/, '')} whose ArrayBuffer was detached (transferred); it holds no data`);
    if (opts.length !== undefined && view.length !== opts.length) {
      throw new RangeError(`${this.op}: ${name} has length ${view.length}; expected ${opts.length}${opts.like ? ` (the length of ${opts.like})` : ''}`);
    }
    const where = this.#arrays.locate(view);
    if (where === 'freed') throw new TypeError(`${this.op}: ${name} was freed with engine.free and cannot be used`);
    if (where === 'unallocated') throw new TypeError(`${this.op}: ${name} lies in engine memory that is not allocated (was it freed?)`);
    return view;
  }

  /** An array the op only reads. */
  input(x: unknown, name: string, opts?: InputOptions): ArrayArg {
    const view = this.check(x, name, opts);
    const arg = this.#place(view, true);
    (this.#inputs ??= []).push(arg);
    return arg;
  }

  /**
   * An array the op reads and writes in place (axpy's y, sort's x). Like an
   * output, it is staged when it overlaps an input (see #overlapsInput).
   */
  inout(x: unknown, name: string, opts?: InputOptions): ArrayArg {
    const view = this.check(x, name, opts);
    const arg = this.#overlapsInput(view) ? this.#stage(view, true) : this.#place(view, true);
    if (arg.user) (this.#copyBack ??= []).push({ from: arg.view, to: view });
    (this.#inputs ??= []).push(arg);
    return arg;
  }

  /**
   * The op's output: the user's `out` (validated) or a fresh array on the heap.
   * An `out` that overlaps an input is staged: chunks run in any order, so
   * in-place work is only safe when out and input coincide exactly and the op
   * is alias-safe (elementwise).
   */
  output(out: unknown, name: string, dtype: Dtype, length: number): ArrayArg {
    if (out === undefined || out === null) {
      const view = this.#arrays.alloc(dtype, length);
      (this.#fresh ??= []).push(view);
      return new Arg(view.byteOffset, length, dtype, view, undefined);
    }
    const view = this.check(out, name, { dtype, length, like: 'the result' });
    const arg = this.#overlapsInput(view) ? this.#stage(view, false) : this.#place(view, false);
    if (arg.user) (this.#copyBack ??= []).push({ from: arg.view, to: view });
    return arg;
  }

  /** Scratch space on the heap, freed when the op ends. */
  scratch(dtype: Dtype, length: number): ArrayArg {
    const info = DTYPES[dtype];
    const ptr = this.#arrays.heap.alloc(length * info.bytes);
    (this.#scratch ??= []).push(ptr);
    const view = new info.ctor(this.#arrays.heap.buffer, ptr, length);
    return new Arg(ptr, length, dtype, view, undefined);
  }

  /** Raw scratch bytes (64-byte aligned), freed when the op ends: for an op that lays out its own block (the expression VM's frame). */
  scratchBytes(bytes: number): number {
    const ptr = this.#arrays.heap.alloc(bytes);
    (this.#scratch ??= []).push(ptr);
    return ptr;
  }

  /** The shared memory's current buffer. */
  get buffer(): SharedArrayBuffer { return this.#arrays.heap.buffer; }

  /** The array the user gets back for an output. */
  result(arg: ArrayArg): TypedArray {
    return ((arg as Arg).user ?? arg.view) as TypedArray;
  }

  /** Copy staged outputs back (on success) and free all scratch (always) and unreturned results (on failure). */
  finish(ok: boolean): void {
    const fresh = this.#fresh;
    try {
      if (ok && this.#copyBack) for (const { from, to } of this.#copyBack) to.set(from);
    } finally {
      // Unpin first: a multi-step op (matmul, N-d plans) reads its own fresh result in a
      // later step, which pins it; freeing it while pinned would throw and leak it.
      if (this.#pinned) for (const start of this.#pinned) this.#arrays.unpin(start);
      if (this.#scratch) for (const ptr of this.#scratch) this.#arrays.heap.free(ptr);
      this.#scratch = this.#copyBack = this.#fresh = this.#pinned = undefined;
      if (!ok && fresh) for (const view of fresh) this.#arrays.free(view);
    }
  }

  /**
   * Whether a written array must be computed aside: it shares bytes with an
   * input used in place, other than as the exact alias an alias-safe op allows.
   */
  #overlapsInput(view: TypedArray): boolean {
    if (this.#inputs === undefined || this.#arrays.locate(view) !== 'own') return false;
    const span = spanOf(view);
    return this.#inputs.some((a) => {
      if (a.user !== undefined) return false;
      const o = overlap(a, span);
      return o === 'partial' || (o === 'same' && !this.#aliasSafe);
    });
  }

  #place(view: TypedArray, copyIn: boolean): Arg {
    if (this.#arrays.locate(view) === 'own') {
      if (view.length > 0) (this.#pinned ??= []).push(this.#arrays.pin(view));
      return new Arg(view.byteOffset, view.length, dtypeOf(view)!, view, undefined);
    }
    return this.#stage(view, copyIn);
  }

  #stage(view: TypedArray, copyIn: boolean): Arg {
    const dtype = dtypeOf(view)!;
    const staged = this.scratch(dtype, view.length);
    if (copyIn) (staged.view as TypedArray).set(view);
    return new Arg(staged.ptr, staged.length, dtype, staged.view as TypedArray, view);
  }
}

function spanOf(view: TypedArray): { ptr: number; length: number; dtype: Dtype } {
  return { ptr: view.byteOffset, length: view.length, dtype: dtypeOf(view)! };
}
