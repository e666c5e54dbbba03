/**
 * The engine with user kernels, host-neutral: prebuilt wasm modules (checked
 * against the kernel rules) and the ops that run them on every thread. The Node
 * Engine (engine.ts) adds the AssemblyScript compiler and file paths; the
 * browser Engine (../browser.ts) adds nothing but its platform.
 */
import { EnvironmentError, KernelRuleError } from '../errors.js';
import type { MapFn } from '../engine/core-ops.js';
import { defineOps } from '../engine/engine.js';
import { ExprEngine } from '../expr/expr-engine.js';
import { EXPR_OPS, type ExprOps } from '../expr/expr-ops.js';
import type { NDInput, NdOutOptions } from '../nd/nd-ops.js';
import type { NDArray } from '../nd/ndarray.js';
import type { Mode, OpDecls, Ret, SyncForms } from '../engine/op-decl.js';
import type { OutOptions } from '../engine/options.js';
import { describe, type TypedArray } from '../memory/dtypes.js';
import {
  Kernel, KernelModule, mapKernel, parallelFor, parallelReduce,
  type Combine, type KernelArg, type KernelArgs, type KernelExports, type ParallelForOptions,
} from './user-kernels.js';
import { inspectAndCheck } from './kernel-rules.js';
import type { KernelModuleInfo } from './wasm-inspect.js';

/** What `map` applies: a built-in by name, a JS function of one number, or a map Kernel. */
export type MapOp = MapFn | Kernel;

/**
 * The public op signatures: the layers' ops below (today the built-ins,
 * CoreOps widened to N-d by NdOps, and ExprOps' evaluate), `map` widened to Kernels, and the user-kernel ops.
 */
export interface KernelOps<M extends Mode = 'sync'> extends Omit<ExprOps<M>, 'map'> {
  map<T extends TypedArray>(op: MapFn, x: T, opts?: OutOptions<T>): Ret<T, M>;
  map<T extends TypedArray>(op: MapOp, x: T, opts?: OutOptions<T>): Ret<T, M>;
  map<T extends TypedArray>(op: MapFn, x: NDArray<T>, opts?: NdOutOptions): Ret<NDArray<T>, M>;
  map(op: MapOp, x: NDInput, opts?: NdOutOptions): Ret<NDArray, M>;
  /** Run `kernel(start, end, ...args)` over [0, n) in chunks on every thread. Options `{ chunkSize, signal }` may come last. */
  parallelFor(kernel: Kernel, n: number, ...args: KernelArgs): Ret<void, M>;
  /** Run a reduction kernel (each chunk returns a partial) and combine partials in chunk order. */
  parallelReduce(kernel: Kernel, n: number, combine: Combine, ...args: KernelArgs): Ret<number, M>;
}

/**
 * Split `...args, options?` — options is a trailing plain object. A trailing
 * `undefined` is an absent options argument (`f(k, n, x, opts)` with opts unset),
 * not a kernel argument: no kernel parameter can take undefined anyway.
 */
function splitArgs(rest: unknown[]): [unknown[], unknown] {
  const last = rest[rest.length - 1];
  if (rest.length > 0 && last === undefined) return [rest.slice(0, -1), undefined];
  // The options object is validated by the op runner, so a bad one rejects rather than throws.
  if (last !== null && typeof last === 'object' && !ArrayBuffer.isView(last)) return [rest.slice(0, -1), last];
  return [rest, undefined];
}

/** The first `fixed` arguments, then the kernel's arguments as one array, then the options. */
function splitKernelArgs(args: unknown[], fixed: number): [unknown[], unknown] {
  const [argv, opts] = splitArgs(args.slice(fixed));
  return [[...args.slice(0, fixed), argv], opts];
}

export const KERNEL_OPS: OpDecls<KernelOps> = {
  ...EXPR_OPS,
  map: {
    ...EXPR_OPS.map,
    // A Kernel maps flat typed arrays; N-d operands go through the N-d map (built-ins and JS functions).
    run: (c, op, x, o) => (op instanceof Kernel ? mapKernel(c, c.services.owner, op, x, o?.out) : EXPR_OPS.map.run(c, op as MapFn, x as never, o)) as never,
  },
  parallelFor: {
    // A user kernel gets raw addresses: aliasing its array arguments is its own contract.
    aliasSafe: true, params: ['kernel', 'n'], options: ['chunkSize'], split: (args) => splitKernelArgs(args, 2),
    // After split() the arguments are (kernel, n, argv[], options), not the public (kernel, n, ...args).
    run: (c, kernel, n, ...[argv, o]: unknown[]) => parallelFor(c, c.services.owner, kernel, n, argv as unknown[], o as ParallelForOptions),
  },
  parallelReduce: {
    aliasSafe: true, params: ['kernel', 'n', 'combine'], options: ['chunkSize'], split: (args) => splitKernelArgs(args, 3),
    run: (c, kernel, n, combine, ...[argv, o]: unknown[]) => parallelReduce(c, c.services.owner, kernel, n, combine as Combine, argv as unknown[], o as ParallelForOptions),
  },
};

/** The ops' public forms: `op()` (a Promise) and `opSync()`, both from KERNEL_OPS. */
export interface KernelEngine extends KernelOps<'async'>, SyncForms<KernelOps<'sync'>> {}

export class KernelEngine extends ExprEngine {
  /** Load a prebuilt kernel module (bytes or URL), checked against the kernel rules, on every thread. */
  async load<Names extends string = string>(source: Uint8Array | ArrayBuffer | URL | string): Promise<KernelModule & KernelExports<Names>> {
    this.assertLive('load');
    const bytes = await this.readModuleSource(source);
    return this.installBytes(bytes, inspectAndCheck(bytes, { maximumPages: this.maximumPages })) as Promise<KernelModule & KernelExports<Names>>;
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
      if (!response.ok) throw new EnvironmentError(`load: fetching ${url.href} failed with HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      // A dev server answers a path it has no file for with its index.html (status 200).
      if (bytes.length >= 4 && !(bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d)) {
        const start = new TextDecoder().decode(bytes.subarray(0, 16)).replace(/\s+/g, ' ');
        throw new KernelRuleError(`load: ${url.href} is not a WebAssembly module (Content-Type ${response.headers.get('content-type') ?? 'none'}, `
          + `starts with ${JSON.stringify(start)}): the URL points at no .wasm file; a dev server answers that with its HTML page`);
      }
      return bytes;
    }
    throw new TypeError(`load: expected wasm bytes (Uint8Array/ArrayBuffer) or an http(s)/data URL; got ${describe(source)}`);
  }

  protected async installBytes(bytes: Uint8Array, info: KernelModuleInfo): Promise<KernelModule> {
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    const { slot, names } = await this.installModule(module);
    const kernels = info.exports.map((e) => new Kernel(this, slot, names.indexOf(e.name), e.name, e.params.slice(2), e.results[0] ?? null));
    return new KernelModule(bytes, info, kernels);
  }
}

defineOps(KernelEngine, KERNEL_OPS);

export { Kernel, KernelModule };
export type { ParallelForOptions, Combine, KernelArg, KernelArgs, KernelExports };
