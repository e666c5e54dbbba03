/**
 * EngineCore: one shared WebAssembly.Memory, N-1 worker threads (the caller is
 * the N-th), the heap, and the runner every op goes through. It declares no op:
 * ops are declared once (op-decl.ts, core-ops.ts) and `defineOps` puts both
 * forms (`op()` → Promise, `opSync()`) on the public class. No `node:` import
 * here: the host comes in as a Platform (platform.ts), set by the entry's Engine.
 */
import { CancelledError, DisposedError, EnvironmentError, OutOfMemoryError } from '../errors.js';
import { ArrayRegistry } from '../memory/arrays.js';
import { checkDtype, describe, dtypeOf, DTYPES, isDetached, type Dtype, type TypedArray, type TypedArrayFor } from '../memory/dtypes.js';
import { Heap, PAGE_BYTES } from '../memory/heap.js';
import { Dispatcher } from '../runtime/dispatcher.js';
import { KernelTable, kernelNames } from '../runtime/kernel-table.js';
import { writeMathTables } from '../runtime/math-tables.js';
import { DEFAULT_CALLER_SPIN, SHIPPED_MODULE } from '../runtime/protocol.js';
import { driveAsync, driveSync, type DriverConfig } from './driver.js';
import { JsKernels } from './js-kernels.js';
import type { Op } from './op.js';
import { OpContext, type OpEnv } from './op-context.js';
import { installOps, splitCall, type AnyDecl, type OpRunner } from './op-decl.js';
import { checkCreateOptions, checkOptions, type EngineOptions, type OpOptions } from './options.js';
import type { NumericPool } from '../runtime/numeric-pool.js';
import { OpCounters, type EngineStats } from './stats.js';
import { threadCanBlock, type Platform } from './platform.js';
import type { WasmMemory, WasmModule } from '../memory/wasm-types.js';

/** Set by EngineCore's static block: runs a call of a declared op (it reads the core's private fields). */
let runDecl: OpRunner;

/** What Engine.create assembles; not for users (call Engine.create). */
export interface EngineParts {
  threads: number;
  memory: WasmMemory;
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
 * The engine's core: memory, threads, lifecycle and the op runner, but no op
 * (so a layer above can declare any op, however wide; see op-decl.ts). The
 * public `Engine` (src/kernels/engine.ts) extends it and `defineOps` it.
 */
const WIDER: Record<string, Dtype> = { Int8Array: 'i32', Int16Array: 'i32', Uint16Array: 'u32', Uint8ClampedArray: 'u8', Float16Array: 'f32' };
/** The dtype that holds every value of a numeric typed array wasmpar has no dtype for. */
function widerDtype(data: unknown): Dtype | undefined {
  return ArrayBuffer.isView(data) && !(data instanceof DataView) ? WIDER[Object.getPrototypeOf(data)?.constructor?.name] : undefined;
}

export class EngineCore {
  /** Threads that compute, the caller included. */
  readonly threads: number;
  /** The shared memory every thread runs on. */
  readonly memory: WasmMemory;
  readonly #arrays: ArrayRegistry;
  readonly #dispatcher: Dispatcher;
  readonly #pool: NumericPool | undefined;
  readonly #table: KernelTable;
  readonly #driver: DriverConfig;
  readonly #env: OpEnv;
  readonly #counters = new OpCounters();
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
    const js = new JsKernels(parts.table, this.#arrays.heap);
    this.#env = { arrays: this.#arrays, threads: this.threads, services: {
      owner: this,
      mapFunction: (c, f, x, out) => js.map(c, f, x, out),
      shippedKernel: (id, module, name) => { parts.table.defineShipped(id, module); return { module: SHIPPED_MODULE, index: id, name }; },
    } };
    this.#canBlock = parts.canBlock;
  }

  /** The host (Node or browser); each entry's Engine sets it, so the core links neither. */
  static platform: Platform | undefined = undefined;

  static async create<E extends EngineCore>(this: (new (parts: EngineParts) => E) & { platform: Platform | undefined }, options: EngineOptions = {}): Promise<E> {
    const platform = this.platform;
    if (!platform) throw new TypeError("Engine.create: no platform; import Engine from 'wasmpar' (Node) or 'wasmpar/browser'");
    const { threads, initial, maximum, spin, inlineWork } = checkCreateOptions(options, platform.defaultThreads());

    const pages = (bytes: number) => Math.ceil(bytes / PAGE_BYTES);
    const memory = new WebAssembly.Memory({ initial: pages(initial), maximum: pages(maximum), shared: true });
    writeMathTables(memory); // before any thread can run a kernel
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
  protected async installModule(module: WasmModule): Promise<{ slot: number; names: string[] }> {
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
      // numpy's MemoryError: a valid request the engine cannot hold, not a bad argument.
      throw new OutOfMemoryError(`alloc: ${n} × ${dtype} (${n * DTYPES[dtype].bytes} bytes) exceeds the engine's memory maximum of ${this.#arrays.heap.maximumBytes} bytes`);
    }
    return this.#arrays.alloc(dtype, n) as TypedArrayFor<D>;
  }

  /**
   * Copy `data` (an array, typed array or iterable of numbers) into a new shared array.
   * A typed array of another element type (Int8/Int16/Uint16/Uint8Clamped/Float16Array)
   * is copied into the smallest dtype holding all its values, as numpy keeps its type.
   */
  from<D extends Dtype = 'f64'>(data: ArrayLike<number> | Iterable<number>, dtype?: D): TypedArrayFor<D> {
    this.#live('from');
    const d = (dtype === undefined ? dtypeOf(data) ?? widerDtype(data) ?? 'f64' : checkDtype(dtype, 'from: dtype')) as D;
    let source: ArrayLike<number>;
    if (ArrayBuffer.isView(data) || Array.isArray(data)) source = data as ArrayLike<number>;
    else if (data != null && typeof (data as Iterable<number>)[Symbol.iterator] === 'function') source = Array.from(data as Iterable<number>);
    else if (data != null && typeof (data as ArrayLike<number>).length === 'number') source = data as ArrayLike<number>;
    else throw new TypeError(`from: data must be an array, a typed array or an iterable of numbers; got ${describe(data)}`);
    if (ArrayBuffer.isView(source)) {
      if (!dtypeOf(source) && !widerDtype(source)) throw new TypeError(`from: ${describe(source)} is not a supported typed array`);
      if (isDetached(source)) throw new TypeError('from: data is a typed array whose ArrayBuffer was detached (transferred); it holds no data');
    } else {
      const n = source.length;
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`from: data.length must be a non-negative integer; got ${describe(n)}`);
      // Checked before allocating: TypedArray#set would convert strings to NaN, and throw on a BigInt after the block is taken.
      for (let i = 0; i < source.length; i++) {
        if (typeof source[i] !== 'number') throw new TypeError(`from: data[${i}] must be a number; got ${describe(source[i])}`);
      }
    }
    const out = this.alloc(d, source.length);
    out.set(source);
    return out;
  }

  /** Return an array's block to the heap. Double free and foreign arrays are errors. */
  free(array: TypedArray): void {
    this.#live('free');
    this.#arrays.free(array, 'free: array');
  }

  /** Counters for monitoring: ops completed/failed/cancelled, heap use and peak, memory size, workers replaced, queue depth. */
  stats(): EngineStats {
    const heap = this.#arrays.heap, c = this.#counters;
    return {
      opsCompleted: c.completed, opsFailed: c.failed, opsCancelled: c.cancelled, opsPending: c.pending,
      queueDepth: this.#dispatcher.queueDepth, bytesInUse: heap.bytesInUse, peakBytes: heap.peakBytes,
      memoryBytes: this.memory.buffer.byteLength, maximumBytes: heap.maximumBytes, threads: this.threads,
      workersReplaced: this.#dispatcher.workersLost,
    };
  }

  /** Bytes currently allocated on the shared heap. */
  get bytesInUse(): number { return this.#arrays.heap.bytesInUse; }

  // ------------------------------------------------------------ driving

  #live(op: string): void {
    if (this.#disposing) throw new DisposedError(`${op}: the engine has been disposed`);
  }

  protected assertLive(op: string): void { this.#live(op); }

  static {
    runDecl = (self, name, decl, args, sync) => (self as EngineCore).#call(name, decl, args, sync);
  }

  /**
   * Run one call of a declared op. The async form checks everything — options
   * included — inside the try, so a bad call rejects (never throws); either form
   * writes nothing before its arguments are checked.
   */
  #call(name: string, decl: AnyDecl, args: unknown[], sync: boolean): unknown {
    if (!sync) return this.#counters.track(this.#callAsync(name, decl, args));
    try {
      const value = this.#callSync(name, decl, args);
      this.#counters.completed++;
      return value;
    } catch (err) {
      this.#counters.failedWith(err);
      throw err;
    }
  }

  #callSync(name: string, decl: AnyDecl, args: unknown[]): unknown {
    // Before anything is allocated or published: a job this thread cannot wait for must never start.
    if (!this.#canBlock) {
      throw new EnvironmentError(`${name}: the *Sync ops block the thread, and a browser's main thread may not block (Atomics.wait throws there); on a browser's main thread use the async form (await engine.${name.replace(/Sync$/, '')}(...)), or call ${name} inside a Worker`);
    }
    const [ctx, op] = this.#start(name, decl, args);
    return driveSync(this.#driver, ctx, op);
  }

  #callAsync(name: string, decl: AnyDecl, args: unknown[]): Promise<unknown> {
    try {
      const [ctx, op, signal] = this.#start(name, decl, args);
      return driveAsync(this.#driver, ctx, op, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #start(name: string, decl: AnyDecl, args: unknown[]): [OpContext, Op<unknown>, AbortSignal | undefined] {
    const [positional, opts] = splitCall(decl, args, name);
    const o = checkOptions<OpOptions>(opts, name, decl.options);
    this.#live(name);
    if (o.signal?.aborted) throw new CancelledError(`${name} was cancelled`, { cause: o.signal.reason });
    const ctx = new OpContext(name, this.#env, decl.aliasSafe);
    return [ctx, decl.run(ctx, ...positional, o), o.signal];
  }

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

/**
 * Give `cls` both public forms of every op in `decls` (see op-decl.ts): the
 * public Engine calls this once with the top layer's table.
 */
export function defineOps(cls: abstract new (...args: never[]) => EngineCore, decls: object): void {
  installOps(cls, decls, runDecl);
}
