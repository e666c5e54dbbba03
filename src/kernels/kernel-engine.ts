/**
 * The engine with user kernels, host-neutral: prebuilt wasm modules (checked
 * against the kernel rules) and the ops that run them on every thread. The Node
 * Engine (engine.ts) adds the AssemblyScript compiler and file paths; the
 * browser Engine (../browser.ts) adds nothing but its platform.
 */
import { EngineCore, type MapOp } from '../engine/engine.js';
import type { OutOptions } from '../engine/options.js';
import { describe, type TypedArray } from '../memory/dtypes.js';
import { Kernel, KernelModule, mapKernel, parallelFor, parallelReduce, type Combine, type ParallelForOptions } from './user-kernels.js';
import { inspectAndCheck } from './kernel-rules.js';
import type { KernelModuleInfo } from './wasm-inspect.js';

/**
 * Split `...args, options?` — options is a trailing plain object. A trailing
 * `undefined` is an absent options argument (`f(k, n, x, opts)` with opts unset),
 * not a kernel argument: no kernel parameter can take undefined anyway.
 */
function splitArgs(rest: unknown[]): [unknown[], unknown] {
  const last = rest[rest.length - 1];
  if (rest.length > 0 && last === undefined) return [rest.slice(0, -1), undefined];
  // The options object is validated inside runOp, so a bad one rejects rather than throws.
  if (last !== null && typeof last === 'object' && !ArrayBuffer.isView(last)) return [rest.slice(0, -1), last];
  return [rest, undefined];
}

export class KernelEngine extends EngineCore {
  /** Load a prebuilt kernel module (bytes or URL), checked against the kernel rules, on every thread. */
  async load(source: Uint8Array | ArrayBuffer | URL | string): Promise<KernelModule> {
    this.assertLive('load');
    const bytes = await this.readModuleSource(source);
    return this.installBytes(bytes, inspectAndCheck(bytes, { maximumPages: this.maximumPages }));
  }

  /** Bytes, or an http(s)/data URL fetched; a host with files (Node) extends this. */
  protected async readModuleSource(source: unknown): Promise<Uint8Array> {
    if (source instanceof Uint8Array) return source;
    if (source instanceof ArrayBuffer) return new Uint8Array(source);
    if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    let url: URL | undefined;
    if (source instanceof URL) url = source;
    else if (typeof source === 'string' && /^(https?|data|blob):/.test(source)) url = new URL(source);
    if (url && url.protocol !== 'file:') {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`load: fetching ${url.href} failed with HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
    throw new TypeError(`load: expected wasm bytes (Uint8Array/ArrayBuffer) or an http(s)/data URL; got ${describe(source)}`);
  }

  protected async installBytes(bytes: Uint8Array, info: KernelModuleInfo): Promise<KernelModule> {
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    const { slot, names } = await this.installModule(module);
    const kernels = info.exports.map((e) => new Kernel(this, slot, names.indexOf(e.name), e.name, e.params.slice(2), e.results[0] ?? null));
    return new KernelModule(bytes, info, kernels);
  }

  /** Run `kernel(start, end, ...args)` over [0, n) in chunks on every thread. Options `{ chunkSize, signal }` may come last. */
  parallelFor(kernel: Kernel, n: number, ...args: unknown[]): Promise<void> {
    const [argv, opts] = splitArgs(args);
    return this.runOp<void, ParallelForOptions>('parallelFor', opts, (c, o) => parallelFor(c, this, kernel, n, argv, o));
  }
  parallelForSync(kernel: Kernel, n: number, ...args: unknown[]): void {
    const [argv, opts] = splitArgs(args);
    this.runOpSync<void, ParallelForOptions>('parallelForSync', opts, (c, o) => parallelFor(c, this, kernel, n, argv, o));
  }

  /** Run a reduction kernel (each chunk returns a partial) and combine partials in chunk order. */
  parallelReduce(kernel: Kernel, n: number, combine: Combine, ...args: unknown[]): Promise<number> {
    const [argv, opts] = splitArgs(args);
    return this.runOp<number, ParallelForOptions>('parallelReduce', opts, (c, o) => parallelReduce(c, this, kernel, n, combine, argv, o));
  }
  parallelReduceSync(kernel: Kernel, n: number, combine: Combine, ...args: unknown[]): number {
    const [argv, opts] = splitArgs(args);
    return this.runOpSync<number, ParallelForOptions>('parallelReduceSync', opts, (c, o) => parallelReduce(c, this, kernel, n, combine, argv, o));
  }

  override map<T extends TypedArray>(op: MapOp | Kernel, x: T, opts?: OutOptions): Promise<T> {
    if (!(op instanceof Kernel)) return super.map(op, x, opts);
    return this.runOp<ArrayBufferView, OutOptions>('map', opts, (c, o) => mapKernel(c, this, op, x, o.out)) as Promise<T>;
  }
  override mapSync<T extends TypedArray>(op: MapOp | Kernel, x: T, opts?: OutOptions): T {
    if (!(op instanceof Kernel)) return super.mapSync(op, x, opts);
    return this.runOpSync<ArrayBufferView, OutOptions>('mapSync', opts, (c, o) => mapKernel(c, this, op, x, o.out)) as T;
  }
}

export { Kernel, KernelModule };
export type { ParallelForOptions, Combine };
