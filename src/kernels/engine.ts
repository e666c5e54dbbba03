/**
 * The public Engine for Node.js: the core engine (built-in ops) plus user
 * kernels (kernel-engine.ts), AssemblyScript compiled at run time, and modules
 * loaded from files.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { checkOptions } from '../engine/options.js';
import { nodePlatform } from '../engine/platform-node.js';
import type { Platform } from '../engine/platform.js';
import { describe } from '../memory/dtypes.js';
import { EnvironmentError } from '../errors.js';
import { compileAssemblyScript, type CompileOptions } from './compile.js';
import {
  Kernel, KernelEngine, KernelModule,
  type Combine, type KernelArg, type KernelArgs, type KernelExports, type ParallelForOptions,
} from './kernel-engine.js';
import { inspectAndCheck } from './kernel-rules.js';

/** A module file's bytes; a file that cannot be read is an EnvironmentError naming it (as an HTTP failure is). */
async function readModuleFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new EnvironmentError(`load: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export class Engine extends KernelEngine {
  static override platform: Platform | undefined = nodePlatform;
  #compiled = new Map<string, Promise<KernelModule>>();

  /** Bytes, a URL (file: read from disk, others fetched) or a file path. */
  protected override async readModuleSource(source: unknown): Promise<Uint8Array> {
    if (source instanceof URL ? source.protocol === 'file:' : typeof source === 'string' && source.startsWith('file:')) {
      return readModuleFile(fileURLToPath(source as URL | string));
    }
    if (typeof source === 'string' && !/^(https?|data):/.test(source)) return readModuleFile(source);
    if (typeof source === 'string' || source instanceof URL || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
      return super.readModuleSource(source);
    }
    throw new TypeError(`load: expected wasm bytes (Uint8Array/ArrayBuffer), a URL or a file path; got ${describe(source)}`);
  }

  /**
   * Compile AssemblyScript source with the built-in kernels' flags (cached in
   * memory and on disk) and load it on every thread.
   */
  compile<Names extends string = string>(source: string, options: CompileOptions = {}): Promise<KernelModule & KernelExports<Names>> {
    try {
      this.assertLive('compile');
      if (typeof source !== 'string') throw new TypeError(`compile: source must be AssemblyScript source text; got ${describe(source)}`);
      checkOptions(options, 'compile', ['optimize', 'debug', 'cacheDir']);
    } catch (err) {
      return Promise.reject(err);
    }
    const key = JSON.stringify([source, options.optimize ?? true, options.debug ?? false]);
    let pending = this.#compiled.get(key);
    if (!pending) {
      pending = (async () => {
        const { bytes } = await compileAssemblyScript(source, options);
        const info = inspectAndCheck(bytes, { maximumPages: this.maximumPages });
        return this.installBytes(bytes, info);
      })();
      this.#compiled.set(key, pending);
      pending.catch(() => this.#compiled.delete(key));
    }
    return pending as Promise<KernelModule & KernelExports<Names>>;
  }
}

export { Kernel, KernelModule };
export type { ParallelForOptions, Combine, CompileOptions, KernelArg, KernelArgs, KernelExports };
