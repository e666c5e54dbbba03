/**
 * `engine.map(fn, x)` with a JS function: the function's source is written once
 * into the shared heap and every job carries its address, so each thread compiles
 * it on first sight (no message round trip; works for the Sync form too).
 */
import type { Heap } from '../memory/heap.js';
import { compileJsFunction, DTYPE_CODES, type KernelTable } from '../runtime/kernel-table.js';
import { JS_MODULE } from '../runtime/protocol.js';
import { chooseChunk } from '../runtime/scheduler.js';
import { functionSource, probeFunction } from './js-functions.js';
import type { KernelRef, Op } from './op.js';
import type { OpContext } from './op-context.js';
import type { TypedArray } from '../memory/dtypes.js';

interface Shipped {
  ref: KernelRef;
  ptr: number;
  bytes: number;
  /** Elements per chunk, from the function's measured cost (see #chunkFor). */
  chunk: number | undefined;
}

/** A JS-function chunk should take about this long: short enough that an abort is served promptly. */
const TARGET_CHUNK_NS = 200_000;
const CHUNK_QUANTUM = 64;
const CHEAP_CALL_NS = 250;

/** Relative cost of a JS function call per element: sizes chunks for JS kernels. */
const JS_COST = 8;

export class JsKernels {
  readonly #table: KernelTable;
  readonly #heap: Heap;
  #bySource = new Map<string, Shipped>();

  constructor(table: KernelTable, heap: Heap) {
    this.#table = table;
    this.#heap = heap;
  }

  #ship(source: string, name: string): Shipped {
    let shipped = this.#bySource.get(source);
    if (!shipped) {
      const utf8 = new TextEncoder().encode(source);
      const ptr = this.#heap.alloc(utf8.length);
      new Uint8Array(this.#heap.buffer, ptr, utf8.length).set(utf8);
      const id = this.#bySource.size;
      this.#table.defineJs(id, source);
      shipped = { ref: { module: JS_MODULE, index: id, name }, ptr, bytes: utf8.length, chunk: undefined };
      this.#bySource.set(source, shipped);
    }
    return shipped;
  }

  *map(ctx: OpContext, fn: (v: number) => number, x: unknown, out: unknown): Op<TypedArray> {
    const source = functionSource(fn, ctx.op);
    const X = ctx.input(x, 'x');
    const outDtype = out === undefined || out === null ? X.dtype : ctx.check(out, 'out', { length: X.length, like: 'x' }) && dtypeName(out);
    // Probe before allocating the result: a refused closure must leave nothing behind.
    if (!this.#bySource.has(source)) probeFunction(source, X.length > 0 ? (X.view as TypedArray)[0] : undefined, ctx.op);
    const O = ctx.output(out, 'out', outDtype, X.length);
    const shipped = this.#ship(source, `map(${fn.name || 'anonymous function'})`);
    shipped.chunk ??= X.length > 0 ? chunkFor(source, X.view as TypedArray) : undefined;
    yield {
      // A map's result does not depend on its chunks, so they can follow the
      // function's measured cost. The cost still marks the job as worth waking workers for.
      kernel: shipped.ref, n: X.length, chunk: Math.max(shipped.chunk ?? 0, chooseChunk(X.length, 1e9)), cost: JS_COST,
      args: [X.ptr, O.ptr, DTYPE_CODES.indexOf(X.dtype), DTYPE_CODES.indexOf(O.dtype), shipped.ptr, shipped.bytes],
    };
    return ctx.result(O);
  }
}

/**
 * Time the function on a few elements of x (once per function): a cheap
 * function gets streaming-size chunks (a claim costs more than many calls),
 * an expensive one small chunks (balance, and a prompt answer to an abort).
 */
function chunkFor(source: string, x: TypedArray): number {
  const f = compileJsFunction(source) as (v: number) => number;
  const samples = Math.min(x.length, 256);
  const t0 = performance.now();
  // Runs once, unoptimized: nothing here is dead code to the JIT. A function that
  // throws here will throw in the job too, where it becomes a KernelError.
  try {
    for (let i = 0; i < samples; i++) f(x[i]!);
  } catch {
    return 1024;
  }
  const perCallNs = Math.max(((performance.now() - t0) * 1e6) / samples, 1);
  // Unoptimized calls cost tens of ns whatever the function does, so below this
  // the measure says only "cheap": give it streaming chunks.
  if (perCallNs < CHEAP_CALL_NS) return chooseChunk(0, 1);
  const chunk = Math.round(TARGET_CHUNK_NS / perCallNs / CHUNK_QUANTUM) * CHUNK_QUANTUM;
  return Math.min(Math.max(chunk, CHUNK_QUANTUM), chooseChunk(0, 1));
}

function dtypeName(out: unknown): (typeof DTYPE_CODES)[number] {
  const i = [Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array].findIndex((c) => out instanceof c);
  return DTYPE_CODES[i]!;
}
