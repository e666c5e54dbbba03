/**
 * Engine: one shared WebAssembly.Memory, N-1 worker threads (the caller is the
 * N-th), and typed wrappers for the built-in ops. Every op exists as `op()`
 * (a Promise) and `opSync()` (Node); both drive the same op generator.
 */
import { availableParallelism } from 'node:os';
import { DisposedError } from '../errors.js';
import { ArrayRegistry } from '../memory/arrays.js';
import { checkDtype, describe, dtypeOf, DTYPES, type Dtype, type TypedArray, type TypedArrayFor } from '../memory/dtypes.js';
import { Heap, HEAP_BASE, PAGE_BYTES } from '../memory/heap.js';
import { Dispatcher } from '../runtime/dispatcher.js';
import { KernelTable, kernelNames } from '../runtime/kernel-table.js';
import { WorkerPool } from '../runtime/pool.js';
import { DEFAULT_CALLER_SPIN, DEFAULT_WORKER_SPIN, MAX_WORKERS } from '../runtime/protocol.js';
import { DEFAULT_INLINE_WORK } from '../runtime/scheduler.js';
import { driveAsync, driveSync, type DriverConfig } from './driver.js';
import { JsKernels } from './js-kernels.js';
import { builtinModule } from './builtin-module.js';
import type { Op } from './op.js';
import { OpContext } from './op-context.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';

export interface EngineOptions {
  /** Threads that compute, the caller included (default: os.availableParallelism()). */
  threads?: number;
  /** Shared memory size in bytes: initial (default 64 MiB) and maximum (default 4 GiB). */
  memory?: { initial?: number; maximum?: number };
  /** Spin iterations before a thread sleeps (tuning; default 20000). */
  spin?: number;
  /** Work (elements × op cost) below which an op runs on the calling thread only. */
  inlineThreshold?: number;
}

export interface OpOptions { signal?: AbortSignal }
export interface OutOptions<T extends TypedArray = TypedArray> extends OpOptions { out?: T }
export interface VarianceOptions extends OpOptions { ddof?: number }
export type MapOp = (typeof ew.MAP_OPS)[number] | ((v: number) => number);

const MiB = 1024 * 1024;
const MAX_BYTES = 65536 * PAGE_BYTES;

export function checkOptions<T extends object>(opts: unknown, op: string): T {
  if (opts === undefined) return {} as T;
  if (typeof opts !== 'object' || opts === null || ArrayBuffer.isView(opts)) {
    throw new TypeError(`${op}: options must be an object like { out, signal }; got ${describe(opts)}`);
  }
  const signal = (opts as OpOptions).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${op}: options.signal must be an AbortSignal; got ${describe(signal)}`);
  }
  return opts as T;
}

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
  pool: WorkerPool | undefined;
  inlineWork: number;
  builtins: Map<string, number>;
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
  readonly #pool: WorkerPool | undefined;
  readonly #table: KernelTable;
  readonly #driver: DriverConfig;
  readonly #js: JsKernels;
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
  }

  static async create<E extends EngineCore>(this: new (parts: EngineParts) => E, options: EngineOptions = {}): Promise<E> {
    if (typeof options !== 'object' || options === null) throw new TypeError(`Engine.create: options must be an object; got ${describe(options)}`);
    const threads = options.threads ?? availableParallelism();
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
    const module = await builtinModule();
    const table = new KernelTable(memory);
    table.instantiate(0, module);
    const builtins = new Map(kernelNames(module).map((name, i) => [name, i]));
    let dispatcher: Dispatcher | undefined;
    const pool = threads > 1
      ? await WorkerPool.start({ memory, count: threads - 1, spin, onExit: (i) => dispatcher?.workerExited(i) }, [{ slot: 0, module }])
      : undefined;
    dispatcher = new Dispatcher(table, threads - 1, options.spin ?? DEFAULT_CALLER_SPIN);
    return new this({ threads, memory, maximumBytes: pages(maximum) * PAGE_BYTES, table, dispatcher, pool, inlineWork, builtins });
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

  /** Drive an op generator asynchronously (user-kernel layer and built-ins alike). */
  protected runOp<T>(op: string, signal: AbortSignal | undefined, make: (ctx: OpContext) => Op<T>): Promise<T> {
    return this.#async(op, signal, make);
  }

  protected runOpSync<T>(op: string, make: (ctx: OpContext) => Op<T>): T {
    return this.#sync(op, make);
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

  protected assertLive(op: string): void { this.#live(op); }

  #live(op: string): void {
    if (this.#disposing) throw new DisposedError(`${op}: the engine has been disposed`);
  }

  #sync<T>(op: string, make: (ctx: OpContext) => Op<T>): T {
    this.#live(op);
    const ctx = new OpContext(op, this.#arrays, this.threads);
    return driveSync(this.#driver, ctx, make(ctx));
  }

  #async<T>(op: string, signal: AbortSignal | undefined, make: (ctx: OpContext) => Op<T>): Promise<T> {
    try {
      this.#live(op);
      const ctx = new OpContext(op, this.#arrays, this.threads);
      return driveAsync(this.#driver, ctx, make(ctx), signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  // ------------------------------------------------------------ elementwise

  fill<T extends TypedArray>(x: T, value: number, opts?: OpOptions): Promise<T> {
    const o = checkOptions<OpOptions>(opts, 'fill');
    return this.#async('fill', o.signal, (c) => ew.fill(c, x, value)) as Promise<T>;
  }
  fillSync<T extends TypedArray>(x: T, value: number, opts?: OpOptions): T {
    checkOptions<OpOptions>(opts, 'fillSync');
    return this.#sync('fillSync', (c) => ew.fill(c, x, value)) as T;
  }

  copy<T extends TypedArray>(src: T, dst: T, opts?: OpOptions): Promise<T> {
    const o = checkOptions<OpOptions>(opts, 'copy');
    return this.#async('copy', o.signal, (c) => ew.copy(c, src, dst)) as Promise<T>;
  }
  copySync<T extends TypedArray>(src: T, dst: T, opts?: OpOptions): T {
    checkOptions<OpOptions>(opts, 'copySync');
    return this.#sync('copySync', (c) => ew.copy(c, src, dst)) as T;
  }

  map<T extends TypedArray>(op: MapOp, x: T, opts?: OutOptions): Promise<T> {
    const o = checkOptions<OutOptions>(opts, 'map');
    return this.#async('map', o.signal, (c) => this.#mapOp(c, op, x, o.out)) as Promise<T>;
  }
  mapSync<T extends TypedArray>(op: MapOp, x: T, opts?: OutOptions): T {
    const o = checkOptions<OutOptions>(opts, 'mapSync');
    return this.#sync('mapSync', (c) => this.#mapOp(c, op, x, o.out)) as T;
  }
  #mapOp(ctx: OpContext, op: unknown, x: unknown, out: unknown): Op<TypedArray> {
    if (typeof op === 'function') return this.#js.map(ctx, op as (v: number) => number, x, out);
    if (typeof op === 'string') return ew.mapBuiltin(ctx, op, x, out);
    throw new TypeError(`${ctx.op}: op must be one of ${ew.MAP_OPS.map((o) => `'${o}'`).join(', ')} or a function; got ${describe(op)}`);
  }

  #binary<T extends TypedArray>(name: ew.BinaryOp, a: T, b: T | number, opts: unknown): Promise<T> {
    const o = checkOptions<OutOptions>(opts, name);
    return this.#async(name, o.signal, (c) => ew.binary(c, name, a, b, o.out)) as Promise<T>;
  }
  #binarySync<T extends TypedArray>(name: ew.BinaryOp, a: T, b: T | number, opts: unknown): T {
    const o = checkOptions<OutOptions>(opts, `${name}Sync`);
    return this.#sync(`${name}Sync`, (c) => ew.binary(c, name, a, b, o.out)) as T;
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

  /** y += alpha * x, in place. */
  axpy<T extends Float64Array | Float32Array>(alpha: number, x: T, y: T, opts?: OpOptions): Promise<T> {
    const o = checkOptions<OpOptions>(opts, 'axpy');
    return this.#async('axpy', o.signal, (c) => ew.axpy(c, alpha, x, y)) as Promise<T>;
  }
  axpySync<T extends Float64Array | Float32Array>(alpha: number, x: T, y: T, opts?: OpOptions): T {
    checkOptions<OpOptions>(opts, 'axpySync');
    return this.#sync('axpySync', (c) => ew.axpy(c, alpha, x, y)) as T;
  }

  // ------------------------------------------------------------ reductions

  #reduce(name: string, x: unknown, opts: unknown, make: (c: OpContext) => Op<number>): Promise<number> {
    const o = checkOptions<OpOptions>(opts, name);
    return this.#async(name, o.signal, make);
  }
  #reduceSync(name: string, opts: unknown, make: (c: OpContext) => Op<number>): number {
    checkOptions<OpOptions>(opts, `${name}Sync`);
    return this.#sync(`${name}Sync`, make);
  }
  sum(x: TypedArray, opts?: OpOptions): Promise<number> { return this.#reduce('sum', x, opts, (c) => red.sum(c, x)); }
  sumSync(x: TypedArray, opts?: OpOptions): number { return this.#reduceSync('sum', opts, (c) => red.sum(c, x)); }
  mean(x: TypedArray, opts?: OpOptions): Promise<number> { return this.#reduce('mean', x, opts, (c) => red.mean(c, x)); }
  meanSync(x: TypedArray, opts?: OpOptions): number { return this.#reduceSync('mean', opts, (c) => red.mean(c, x)); }
  min(x: TypedArray, opts?: OpOptions): Promise<number> { return this.#reduce('min', x, opts, (c) => red.extremum(c, 'min', x)); }
  minSync(x: TypedArray, opts?: OpOptions): number { return this.#reduceSync('min', opts, (c) => red.extremum(c, 'min', x)); }
  max(x: TypedArray, opts?: OpOptions): Promise<number> { return this.#reduce('max', x, opts, (c) => red.extremum(c, 'max', x)); }
  maxSync(x: TypedArray, opts?: OpOptions): number { return this.#reduceSync('max', opts, (c) => red.extremum(c, 'max', x)); }
  argmin(x: TypedArray, opts?: OpOptions): Promise<number> { return this.#reduce('argmin', x, opts, (c) => red.argExtremum(c, 'argmin', x)); }
  argminSync(x: TypedArray, opts?: OpOptions): number { return this.#reduceSync('argmin', opts, (c) => red.argExtremum(c, 'argmin', x)); }
  argmax(x: TypedArray, opts?: OpOptions): Promise<number> { return this.#reduce('argmax', x, opts, (c) => red.argExtremum(c, 'argmax', x)); }
  argmaxSync(x: TypedArray, opts?: OpOptions): number { return this.#reduceSync('argmax', opts, (c) => red.argExtremum(c, 'argmax', x)); }
  variance(x: TypedArray, opts?: VarianceOptions): Promise<number> { return this.#reduce('variance', x, opts, (c) => red.variance(c, x, opts?.ddof)); }
  varianceSync(x: TypedArray, opts?: VarianceOptions): number { return this.#reduceSync('variance', opts, (c) => red.variance(c, x, opts?.ddof)); }
  std(x: TypedArray, opts?: VarianceOptions): Promise<number> { return this.#reduce('std', x, opts, (c) => red.std(c, x, opts?.ddof)); }
  stdSync(x: TypedArray, opts?: VarianceOptions): number { return this.#reduceSync('std', opts, (c) => red.std(c, x, opts?.ddof)); }
  norm(x: TypedArray, opts?: OpOptions): Promise<number> { return this.#reduce('norm', x, opts, (c) => red.norm(c, x)); }
  normSync(x: TypedArray, opts?: OpOptions): number { return this.#reduceSync('norm', opts, (c) => red.norm(c, x)); }
  dot<T extends TypedArray>(a: T, b: T, opts?: OpOptions): Promise<number> { return this.#reduce('dot', a, opts, (c) => red.dot(c, a, b)); }
  dotSync<T extends TypedArray>(a: T, b: T, opts?: OpOptions): number { return this.#reduceSync('dot', opts, (c) => red.dot(c, a, b)); }

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
