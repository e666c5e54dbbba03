/**
 * evaluate / expression as an engine op: bind the variables, find (or build)
 * the program for their dtypes and shapes, then run the VM kernel once over
 * the whole result, chunk by chunk on every thread.
 */
import type { Op } from '../engine/op.js';
import type { OpContext } from '../engine/op-context.js';
import { pairwiseSum } from '../engine/ops/reduce.js';
import { describe, dtypeOf, DTYPES, type TypedArray } from '../memory/dtypes.js';
import { chooseChunk, chunkCount } from '../runtime/scheduler.js';
import { check, type Operand } from './check.js';
import { emit, type Program } from './emit.js';
import type { Vars } from './fold.js';
import { layout, writeFrame } from './frame.js';
import { namesOf, parse, type Node } from './parse.js';
import { scalarValue, storage } from './types.js';

export interface EvaluateOptions { out?: TypedArray; signal?: AbortSignal; axis?: number | number[] }

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

  program(key: string, operands: () => ReadonlyMap<string, Operand>, op: string): Program {
    let p = this.#programs.get(key);
    if (!p) {
      p = emit(check(this.#ast, operands(), op));
      if (this.#programs.size >= 64) this.#programs.delete(this.#programs.keys().next().value!);
      this.#programs.set(key, p);
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

function checkAxis(opts: EvaluateOptions, op: string): void {
  if (opts.axis !== undefined) {
    throw new TypeError(`${op}: axis needs N-d operands, and expressions take 1-d typed arrays and numbers for now; reduce over everything (no axis)`);
  }
}

interface Bound { n: number; key: string; operands: () => Map<string, Operand> }

const ARRAY_KINDS = 'a typed array (Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array) or a number';

/**
 * The broadcast length and the signature key (dtype per name, 'i'/'f' for
 * numbers, '*' for a broadcast length-1 array); every error about vars is
 * raised here. The operand map is only built when a program must be compiled.
 */
function bind(expr: Expression, vars: unknown, op: string): Bound {
  if (typeof vars !== 'object' || vars === null || ArrayBuffer.isView(vars)) {
    throw new TypeError(`${op}: vars must be an object mapping names to typed arrays or numbers; got ${describe(vars)}`);
  }
  const v = vars as Vars;
  const names = expr.names;
  let n = -1;
  for (let i = 0; i < names.length; i++) {
    const value = v[names[i]!];
    if (typeof value === 'number') continue;
    if (!dtypeOf(value)) {
      if (value === undefined && !(names[i]! in v)) continue; // check() names it as unknown, with its column
      throw new TypeError(`${op}: variable '${names[i]}' must be ${ARRAY_KINDS}; got ${describe(value)}`);
    }
    const len = (value as TypedArray).length;
    if (n === -1 || n === 1) n = len;
    else if (len !== n && len !== 1) {
      const shapes = names.filter((m) => dtypeOf(v[m])).map((m) => `(${(v[m] as TypedArray).length},)`).join(' ');
      throw new RangeError(`${op}: operands could not be broadcast together with shapes ${shapes}`);
    }
  }
  let key = '';
  for (let i = 0; i < names.length; i++) {
    const value = v[names[i]!];
    if (typeof value === 'number') key += Number.isInteger(value) ? 'i,' : 'f,';
    else {
      const dt = dtypeOf(value);
      key += dt === undefined ? '?,' : (value as TypedArray).length === 1 && n !== 1 ? `${dt}*,` : `${dt},`;
    }
  }
  const operands = () => {
    const m = new Map<string, Operand>();
    for (const name of names) {
      const value = v[name];
      if (typeof value === 'number') m.set(name, { kind: 'number', int: Number.isInteger(value) });
      else if (dtypeOf(value)) m.set(name, { kind: 'array', dt: dtypeOf(value)!, broadcast: (value as TypedArray).length === 1 && n !== 1 });
    }
    return m;
  };
  return { n, key, operands };
}

export function* evaluate(ctx: OpContext, expr: Expression, vars: unknown, opts: EvaluateOptions): Op<TypedArray | number> {
  const op = ctx.op;
  checkAxis(opts, op);
  const b = bind(expr, vars, op);
  const p = expr.program(b.key, b.operands, op);
  if (p.reduce && opts.out !== undefined) throw new TypeError(`${op}: out is not used by a reduction (${p.reduce.kind} returns a number)`);
  const v = vars as Vars;
  const values = p.consts.map((c) => scalarValue(c.of.value(v), c.of.kind, c.dt, op, () => c.what));
  const n = b.n;
  if (p.reduce && n === 0) {
    if (p.reduce.kind === 'min' || p.reduce.kind === 'max') throw new RangeError(`${op}: ${p.reduce.kind} of an empty array is undefined`);
  }

  const ptrs: number[] = [];
  for (const a of p.arrays) ptrs[a.reg] = ctx.input(v[a.name], `variable '${a.name}'`).ptr;
  for (const c of p.consts) if (c.broadcast) ctx.check(v[c.broadcast], `variable '${c.broadcast}'`);
  let result: ReturnType<OpContext['output']> | undefined;
  if (p.out) {
    result = ctx.output(opts.out, 'out', storage(p.out), n);
    ptrs[p.outReg] = result.ptr;
  }
  if (n === 0) return p.reduce ? (p.reduce.kind === 'prod' ? 1 : p.reduce.kind === 'sum' ? 0 : NaN) : ctx.result(result!);

  // Reductions chunk like sum(), so sum(expr) has the bits sum of the materialised expression has.
  const chunk = p.reduce ? chooseChunk(n, 1) : chooseChunk(n, p.cost);
  const slots = chunkCount(n, chunk) <= 1 ? 1 : ctx.threads;
  const L = layout(p, n, slots);
  const frame = ctx.scratchBytes(L.bytes);
  writeFrame(ctx.buffer, frame, p, L, ptrs, values);
  const partials = yield { kernel: 'expr_run', n, chunk, args: [frame], partials: p.reduce !== undefined, cost: p.cost };
  if (!p.reduce) return ctx.result(result!);
  return combine(p.reduce.kind, p.reduce.dt, partials!, n);
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
