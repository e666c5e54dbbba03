/**
 * The built-in ops, each declared once (see op-decl.ts for the scheme and for
 * how a higher layer adds or widens an op): the signature in `CoreOps`, the
 * declaration in `CORE_OPS`. The generators live in ops/*.ts.
 */
import type { Dtype, TypedArray, TypedArrayFor } from '../memory/dtypes.js';
import type { Op } from './op.js';
import type { OpDecls, Mode, Ret } from './op-decl.js';
import type { HistogramOptions, LinspaceOptions, MatmulOptions, OpOptions, OutOptions, VarianceOptions } from './options.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as srt from './ops/sort.js';
import * as hist from './ops/histogram.js';
import * as mm from './ops/matmul.js';
import * as gen from './ops/generate.js';

/** A built-in map op by name. */
export type MapOpName = ew.MapOpName;
/** What `map` applies at this layer: a built-in by name, or a JS function of one number. */
export type MapFn = MapOpName | ((v: number) => number);

type Float = Float64Array | Float32Array;

/** The built-in ops' public signatures, in their Sync (`M = 'sync'`) or Promise (`M = 'async'`) form. */
export interface CoreOps<M extends Mode = 'sync'> {
  /** Set every element of x to value; returns x. */
  fill<T extends TypedArray>(x: T, value: number, opts?: OpOptions): Ret<T, M>;
  /** Copy src into dst (same dtype and length); returns dst. */
  copy<T extends TypedArray>(src: T, dst: T, opts?: OpOptions): Ret<T, M>;
  /** Apply op elementwise (into out, or a new array). */
  map<T extends TypedArray>(op: MapFn, x: T, opts?: OutOptions<T>): Ret<T, M>;
  add<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Ret<T, M>;
  subtract<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Ret<T, M>;
  multiply<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Ret<T, M>;
  divide<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Ret<T, M>;
  maximum<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Ret<T, M>;
  minimum<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Ret<T, M>;
  pow<T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Ret<T, M>;
  /** min(max(x, lo), hi) elementwise; NaN stays NaN. */
  clip<T extends TypedArray>(x: T, lo: number, hi: number, opts?: OutOptions<T>): Ret<T, M>;
  /** y += alpha * x, in place; returns y. */
  axpy<T extends Float>(alpha: number, x: T, y: T, opts?: OpOptions): Ret<T, M>;

  sum(x: TypedArray, opts?: OpOptions): Ret<number, M>;
  mean(x: TypedArray, opts?: OpOptions): Ret<number, M>;
  min(x: TypedArray, opts?: OpOptions): Ret<number, M>;
  max(x: TypedArray, opts?: OpOptions): Ret<number, M>;
  argmin(x: TypedArray, opts?: OpOptions): Ret<number, M>;
  argmax(x: TypedArray, opts?: OpOptions): Ret<number, M>;
  variance(x: TypedArray, opts?: VarianceOptions): Ret<number, M>;
  std(x: TypedArray, opts?: VarianceOptions): Ret<number, M>;
  norm(x: TypedArray, opts?: OpOptions): Ret<number, M>;
  dot<T extends TypedArray>(a: T, b: T, opts?: OpOptions): Ret<number, M>;

  /** Inclusive prefix sum (integers wrap like the typed array). */
  cumsum<T extends TypedArray>(x: T, opts?: OutOptions<T>): Ret<T, M>;
  /** In place, ascending, in exactly TypedArray#sort's order (-0 before +0, NaN last). */
  sort<T extends TypedArray>(x: T, opts?: OpOptions): Ret<T, M>;
  /** Indices that sort x (stable), as a Uint32Array. */
  argsort(x: TypedArray, opts?: OutOptions<Uint32Array>): Ret<Uint32Array, M>;
  /** Counts per bin (numpy semantics: half-open bins, the last includes hi). */
  histogram(x: TypedArray, opts?: HistogramOptions): Ret<Uint32Array, M>;
  /** C = A·B, row-major; A is m×k, B is k×n. */
  matmul<T extends Float>(a: T, b: T, opts: MatmulOptions<T>): Ret<T, M>;
  /** numpy.arange: [start, stop) by step, on the shared heap. */
  arange<D extends Dtype = 'f64'>(start: number, stop?: number, step?: number, dtype?: D, opts?: OutOptions<TypedArrayFor<D>>): Ret<TypedArrayFor<D>, M>;
  /** numpy.linspace: num evenly spaced values from start to stop (inclusive unless endpoint: false). */
  linspace<D extends Dtype = 'f64'>(start: number, stop: number, num?: number, dtype?: D, opts?: LinspaceOptions<TypedArrayFor<D>>): Ret<TypedArrayFor<D>, M>;
}

const OUT = ['out'] as const;
const NONE = [] as const;
const binary = (name: ew.BinaryOp): OpDecls<CoreOps>['add'] => ({
  aliasSafe: true, params: ['a', 'b'], options: OUT, run: (c, a, b, o) => ew.binary(c, name, a, b, o?.out),
});

export const CORE_OPS: OpDecls<CoreOps> = {
  fill: { aliasSafe: true, params: ['x', 'value'], options: NONE, run: (c, x, value) => ew.fill(c, x, value) },
  copy: { aliasSafe: true, params: ['src', 'dst'], options: NONE, run: (c, src, dst) => ew.copy(c, src, dst) },
  map: {
    aliasSafe: true, params: ['op', 'x'], options: OUT,
    run: (c, op, x, o) => (typeof op === 'function' ? c.services.mapFunction(c, op, x, o?.out) : ew.mapBuiltin(c, op, x, o?.out)),
  },
  add: binary('add'),
  subtract: binary('subtract'),
  multiply: binary('multiply'),
  divide: binary('divide'),
  maximum: binary('maximum'),
  minimum: binary('minimum'),
  pow: binary('pow'),
  clip: { aliasSafe: true, params: ['x', 'lo', 'hi'], options: OUT, run: (c, x, lo, hi, o) => ew.clip(c, x, lo, hi, o?.out) },
  axpy: { aliasSafe: true, params: ['alpha', 'x', 'y'], options: NONE, run: (c, alpha, x, y) => ew.axpy(c, alpha, x, y) as Op<Float> },

  sum: { params: ['x'], options: NONE, run: (c, x) => red.sum(c, x) },
  mean: { params: ['x'], options: NONE, run: (c, x) => red.mean(c, x) },
  min: { params: ['x'], options: NONE, run: (c, x) => red.extremum(c, 'min', x) },
  max: { params: ['x'], options: NONE, run: (c, x) => red.extremum(c, 'max', x) },
  argmin: { params: ['x'], options: NONE, run: (c, x) => red.argExtremum(c, 'argmin', x) },
  argmax: { params: ['x'], options: NONE, run: (c, x) => red.argExtremum(c, 'argmax', x) },
  variance: { params: ['x'], options: ['ddof'], run: (c, x, o) => red.variance(c, x, o?.ddof) },
  std: { params: ['x'], options: ['ddof'], run: (c, x, o) => red.std(c, x, o?.ddof) },
  norm: { params: ['x'], options: NONE, run: (c, x) => red.norm(c, x) },
  dot: { params: ['a', 'b'], options: NONE, run: (c, a, b) => red.dot(c, a, b) },

  // cumsum takes its two-pass in-place path when out is x.
  cumsum: { aliasSafe: true, params: ['x'], options: OUT, run: (c, x, o) => scan.cumsum(c, x, o) },
  sort: { aliasSafe: true, params: ['x'], options: NONE, run: (c, x) => srt.sort(c, x) },
  argsort: { params: ['x'], options: OUT, run: (c, x, o) => srt.argsort(c, x, o) },
  histogram: { params: ['x'], options: ['bins', 'range', 'out'], run: (c, x, o) => hist.histogram(c, x, o) },
  matmul: { params: ['a', 'b'], options: ['m', 'k', 'n', 'out'], run: (c, a, b, o) => mm.matmul(c, a, b, o) as Op<Float> },
  arange: {
    params: ['start', 'stop', 'step', 'dtype'], options: OUT,
    run: (c, start, stop, step, dtype, o) => gen.arange(c, start, stop, step, dtype, o),
  },
  linspace: {
    params: ['start', 'stop', 'num', 'dtype'], options: ['endpoint', 'out'],
    run: (c, start, stop, num, dtype, o) => gen.linspace(c, start, stop, num, dtype, o),
  },
};
