/**
 * `engine.map(fn, x)` with a JS function: the function's source is written once
 * into the shared heap and every job carries its address, so each thread compiles
 * it on first sight (no message round trip; works for the Sync form too).
 */
import type { Heap } from '../memory/heap.js';
import type { KernelTable } from '../runtime/kernel-table.js';
import { JS_MODULE } from '../runtime/protocol.js';
import { chooseChunk } from '../runtime/scheduler.js';
import { functionSource, probeFunction } from './js-functions.js';
import type { KernelRef, Op } from './op.js';
import type { OpContext } from './op-context.js';
import { dtypeCode, dtypeOf, type TypedArray } from '../memory/dtypes.js';

interface Shipped {
  ref: KernelRef;
  ptr: number;
  bytes: number;
  /** The lowest cost per element seen in a job (ns × threads), once one has run. */
  nsPerElement: number | undefined;
}

/** A JS-function chunk should take about this long: short enough that an abort is served promptly. */
const TARGET_CHUNK_NS = 200_000;
const CHUNK_QUANTUM = 64;
/** Chunk size for a function no job has timed yet. */
const FIRST_CHUNK = 4096;
/** Jobs shorter than this are too short to time. */
const MEASURE_MIN = 16_384;

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
      shipped = { ref: { module: JS_MODULE, index: id, name }, ptr, bytes: utf8.length, nsPerElement: undefined };
      this.#bySource.set(source, shipped);
    }
    return shipped;
  }

  *map(ctx: OpContext, fn: (v: number) => number, x: unknown, out: unknown): Op<TypedArray> {
    const source = functionSource(fn, ctx.op);
    const X = ctx.input(x, 'x');
    const outDtype = out === undefined || out === null ? X.dtype : ctx.check(out, 'out', { length: X.length, like: 'x' }) && dtypeOf(out)!;
    // Probe before allocating the result: a refused closure must leave nothing behind.
    if (!this.#bySource.has(source)) probeFunction(source, X.length > 0 ? (X.view as TypedArray)[0] : undefined, ctx.op);
    const O = ctx.output(out, 'out', outDtype, X.length);
    const shipped = this.#ship(source, `map(${fn.name || 'anonymous function'})`);
    const started = performance.now();
    yield {
      // A map's result does not depend on its chunks, so they follow the function's
      // cost as measured in its earlier jobs. The cost still marks the job as worth
      // waking workers for.
      kernel: shipped.ref, n: X.length, chunk: chunkFor(shipped, X.length), cost: JS_COST,
      args: [X.ptr, O.ptr, dtypeCode(X.dtype), dtypeCode(O.dtype), shipped.ptr, shipped.bytes],
    };
    // The wall time of a job that kept every thread busy, times the threads, over
    // its elements: an upper bound on the cost (queueing only adds), so the
    // minimum over jobs converges on the real one.
    if (X.length >= MEASURE_MIN) {
      const ns = ((performance.now() - started) * 1e6 * ctx.threads) / X.length;
      shipped.nsPerElement = Math.min(shipped.nsPerElement ?? Infinity, ns);
    }
    return ctx.result(O);
  }
}


/**
 * Chunks take about TARGET_CHUNK_NS: a cheap function gets streaming-size chunks
 * (a claim costs more than many calls), a slow one small chunks (balance, and a
 * prompt answer to an abort). Until a job has been timed, a middle size.
 */
function chunkFor(shipped: Shipped, n: number): number {
  const floor = chooseChunk(n, 1e9); // the fewest elements per chunk the control block allows
  if (shipped.nsPerElement === undefined) return Math.max(FIRST_CHUNK, floor);
  const chunk = Math.round(TARGET_CHUNK_NS / shipped.nsPerElement / CHUNK_QUANTUM) * CHUNK_QUANTUM;
  return Math.max(Math.min(Math.max(chunk, CHUNK_QUANTUM), chooseChunk(0, 1)), floor);
}
