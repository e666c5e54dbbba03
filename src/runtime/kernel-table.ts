/**
 * The kernels one thread can run: instances of every loaded wasm module (all on
 * the one shared memory) and the compiled JS functions. The caller and every
 * worker hold identical tables, built in the same order, so a (module, index)
 * pair names the same kernel on every thread.
 */
import { KernelError } from '../errors.js';
import { DTYPE_NAMES, DTYPES } from '../memory/dtypes.js';
import { JS_MODULE, SHIPPED_MODULE } from './protocol.js';
import type { WasmMemory, WasmModule } from '../memory/wasm-types.js';

// biome-ignore lint/suspicious/noExplicitAny: a kernel takes and returns whatever its wasm signature says
type AnyFn = (...args: any[]) => any;

/** Generated kernels kept per thread before the table starts over. */
const MAX_SHIPPED = 1024;

/** By dtype code (dtypeCode): the view constructor and log2 of the element size. */
const VIEW_CTORS = DTYPE_NAMES.map((d) => DTYPES[d].ctor);
const SHIFTS = DTYPE_NAMES.map((d) => DTYPES[d].shift);

/** The exported functions of a module, in the order WebAssembly.Module.exports lists them. */
export function kernelNames(module: WasmModule): string[] {
  return WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
}

/** Compile a JS function from its source in a scope with globals only (no closure). */
export function compileJsFunction(source: string): AnyFn {
  const fn = new Function(`"use strict"; return (${source});`)();
  if (typeof fn !== 'function') throw new TypeError('the source does not evaluate to a function');
  return fn as AnyFn;
}

export class KernelTable {
  readonly memory: WasmMemory;
  #modules: AnyFn[][] = [];
  #names: string[][] = [];
  #js = new Map<number, AnyFn>();
  #shipped = new Map<number, AnyFn>();
  /** The built-in module's exports (slot 0): generated kernels import its kernels as `kernels.<name>`. */
  #builtin: WebAssembly.Exports = {};

  constructor(memory: WasmMemory) {
    this.memory = memory;
  }

  instantiate(slot: number, module: WasmModule): string[] {
    const imports: WebAssembly.Imports = {
      env: {
        memory: this.memory,
        // AssemblyScript routes assertion failures here; a kernel that calls it has
        // failed, so it becomes a trap reported as KernelError.
        abort: (_msg: number, _file: number, line: number, column: number) => {
          throw new WebAssembly.RuntimeError(`abort called at ${line}:${column}`);
        },
      },
    };
    const instance = new WebAssembly.Instance(module, imports);
    const names = kernelNames(module);
    this.#modules[slot] = names.map((name) => instance.exports[name] as AnyFn);
    if (slot === 0) this.#builtin = instance.exports;
    this.#names[slot] = names;
    return names;
  }

  /** Compile a JS map kernel (see #jsMapRunner); throws if the source is not a function. */
  defineJs(id: number, source: string): void {
    this.#js.set(id, this.#jsMapRunner(source));
  }

  /**
   * Instantiate a generated kernel module (one exported function, importing
   * env.memory and possibly built-in kernels, `kernels.sin_f64`...: a wasm-to-wasm
   * call, no JS in between) as shipped kernel `id`. Ids are never reused for
   * other bytes, so a defined id stays valid.
   */
  defineShipped(id: number, module: WasmModule): void {
    if (this.#shipped.has(id)) return;
    // A program that keeps generating kernels starts over; a steady one never does.
    if (this.#shipped.size >= MAX_SHIPPED) this.#shipped.clear();
    const instance = new WebAssembly.Instance(module as WebAssembly.Module, { env: { memory: this.memory }, kernels: this.#builtin });
    this.#shipped.set(id, Object.values(instance.exports)[0] as AnyFn);
  }

  /**
   * Resolve the callable for a job once; the chunk loop then calls it directly.
   * A JS kernel this thread has not seen yet is compiled from its source, which
   * the job carries in shared memory (args[4] = address, args[5] = UTF-8 bytes):
   * no message round trip, so even a *Sync op can ship a new function.
   */
  resolve(slot: number, index: number, args?: readonly number[]): AnyFn {
    if (slot === JS_MODULE) {
      let fn = this.#js.get(index);
      if (!fn && args && args.length >= 6) {
        // TextDecoder refuses views of a SharedArrayBuffer: copy the bytes out first.
        const bytes = new Uint8Array(this.memory.buffer, args[4]! >>> 0, args[5]! >>> 0).slice();
        this.defineJs(index, new TextDecoder().decode(bytes));
        fn = this.#js.get(index);
      }
      if (!fn) throw new KernelError(`JS kernel ${index} is not defined on this thread`);
      return fn;
    }
    if (slot === SHIPPED_MODULE) {
      // A generated kernel's job carries its module's bytes (args[1] = address, args[2] = length).
      if (!this.#shipped.has(index) && args && args.length >= 3) {
        const bytes = new Uint8Array(this.memory.buffer, args[1]! >>> 0, args[2]! >>> 0).slice();
        this.defineShipped(index, new WebAssembly.Module(bytes));
      }
      const fn = this.#shipped.get(index);
      if (!fn) throw new KernelError(`generated kernel ${index} is not defined on this thread`);
      return fn;
    }
    const fn = this.#modules[slot]?.[index];
    if (!fn) throw new KernelError(`kernel ${slot}.${index} is not loaded on this thread`);
    return fn;
  }

  /**
   * A JS map kernel has the wasm ABI too: (start, end, xPtr, outPtr, xCode, outCode).
   * Each function gets its OWN loop, compiled together with it: one loop shared by
   * every function makes its call site megamorphic, and V8 then stops inlining the
   * function (a 1M map went from 2 ms to 10 ms once a second function had run).
   * Views are made per chunk on the current buffer, which may have grown.
   */
  #jsMapRunner(source: string): AnyFn {
    // The loop lives in its own function: the views come from a constructor
    // picked at run time, and a loop inline with that pick sees views of unknown
    // kind (25% slower on a cheap function); the separate loop's feedback sees
    // the one kind this function is used with. Views of exactly the chunk let
    // V8 drop the bounds checks on x.
    return new Function('memory', 'VIEWS', 'SHIFTS', `"use strict";
      const f = (${source});
      if (typeof f !== 'function') throw new TypeError('the source does not evaluate to a function');
      function loop(g, x, out) { for (let i = 0; i < x.length; i++) out[i] = g(x[i]); }
      return function (start, end, xPtr, outPtr, xCode, outCode) {
        const buffer = memory.buffer;
        const len = end - start;
        loop(f, new VIEWS[xCode](buffer, (xPtr >>> 0) + start * (1 << SHIFTS[xCode]), len),
          new VIEWS[outCode](buffer, (outPtr >>> 0) + start * (1 << SHIFTS[outCode]), len));
      };`)(this.memory, VIEW_CTORS, SHIFTS) as AnyFn;
  }
}

/**
 * Call `fn(start, end, ...args)` without spreading: spread allocates, and this is
 * the per-chunk hot path.
 */
export function callKernel(fn: AnyFn, start: number, end: number, a: number[], argc: number): number {
  switch (argc) {
    case 0: return fn(start, end);
    case 1: return fn(start, end, a[0]);
    case 2: return fn(start, end, a[0], a[1]);
    case 3: return fn(start, end, a[0], a[1], a[2]);
    case 4: return fn(start, end, a[0], a[1], a[2], a[3]);
    case 5: return fn(start, end, a[0], a[1], a[2], a[3], a[4]);
    case 6: return fn(start, end, a[0], a[1], a[2], a[3], a[4], a[5]);
    default: return fn(start, end, ...a.slice(0, argc));
  }
}
