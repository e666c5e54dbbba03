/**
 * Engine: one shared WebAssembly.Memory, N-1 worker threads (the caller is the
 * N-th), and typed wrappers for the built-in ops. Every op exists as `op()`
 * (a Promise) and `opSync()` (Node, and browser Workers); both drive the same op
 * generator. No `node:` import here: the host comes in as a Platform (platform.ts),
 * set by the entry's Engine subclass.
 */
import { DisposedError } from '../errors.js';
import { ArrayRegistry } from '../memory/arrays.js';
import { checkDtype, describe, dtypeOf, DTYPES, type Dtype, type TypedArray, type TypedArrayFor } from '../memory/dtypes.js';
import { Heap, HEAP_BASE, PAGE_BYTES } from '../memory/heap.js';
import { Dispatcher } from '../runtime/dispatcher.js';
import { KernelTable, kernelNames } from '../runtime/kernel-table.js';
import { DEFAULT_CALLER_SPIN, DEFAULT_WORKER_SPIN, MAX_WORKERS } from '../runtime/protocol.js';
import { DEFAULT_INLINE_WORK } from '../runtime/scheduler.js';
import { driveAsync, driveSync, type DriverConfig } from './driver.js';
import { JsKernels } from './js-kernels.js';
import type { Op } from './op.js';
import { OpContext } from './op-context.js';
import {
  checkOptions, type EngineOptions, type HistogramOptions, type LinspaceOptions, type MatmulOptions, type OpOptions,
  type OutOptions, type VarianceOptions,
} from './options.js';
import type { NumericPool } from '../runtime/numeric-pool.js';
import { threadCanBlock, type Platform } from './platform.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as srt from './ops/sort.js';
import * as hist from './ops/histogram.js';
import * as mm from './ops/matmul.js';
import * as gen from './ops/generate.js';

export type MapOp = (typeof ew.MAP_OPS)[number] | ((v: number) => number);

const MiB = 1024 * 1024;
const MAX_BYTES = 65536 * PAGE_BYTES;

function checkBytes(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_BYTES) {
    throw new RangeError(`${name} must be a positive integer number of bytes up to 4 GiB (${MAX_BYTES}); got ${describe(value)}`);
  }
  return value;
}

/** What Engine.create assembles; not for users (call Engine.create). */
export interface EngineParts {
  threads: number;
  memory: WebAssembly.Memory;
  maximumBytes: number;
  table: KernelTable;
  dispatcher: Dispatcher;
  pool: NumericPool | undefined;
  inlineWork: number;
  builtins: Map<string, number>;
  /** False on a browser's main thread, where Atomics.wait throws. */
  canBlock: boolean;
}

/**
 * The engine's core: memory, threads, built-in ops. The public `Engine`
 * (src/kernels/engine.ts) extends it with user kernels; this layer knows
 * nothing about compilers.
 */
export class EngineCore {
  /** Threads that compute, the caller included. */
  readonly threads: number;
  /** The shared memory every thread runs on. */
  readonly memory: WebAssembly.Memory;
  readonly #arrays: ArrayRegistry;
  readonly #dispatcher: Dispatcher;
  readonly #pool: NumericPool | undefined;
  readonly #table: KernelTable;
  readonly #driver: DriverConfig;
  readonly #js: JsKernels;
  readonly #canBlock: boolean;
  #nextSlot = 1;
  #disposing: Promise<void> | undefined;

  /** Use `Engine.create()`. */
  constructor(parts: EngineParts) {
    this.threads = parts.threads;
    this.memory = parts.memory;
    this.#arrays = new ArrayRegistry(new Heap(parts.memory, parts.maximumBytes));
    this.#dispatcher = parts.dispatcher;
    this.#pool = parts.pool;
    this.#table = parts.table;
    this.#driver = { dispatcher: parts.dispatcher, builtins: parts.builtins, inlineWork: parts.inlineWork };
    this.#js = new JsKernels(parts.table, this.#arrays.heap);
    this.#canBlock = parts.canBlock;
  }

  /** The host (Node or browser); each entry's Engine sets it, so the core links neither. */
  static platform: Platform | undefined = undefined;

  static async create<E extends EngineCore>(this: (new (parts: EngineParts) => E) & { platform: Platform | undefined }, options: EngineOptions = {}): Promise<E> {
    const platform = this.platform;
    if (!platform) throw new TypeError("Engine.create: no platform; import Engine from 'wasmpar' (Node) or 'wasmpar/browser'");
    if (typeof options !== 'object' || options === null) throw new TypeError(`Engine.create: options must be an object; got ${describe(options)}`);
    const threads = options.threads ?? platform.defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WORKERS + 1) {
      throw new RangeError(`Engine.create: threads must be an integer from 1 to ${MAX_WORKERS + 1}; got ${describe(options.threads)}`);
    }
    const initial = checkBytes(options.memory?.initial, 'Engine.create: memory.initial', 64 * MiB);
    const maximum = checkBytes(options.memory?.maximum, 'Engine.create: memory.maximum', MAX_BYTES);
    if (initial < HEAP_BASE + PAGE_BYTES || initial > maximum) {
      throw new RangeError(`Engine.create: memory.initial must be at least ${HEAP_BASE + PAGE_BYTES} bytes and at most memory.maximum (${maximum}); got ${initial}`);
    }
    const spin = options.spin ?? DEFAULT_WORKER_SPIN;
    if (!Number.isInteger(spin) || spin < 0) throw new RangeError(`Engine.create: spin must be a non-negative integer; got ${describe(options.spin)}`);
    const inlineWork = options.inlineThreshold ?? DEFAULT_INLINE_WORK;
    if (typeof inlineWork !== 'number' || !(inlineWork >= 0)) throw new RangeError(`Engine.create: inlineThreshold must be a non-negative number; got ${describe(options.inlineThreshold)}`);

    const pages = (bytes: number) => Math.ceil(bytes / PAGE_BYTES);
    const memory = new WebAssembly.Memory({ initial: pages(initial), maximum: pages(maximum), shared: true });
    const module = await platform.builtinModule();
    const table = new KernelTable(memory);
    table.instantiate(0, module);
    const builtins = new Map(kernelNames(module).map((name, i) => [name, i]));
    let dispatcher: Dispatcher | undefined;
    const pool = threads > 1
      ? await platform.startPool({ memory, count: threads - 1, spin, onExit: (i) => dispatcher?.workerExited(i) }, [{ slot: 0, module }])
      : undefined;
    dispatcher = new Dispatcher(table, threads - 1, options.spin ?? DEFAULT_CALLER_SPIN);
    const canBlock = threadCanBlock(memory);
    return new this({ threads, memory, maximumBytes: pages(maximum) * PAGE_BYTES, table, dispatcher, pool, inlineWork, builtins, canBlock });
  }

  /** Pages the memory may grow to: a module imported by every thread must allow at least this many. */
  get maximumPages(): number { return this.#arrays.heap.maximumBytes / PAGE_BYTES; }

  /**
   * Instantiate `module` on every thread (the caller now, each worker by an
   * acknowledged message) and return its slot. For the user-kernel layer.
   */
  protected async installModule(module: WebAssembly.Module): Promise<{ slot: number; names: string[] }> {
    this.#live('load');
    const slot = this.#nextSlot++;
    const names = this.#table.instantiate(slot, module);
    await this.#pool?.load(slot, module);
    return { slot, names };
  }

  // ------------------------------------------------------------ memory

  /** A zero-filled typed array of `n` elements on the shared memory (the zero-copy fast path). */
  alloc<D extends Dtype>(dtype: D, n: number): TypedArrayFor<D> {
    this.#live('alloc');
    checkDtype(dtype, 'alloc: dtype');
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new RangeError(`alloc: n must be a non-negative integer; got ${describe(n)}`);
    if (n * DTYPES[dtype].bytes > this.#arrays.heap.maximumBytes) {
      throw new RangeError(`alloc: ${n} × ${dtype} (${n * DTYPES[dtype].bytes} bytes) exceeds the engine's memory maximum of ${this.#arrays.heap.maximumBytes} bytes`);
    }
    return this.#arrays.alloc(dtype, n) as TypedArrayFor<D>;
  }

  /** Copy `data` (an array, typed array or iterable of numbers) into a new shared array. */
  from<D extends Dtype = 'f64'>(data: ArrayLike<number> | Iterable<number>, dtype?: D): TypedArrayFor<D> {
    this.#live('from');
    const d = (dtype === undefined ? dtypeOf(data) ?? 'f64' : checkDtype(dtype, 'from: dtype')) as D;
    let source: ArrayLike<number>;
    if (ArrayBuffer.isView(data) || Array.isArray(data)) source = data as ArrayLike<number>;
    else if (data != null && typeof (data as Iterable<number>)[Symbol.iterator] === 'function') source = Array.from(data as Iterable<number>);
    else if (data != null && typeof (data as ArrayLike<number>).length === 'number') source = data as ArrayLike<number>;
    else throw new TypeError(`from: data must be an array, a typed array or an iterable of numbers; got ${describe(data)}`);
    if (ArrayBuffer.isView(source) && !dtypeOf(source)) throw new TypeError(`from: ${describe(source)} is not a supported typed array`);
    const out = this.alloc(d, source.length);
    out.set(source);
    return out;
  }

  /** Return an array's block to the heap. Double free and foreign arrays are errors. */
  free(array: TypedArray): void {
    this.#live('free');
    this.#arrays.free(array, 'free: array');
  }

  /** Bytes currently allocated on the shared heap. */
  get bytesInUse(): number { return this.#arrays.heap.bytesInUse; }

  // ------------------------------------------------------------ driving

  #live(op: string): void {
    if (this.#disposing) throw new DisposedError(`${op}: the engine has been disposed`);
  }

  protected assertLive(op: string): void { this.#live(op); }

  /**
   * Run an op asynchronously. Everything — options included — is checked inside
   * the try, so a bad call rejects (never throws) and writes nothing.
   */
  protected runOp<T, O extends OpOptions = OpOptions>(op: string, opts: unknown, make: (ctx: OpContext, o: O) => Op<T>): Promise<T> {
    try {
      const o = checkOptions<O>(opts, op);
      this.#live(op);
      const ctx = new OpContext(op, this.#arrays, this.threads);
      return driveAsync(this.#driver, ctx, make(ctx, o), o.signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  protected runOpSync<T, O extends OpOptions = OpOptions>(op: string, opts: unknown, make: (ctx: OpContext, o: O) => Op<T>): T {
    // Before anything is allocated or published: a job this thread cannot wait for must never start.
    if (!this.#canBlock) {
      const name = op.replace(/Sync$/, '');
      throw new Error(`${op}: the *Sync ops block the thread, and a browser's main thread may not block (Atomics.wait throws there); on a browser's main thread use the async form (await engine.${name}(...)), or call ${op} inside a Worker`);
    }
    const o = checkOptions<O>(opts, op);
    this.#live(op);
    const ctx = new OpContext(op, this.#arrays, this.threads);
    return driveSync(this.#driver, ctx, make(ctx, o));
  }

  // ------------------------------------------------------------ elementwise

  fill<T extends TypedArray>(x: T, value: number, opts?: OpOptions): Promise<T> { return this.runOp('fill', opts, (c) => ew.fill(c, x, value)) as Promise<T>; }
  fillSync<T extends TypedArray>(x: T, value: number, opts?: OpOptions): T { return this.runOpSync('fillSync', opts, (c) => ew.fill(c, x, value)) as T; }

  copy<T extends TypedArray>(src: T, dst: T, opts?: OpOptions): Promise<T> { return this.runOp('copy', opts, (c) => ew.copy(c, src, dst)) as Promise<T>; }
  copySync<T extends TypedArray>(src: T, dst: T, opts?: OpOptions): T { return this.runOpSync('copySync', opts, (c) => ew.copy(c, src, dst)) as T; }

  map<T extends TypedArray>(op: MapOp, x: T, opts?: OutOptions): Promise<T> {
    return this.runOp<TypedArray, OutOptions>('map', opts, (c, o) => this.#mapOp(c, op, x, o.out)) as Promise<T>;
  }
  mapSync<T extends TypedArray>(op: MapOp, x: T, opts?: OutOptions): T {
    return this.runOpSync<TypedArray, OutOptions>('mapSync', opts, (c, o) => this.#mapOp(c, op, x, o.out)) as T;
  }
  #mapOp(ctx: OpContext, op: unknown, x: unknown, out: unknown): Op<TypedArray> {
    if (typeof op === 'function') return this.#js.map(ctx, op as (v: number) => number, x, out);
    if (typeof op === 'string') return ew.mapBuiltin(ctx, op, x, out);
    throw new TypeError(`${ctx.op}: op must be one of ${ew.MAP_OPS.map((o) => `'${o}'`).join(', ')}, a function or a Kernel; got ${describe(op)}`);
  }

  #binary<T extends TypedArray>(name: ew.BinaryOp, a: T, b: T | number, opts: unknown): Promise<T> {
    return this.runOp<TypedArray, OutOptions>(name, opts, (c, o) => ew.binary(c, name, a, b, o.out)) as Promise<T>;
  }
  #binarySync<T extends TypedArray>(name: ew.BinaryOp, a: T, b: T | number, opts: unknown): T {
    return this.runOpSync<TypedArray, OutOptions>(`${name}Sync`, opts, (c, o) => ew.binary(c, name, a, b, o.out)) as T;
  }
  add<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Promise<T> { return this.#binary('add', a, b, opts); }
  addSync<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): T { return this.#binarySync('add', a, b, opts); }
  subtract<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Promise<T> { return this.#binary('subtract', a, b, opts); }
  subtractSync<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): T { return this.#binarySync('subtract', a, b, opts); }
  multiply<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Promise<T> { return this.#binary('multiply', a, b, opts); }
  multiplySync<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): T { return this.#binarySync('multiply', a, b, opts); }
  divide<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Promise<T> { return this.#binary('divide', a, b, opts); }
  divideSync<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): T { return this.#binarySync('divide', a, b, opts); }
  maximum<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Promise<T> { return this.#binary('maximum', a, b, opts); }
  maximumSync<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): T { return this.#binarySync('maximum', a, b, opts); }
  minimum<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Promise<T> { return this.#binary('minimum', a, b, opts); }
  minimumSync<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): T { return this.#binarySync('minimum', a, b, opts); }
  pow<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Promise<T> { return this.#binary('pow', a, b, opts); }
  powSync<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): T { return this.#binarySync('pow', a, b, opts); }

  /** min(max(x, lo), hi) elementwise; NaN stays NaN. */
  clip<T extends TypedArray>(x: T, lo: number, hi: number, opts?: OutOptions<T>): Promise<T> {
    return this.runOp<TypedArray, OutOptions>('clip', opts, (c, o) => ew.clip(c, x, lo, hi, o.out)) as Promise<T>;
  }
  clipSync<T extends TypedArray>(x: T, lo: number, hi: number, opts?: OutOptions<T>): T {
    return this.runOpSync<TypedArray, OutOptions>('clipSync', opts, (c, o) => ew.clip(c, x, lo, hi, o.out)) as T;
  }

  /** y += alpha * x, in place. */
  axpy<T extends Float64Array | Float32Array>(alpha: number, x: T, y: T, opts?: OpOptions): Promise<T> { return this.runOp('axpy', opts, (c) => ew.axpy(c, alpha, x, y)) as Promise<T>; }
  axpySync<T extends Float64Array | Float32Array>(alpha: number, x: T, y: T, opts?: OpOptions): T { return this.runOpSync('axpySync', opts, (c) => ew.axpy(c, alpha, x, y)) as T; }

  // ------------------------------------------------------------ reductions

  sum(x: TypedArray, opts?: OpOptions): Promise<number> { return this.runOp('sum', opts, (c) => red.sum(c, x)); }
  sumSync(x: TypedArray, opts?: OpOptions): number { return this.runOpSync('sumSync', opts, (c) => red.sum(c, x)); }
  mean(x: TypedArray, opts?: OpOptions): Promise<number> { return this.runOp('mean', opts, (c) => red.mean(c, x)); }
  meanSync(x: TypedArray, opts?: OpOptions): number { return this.runOpSync('meanSync', opts, (c) => red.mean(c, x)); }
  min(x: TypedArray, opts?: OpOptions): Promise<number> { return this.runOp('min', opts, (c) => red.extremum(c, 'min', x)); }
  minSync(x: TypedArray, opts?: OpOptions): number { return this.runOpSync('minSync', opts, (c) => red.extremum(c, 'min', x)); }
  max(x: TypedArray, opts?: OpOptions): Promise<number> { return this.runOp('max', opts, (c) => red.extremum(c, 'max', x)); }
  maxSync(x: TypedArray, opts?: OpOptions): number { return this.runOpSync('maxSync', opts, (c) => red.extremum(c, 'max', x)); }
  argmin(x: TypedArray, opts?: OpOptions): Promise<number> { return this.runOp('argmin', opts, (c) => red.argExtremum(c, 'argmin', x)); }
  argminSync(x: TypedArray, opts?: OpOptions): number { return this.runOpSync('argminSync', opts, (c) => red.argExtremum(c, 'argmin', x)); }
  argmax(x: TypedArray, opts?: OpOptions): Promise<number> { return this.runOp('argmax', opts, (c) => red.argExtremum(c, 'argmax', x)); }
  argmaxSync(x: TypedArray, opts?: OpOptions): number { return this.runOpSync('argmaxSync', opts, (c) => red.argExtremum(c, 'argmax', x)); }
  variance(x: TypedArray, opts?: VarianceOptions): Promise<number> { return this.runOp<number, VarianceOptions>('variance', opts, (c, o) => red.variance(c, x, o.ddof)); }
  varianceSync(x: TypedArray, opts?: VarianceOptions): number { return this.runOpSync<number, VarianceOptions>('varianceSync', opts, (c, o) => red.variance(c, x, o.ddof)); }
  std(x: TypedArray, opts?: VarianceOptions): Promise<number> { return this.runOp<number, VarianceOptions>('std', opts, (c, o) => red.std(c, x, o.ddof)); }
  stdSync(x: TypedArray, opts?: VarianceOptions): number { return this.runOpSync<number, VarianceOptions>('stdSync', opts, (c, o) => red.std(c, x, o.ddof)); }
  norm(x: TypedArray, opts?: OpOptions): Promise<number> { return this.runOp('norm', opts, (c) => red.norm(c, x)); }
  normSync(x: TypedArray, opts?: OpOptions): number { return this.runOpSync('normSync', opts, (c) => red.norm(c, x)); }
  dot<T extends TypedArray>(a: T, b: T, opts?: OpOptions): Promise<number> { return this.runOp('dot', opts, (c) => red.dot(c, a, b)); }
  dotSync<T extends TypedArray>(a: T, b: T, opts?: OpOptions): number { return this.runOpSync('dotSync', opts, (c) => red.dot(c, a, b)); }

  // ------------------------------------------------------------ scan, sort, histogram, matmul, generators

  /** Inclusive prefix sum (integers wrap like the typed array). */
  cumsum<T extends TypedArray>(x: T, opts?: OutOptions<T>): Promise<T> { return this.runOp<TypedArray, OutOptions>('cumsum', opts, (c, o) => scan.cumsum(c, x, o)) as Promise<T>; }
  cumsumSync<T extends TypedArray>(x: T, opts?: OutOptions<T>): T { return this.runOpSync<TypedArray, OutOptions>('cumsumSync', opts, (c, o) => scan.cumsum(c, x, o)) as T; }
  /** In place, ascending, in exactly TypedArray#sort's order (-0 before +0, NaN last). */
  sort<T extends TypedArray>(x: T, opts?: OpOptions): Promise<T> { return this.runOp('sort', opts, (c) => srt.sort(c, x)) as Promise<T>; }
  sortSync<T extends TypedArray>(x: T, opts?: OpOptions): T { return this.runOpSync('sortSync', opts, (c) => srt.sort(c, x)) as T; }
  /** Indices that sort x (stable), as a Uint32Array. */
  argsort(x: TypedArray, opts?: OutOptions<Uint32Array>): Promise<Uint32Array> { return this.runOp<Uint32Array, OutOptions>('argsort', opts, (c, o) => srt.argsort(c, x, o)); }
  argsortSync(x: TypedArray, opts?: OutOptions<Uint32Array>): Uint32Array { return this.runOpSync<Uint32Array, OutOptions>('argsortSync', opts, (c, o) => srt.argsort(c, x, o)); }
  /** Counts per bin (numpy semantics: half-open bins, the last includes hi). */
  histogram(x: TypedArray, opts?: HistogramOptions): Promise<Uint32Array> { return this.runOp<Uint32Array, HistogramOptions>('histogram', opts, (c, o) => hist.histogram(c, x, o)); }
  histogramSync(x: TypedArray, opts?: HistogramOptions): Uint32Array { return this.runOpSync<Uint32Array, HistogramOptions>('histogramSync', opts, (c, o) => hist.histogram(c, x, o)); }
  /** C = A·B, row-major; A is m×k, B is k×n. */
  matmul<T extends Float64Array | Float32Array>(a: T, b: T, opts: MatmulOptions<T>): Promise<T> { return this.runOp<TypedArray, MatmulOptions<T>>('matmul', opts, (c, o) => mm.matmul(c, a, b, o)) as Promise<T>; }
  matmulSync<T extends Float64Array | Float32Array>(a: T, b: T, opts: MatmulOptions<T>): T { return this.runOpSync<TypedArray, MatmulOptions<T>>('matmulSync', opts, (c, o) => mm.matmul(c, a, b, o)) as T; }
  /** numpy.arange: [start, stop) by step, on the shared heap. */
  arange(start: number, stop?: number, step?: number, dtype?: Dtype, opts?: OutOptions): Promise<TypedArray> { return this.runOp<TypedArray, OutOptions>('arange', opts, (c, o) => gen.arange(c, start, stop, step, dtype, o)); }
  arangeSync(start: number, stop?: number, step?: number, dtype?: Dtype, opts?: OutOptions): TypedArray { return this.runOpSync<TypedArray, OutOptions>('arangeSync', opts, (c, o) => gen.arange(c, start, stop, step, dtype, o)); }
  /** numpy.linspace: num evenly spaced values from start to stop (inclusive unless endpoint: false). */
  linspace(start: number, stop: number, num?: number, dtype?: Dtype, opts?: LinspaceOptions): Promise<TypedArray> { return this.runOp<TypedArray, LinspaceOptions>('linspace', opts, (c, o) => gen.linspace(c, start, stop, num, dtype, o)); }
  linspaceSync(start: number, stop: number, num?: number, dtype?: Dtype, opts?: LinspaceOptions): TypedArray { return this.runOpSync<TypedArray, LinspaceOptions>('linspaceSync', opts, (c, o) => gen.linspace(c, start, stop, num, dtype, o)); }

  // ------------------------------------------------------------ lifecycle

  /** Stop the workers. Queued ops reject with DisposedError; an op already running completes. */
  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      await this.#dispatcher.dispose();
      await this.#pool?.close();
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> { return this.dispose(); }
}
