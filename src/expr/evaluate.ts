/**
 * evaluate / expression as an engine op: bind the variables, find (or build)
 * the program for their dtypes and shapes, then run the VM kernel once over
 * the whole result, chunk by chunk on every thread.
 */
import type { Op } from '../engine/op.js';
import type { OpContext } from '../engine/op-context.js';
import { pairwiseSum } from '../engine/ops/reduce.js';
import type { ArrayArg } from '../engine/op.js';
import { overlaps, type Span } from '../engine/overlap.js';
import { describe, dtypeOf, DTYPES, type TypedArray } from '../memory/dtypes.js';
import { broadcastStrides } from '../nd/broadcast.js';
import { NDArray } from '../nd/ndarray.js';
import { reduceND } from '../nd/ops/reduce-axis.js';
import { checkOut, flatOf, wrap } from '../nd/ops/elementwise.js';
import { extent } from '../nd/shape.js';
import { chooseChunk, chunkCount } from '../runtime/scheduler.js';
import { check } from './check.js';
import type { Operand } from './types.js';
import { emit, type Program } from './emit.js';
import type { Reduction } from './opcodes.js';
import type { Vars } from './fold.js';
import { bind, type Bound } from './bind.js';
import { layout, writeFrame, type Gather } from './frame.js';
import { fusedFor, fusionStats } from './fused.js';
import { namesOf, parse, type Node } from './parse.js';
import { scalarValue, storage } from './types.js';

export interface EvaluateOptions {
  out?: TypedArray | NDArray;
  signal?: AbortSignal;
  /** With an outermost reduction: the axes to reduce (numpy's axis; negative counts from the end). */
  axis?: number | number[];
  /** With `axis`: keep the reduced dims as size 1. */
  keepdims?: boolean;
}

/** A parsed expression and its programs, one per operand signature. */
export class Expression {
  readonly source: string;
  readonly names: readonly string[];
  readonly #ast: Node;
  readonly #programs = new Map<string, Program>();

  constructor(source: string, op: string) {
    this.#ast = parse(source, op);
    this.source = source;
    this.names = namesOf(this.#ast);
  }

  /** The program for an operand signature; `inner`: without the outermost reduction (for axis reductions). */
  program(key: string, operands: () => ReadonlyMap<string, Operand>, op: string, inner = false): Program {
    const k = inner ? `${key}|inner` : key;
    let p = this.#programs.get(k);
    if (!p) {
      const checked = check(this.#ast, operands(), op);
      p = emit(inner ? { root: checked.root, reduce: undefined } : checked);
      if (this.#programs.size >= 64) this.#programs.delete(this.#programs.keys().next().value!);
      this.#programs.set(k, p);
    }
    return p;
  }
}

const CACHE_LIMIT = 256;
const cache = new Map<string, Expression>();

/** The parsed expression for `source`, from a bounded cache. */
export function expressionFor(source: unknown, op: string): Expression {
  if (typeof source !== 'string') throw new TypeError(`${op}: the expression must be a string; got ${describe(source)}`);
  let e = cache.get(source);
  if (e) return e;
  e = new Expression(source, op);
  // A program that makes new sources in a loop starts the cache over; a steady one never does.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, e);
  return e;
}

export function* evaluate(ctx: OpContext, expr: Expression, vars: unknown, opts: EvaluateOptions): Op<TypedArray | NDArray | number> {
  const op = ctx.op;
  const b = bind(expr.names, vars, op);
  let p = expr.program(b.key, b.operands, op);
  const alongAxes = opts.axis !== undefined || opts.keepdims !== undefined;
  if (alongAxes && !p.reduce) throw new TypeError(`${op}: axis and keepdims apply to an outermost reduction (sum, prod, min, max, mean); the expression has none`);
  if (p.reduce && !alongAxes && opts.out !== undefined) throw new TypeError(`${op}: out is not used by a reduction over every element (${p.reduce.kind} returns a number)`);
  // Along axes: the elementwise part into a temporary of the operands' broadcast shape, then the N-d reduction.
  const reduceAlong = alongAxes ? p.reduce!.kind : undefined;
  if (reduceAlong) p = expr.program(b.key, b.operands, op, true);
  const v = vars as Vars;
  const values = p.consts.map((c) => scalarValue(c.of.value(v), c.of.kind, c.dt, op, () => c.what));
  const n = b.n;
  if (p.reduce && n === 0 && (p.reduce.kind === 'min' || p.reduce.kind === 'max')) {
    throw new RangeError(`${op}: ${p.reduce.kind} of an empty array is undefined`);
  }

  const ptrs: number[] = [];
  const gathers: Gather[] = [];
  const spans: Span[] = [];
  for (const a of p.arrays) {
    const A = b.arrays.get(a.name)!;
    const bytes = DTYPES[A.dt].bytes;
    const base = ctx.input(A.data, `variable '${a.name}'`).ptr + A.offset * bytes;
    if (!a.strided) { ptrs[a.reg] = base; continue; }
    const st = broadcastStrides(A.shape, A.strides, b.shape)!;
    gathers[a.reg] = { base, shift: DTYPES[A.dt].shift, shape: b.shape, strides: st.map((s) => s * bytes) };
    const [lo, hi] = extent(A.shape, A.strides, A.offset);
    spans.push({ ptr: base - A.offset * bytes + lo * bytes, length: hi - lo + 1, dtype: A.dt });
  }
  for (const c of p.consts) if (c.broadcast) ctx.check(b.arrays.get(c.broadcast)!.data, `variable '${c.broadcast}'`);

  let result: ArrayArg | undefined, userOut: NDArray | undefined, final: ArrayArg | undefined;
  if (p.out) {
    const dt = storage(p.out);
    let outFlat: TypedArray | undefined;
    if (reduceAlong) outFlat = ctx.scratch(dt, n).view as TypedArray;
    else if (opts.out !== undefined && opts.out !== null) {
      if (b.nd || !dtypeOf(opts.out)) {
        userOut = checkOut(ctx, opts.out, b.shape, dt);
        if (!userOut!.isContiguous) throw new TypeError(`${op}: out must be C-contiguous (a strided out view is not supported by expressions); evaluate into a fresh array and copy`);
        outFlat = flatOf(userOut!);
      } else outFlat = opts.out as TypedArray;
    }
    result = ctx.output(outFlat, 'out', dt, n);
    // A gathered operand may read bytes an earlier block already wrote: compute into scratch, then copy.
    if (spans.some((s) => overlaps(s, result!))) { final = result; result = ctx.scratch(dt, n); }
    ptrs[p.outReg] = result.ptr;
  }
  if (n === 0) {
    if (reduceAlong) return yield* along(ctx, reduceAlong, result!, b.shape, opts);
    return p.reduce ? (p.reduce.kind === 'prod' ? 1 : p.reduce.kind === 'sum' ? 0 : NaN) : done(ctx, final ?? result!, userOut, b);
  }

  const fused = gathers.length === 0 ? fusedFor(p) : undefined;
  if (fused) {
    // The frame, then the kernel's bytes for the threads that have not seen it yet.
    // Block temporaries (values crossing a called map kernel): one slot per thread, as on the VM.
    let chunk = chooseChunk(n, p.cost);
    // Calling map kernels per block: power-of-two chunks, whole blocks, and 4x the work per chunk
    // (a chunk's start costs more: a slot, several streams to prefetch). Measured on 8M f64:
    // 1 thread, chunks of 2048 or 4096 elements 5% faster than of 2240, 2304 or 2560 (sin(a) + cos(b));
    // 2 threads, 8192 instead of 2048 took sin(a)**2 + cos(b)**2 from 1.14x to 1.04x map sin + map cos.
    if (fused.calls) chunk = Math.max(fused.block, 2 ** Math.ceil(Math.log2(4 * chunk)));
    const L = layout(p, n, fused.temps ? (chunkCount(n, chunk) <= 1 ? 1 : ctx.threads) : 0, gathers, fused);
    const frame = ctx.scratchBytes(L.bytes + fused.bytes.length);
    // Only an out apart from every operand may hold a block before the result.
    const outScratch = fused.host && p.arrays.every((a) => !overlaps({ ptr: ptrs[a.reg]!, length: n, dtype: a.dt }, result!));
    writeFrame(ctx.buffer, frame, p, L, ptrs, values, gathers, outScratch);
    new Uint8Array(ctx.buffer, frame + L.bytes, fused.bytes.length).set(fused.bytes);
    const kernel = ctx.services.shippedKernel(fused.id, fused.module, `expression '${expr.source}'`);
    fusionStats.runs++;
    yield { kernel, n, chunk, args: [frame, frame + L.bytes, fused.bytes.length], cost: p.cost };
    if (final) yield { kernel: `copy_${final.dtype}`, n, args: [result!.ptr, final.ptr] };
    if (reduceAlong) return yield* along(ctx, reduceAlong, result!, b.shape, opts);
    return done(ctx, final ?? result!, userOut, b);
  }

  // Reductions chunk like sum(), so sum(expr) has the bits sum of the materialised expression has.
  const chunk = p.reduce ? chooseChunk(n, 1) : chooseChunk(n, p.cost);
  const slots = chunkCount(n, chunk) <= 1 ? 1 : ctx.threads;
  const L = layout(p, n, slots, gathers);
  const frame = ctx.scratchBytes(L.bytes);
  writeFrame(ctx.buffer, frame, p, L, ptrs, values, gathers);
  const partials = yield { kernel: 'expr_run', n, chunk, args: [frame], partials: p.reduce !== undefined, cost: p.cost };
  if (final) yield { kernel: `copy_${final.dtype}`, n, args: [result!.ptr, final.ptr] };
  if (reduceAlong) return yield* along(ctx, reduceAlong, result!, b.shape, opts);
  if (!p.reduce) return done(ctx, final ?? result!, userOut, b);
  return combine(p.reduce.kind, p.reduce.dt, partials!, n);
}

/** The elementwise result the caller gets: their out, an NDArray (N-d operands) or the typed array. */
function done(ctx: OpContext, result: ArrayArg, userOut: NDArray | undefined, b: Bound): TypedArray | NDArray {
  if (userOut) return userOut;
  const flat = ctx.result(result);
  return b.nd ? wrap(ctx, flat, b.shape, undefined) : flat;
}

/** A reduction along axes: the N-d reduction of the elementwise result (a temporary). */
function* along(ctx: OpContext, kind: Reduction, inner: ArrayArg, shape: readonly number[], opts: EvaluateOptions): Op<NDArray | number> {
  const x = new NDArray(ctx.result(inner), shape, undefined, 0);
  return yield* reduceND(ctx, kind, x, { axis: opts.axis, keepdims: opts.keepdims, out: opts.out });
}

function combine(kind: string, dt: string, partials: ArrayLike<number>, n: number): number {
  if (kind === 'sum' || kind === 'mean') {
    let s = 0;
    if (DTYPES[dt as 'f64'].float) s = pairwiseSum(partials as Float64Array);
    else for (let i = 0; i < partials.length; i++) s += partials[i]!;
    return kind === 'mean' ? s / n : s;
  }
  if (kind === 'prod') {
    let r = 1;
    for (let i = 0; i < partials.length; i++) r *= partials[i]!;
    return r;
  }
  const isMax = kind === 'max';
  let best = partials[0]!;
  for (let i = 1; i < partials.length; i++) {
    const x = partials[i]!;
    if (Number.isNaN(best)) break; // NaN propagates (numpy)
    if (Number.isNaN(x) || (isMax ? x > best || (x === best && Object.is(best, -0)) : x < best || (x === best && Object.is(x, -0)))) best = x;
  }
  return best;
}
