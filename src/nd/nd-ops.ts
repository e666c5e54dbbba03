/**
 * The ops widened to N-d operands (see src/engine/op-decl.ts for the scheme):
 * every op keeps its typed-array signature first and gains an N-d overload;
 * a call with only typed arrays (and no axis/keepdims) runs the 1-d
 * declaration below unchanged. New ops: where, prod, any, all, concatenate, stack.
 */
import { CORE_OPS, type CoreOps, type MapFn } from '../engine/core-ops.js';
import type { Op } from '../engine/op.js';
import type { Mode, OpDecls, Ret } from '../engine/op-decl.js';
import type { HistogramOptions, MatmulOptions, OpOptions, OutOptions, VarianceOptions } from '../engine/options.js';
import type { BinaryOp } from '../engine/ops/elementwise.js';
import type { TypedArray } from '../memory/dtypes.js';
import type { NDArray } from './ndarray.js';
import { binaryND, copyND, fillND, mapFunctionND, unaryND, where } from './ops/elementwise.js';
import { reduceND, wantsAxis, type ReduceName } from './ops/reduce-axis.js';
import { argsortND, cumsumND, sortND } from './ops/axis-ops.js';
import { matmulND } from './ops/matmul-nd.js';
import { concatenate, stack } from './ops/join.js';
import { dotND, histogramND } from './ops/flat-ops.js';

/** A scijs ndarray or a stdlib ndarray: accepted anywhere an NDArray is. */
export interface NDObject { readonly data: TypedArray; readonly shape: readonly number[]; readonly stride?: readonly number[]; readonly strides?: readonly number[]; readonly offset?: number }
/** An N-d operand: an NDArray, a scijs/stdlib ndarray, or a typed array (1-d). */
export type NDInput = NDArray | NDObject | TypedArray;
type NDView = NDArray | NDObject;

export interface NdOutOptions extends OpOptions { out?: NDInput }
export interface AxisOptions extends OpOptions {
  /** Axes to reduce (negative counts from the end); default: all. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes as size 1. */
  keepdims?: boolean;
  out?: NDInput;
}
export interface AxisVarianceOptions extends AxisOptions { ddof?: number }
export interface OneAxisOptions extends OpOptions { axis?: number; out?: NDInput }
export interface ArgOptions extends OneAxisOptions { keepdims?: boolean }
export interface JoinOptions extends OpOptions { axis?: number; out?: NDInput }

type Bin<M extends Mode> = {
  // Both operands share a dtype, so an NDArray's element type carries over.
  <T extends TypedArray>(a: NDArray<T>, b: NDArray<T> | T | number, opts?: NdOutOptions): Ret<NDArray<T>, M>;
  <T extends TypedArray>(a: T, b: T | number, opts?: OutOptions<T>): Ret<T, M>;
  (a: TypedArray, b: NDView, opts?: NdOutOptions): Ret<NDArray, M>;
  (a: NDView, b: NDInput | number, opts?: NdOutOptions): Ret<NDArray, M>;
};
type Red<M extends Mode, O = AxisOptions> = {
  (x: TypedArray, opts?: OpOptions): Ret<number, M>;
  (x: NDInput, opts: O & { axis: number | readonly number[] }): Ret<NDArray, M>;
  (x: NDInput, opts: O & { keepdims: true }): Ret<NDArray, M>;
  (x: NDInput, opts: O & { out: NDInput }): Ret<NDArray, M>;
  // Over every axis, without keepdims or out: a number, as numpy's scalar.
  (x: NDInput, opts?: O & { axis?: null; keepdims?: false; out?: undefined }): Ret<number, M>;
  (x: NDInput, opts?: O): Ret<number | NDArray, M>;
};

export interface NdOps<M extends Mode = 'sync'> extends Omit<CoreOps<M>, 'fill' | 'copy' | 'map' | BinaryOp | 'clip' | 'sum' | 'mean' | 'min' | 'max' | 'argmin' | 'argmax' | 'variance' | 'std' | 'norm' | 'cumsum' | 'sort' | 'argsort' | 'matmul' | 'dot' | 'histogram'> {
  fill<T extends TypedArray>(x: T, value: number, opts?: OpOptions): Ret<T, M>;
  fill<A extends NDArray>(x: A, value: number, opts?: OpOptions): Ret<A, M>;
  /** copy(src, dst): into dst (src broadcast to dst's shape); copy(a): a new C-contiguous NDArray. */
  copy<T extends TypedArray>(src: T, dst: T, opts?: OpOptions): Ret<T, M>;
  copy(src: NDInput, dst?: NDInput, opts?: OpOptions): Ret<NDArray, M>;
  map<T extends TypedArray>(op: MapFn, x: T, opts?: OutOptions<T>): Ret<T, M>;
  map<T extends TypedArray>(op: MapFn, x: NDArray<T>, opts?: NdOutOptions): Ret<NDArray<T>, M>;
  map(op: MapFn, x: NDView, opts?: NdOutOptions): Ret<NDArray, M>;
  add: Bin<M>; subtract: Bin<M>; multiply: Bin<M>; divide: Bin<M>; maximum: Bin<M>; minimum: Bin<M>; pow: Bin<M>;
  clip<T extends TypedArray>(x: T, lo: number, hi: number, opts?: OutOptions<T>): Ret<T, M>;
  clip<T extends TypedArray>(x: NDArray<T>, lo: number, hi: number, opts?: NdOutOptions): Ret<NDArray<T>, M>;
  clip(x: NDView, lo: number, hi: number, opts?: NdOutOptions): Ret<NDArray, M>;
  /** numpy.where: cond ? x : y elementwise, broadcast together; x and y share a dtype (or are numbers). */
  where(cond: NDInput, x: NDInput | number, y: NDInput | number, opts?: NdOutOptions): Ret<NDArray, M>;

  sum: Red<M>; mean: Red<M>; min: Red<M>; max: Red<M>; norm: Red<M>;
  prod: Red<M>; any: Red<M>; all: Red<M>;
  argmin: Red<M, ArgOptions>; argmax: Red<M, ArgOptions>;
  variance: Red<M, AxisVarianceOptions> & ((x: TypedArray, opts?: VarianceOptions) => Ret<number, M>);
  std: Red<M, AxisVarianceOptions> & ((x: TypedArray, opts?: VarianceOptions) => Ret<number, M>);

  cumsum<T extends TypedArray>(x: T, opts?: OutOptions<T>): Ret<T, M>;
  cumsum(x: NDInput, opts?: OneAxisOptions): Ret<NDArray, M>;
  sort<T extends TypedArray>(x: T, opts?: OpOptions): Ret<T, M>;
  sort<A extends NDArray>(x: A, opts?: { axis?: number; signal?: AbortSignal }): Ret<A, M>;
  argsort(x: TypedArray, opts?: OutOptions<Uint32Array>): Ret<Uint32Array, M>;
  argsort(x: NDInput, opts?: OneAxisOptions): Ret<NDArray, M>;
  matmul<T extends Float64Array | Float32Array>(a: T, b: T, opts: MatmulOptions<T>): Ret<T, M>;
  matmul(a: NDInput, b: NDInput, opts?: NdOutOptions): Ret<NDArray, M>;
  dot<T extends TypedArray>(a: T, b: T, opts?: OpOptions): Ret<number, M>;
  /** numpy.dot: two 1-d views give a number, 2-d operands their matrix product. */
  dot(a: NDInput, b: NDInput, opts?: OpOptions): Ret<number | NDArray, M>;
  /** Counts every element (an N-d array is flattened, as numpy does). */
  histogram(x: NDInput, opts?: HistogramOptions): Ret<Uint32Array, M>;
  /** Join arrays along an existing axis (default 0). */
  concatenate(arrays: readonly NDInput[], opts?: JoinOptions): Ret<NDArray, M>;
  /** Join arrays along a new axis (default 0). */
  stack(arrays: readonly NDInput[], opts?: JoinOptions): Ret<NDArray, M>;
}

const isTyped = (x: unknown) => ArrayBuffer.isView(x);
const flatOut = (o: { out?: unknown } | undefined) => o?.out === undefined || isTyped(o.out);
// The N-d generators return NDArray where the 1-d ones return a typed array; the
// overloads above give each call its precise type, so the tables are typed loosely.
type AnyOp = Op<never>;
const loose = <T>(op: Op<unknown>): T => op as unknown as T;

const binary = (name: BinaryOp) => ({
  ...CORE_OPS[name],
  run: (c: never, a: unknown, b: unknown, o: { out?: unknown } | undefined) => (isTyped(a) && (typeof b === 'number' || isTyped(b)) && flatOut(o)
    ? CORE_OPS[name].run(c, a as never, b as never, o as never)
    : loose<AnyOp>(binaryND(c, name, a, b, o?.out))),
});

const AXIS = ['axis', 'keepdims', 'out'] as const;
const reduce = (name: ReduceName, extra: readonly string[] = []) => ({
  params: ['x'], options: [...AXIS, ...extra],
  run: (c: never, x: unknown, o: Record<string, unknown> | undefined) => {
    const core = (CORE_OPS as unknown as Record<string, { run: (...a: unknown[]) => AnyOp }>)[name];
    return core && !wantsAxis(x, o) ? core.run(c, x, o) : loose<AnyOp>(reduceND(c, name, x, o));
  },
});

export const ND_OPS = {
  ...CORE_OPS,
  fill: { ...CORE_OPS.fill, run: (c: never, x: unknown, v: unknown) => (isTyped(x) ? CORE_OPS.fill.run(c, x as never, v as never) : loose<AnyOp>(fillND(c, x, v))) },
  copy: {
    ...CORE_OPS.copy,
    run: (c: never, s: unknown, d: unknown) => (isTyped(s) && isTyped(d) ? CORE_OPS.copy.run(c, s as never, d as never) : loose<AnyOp>(copyND(c, s, d))),
  },
  map: {
    ...CORE_OPS.map,
    run: (c: never, op: unknown, x: unknown, o: { out?: unknown } | undefined) => {
      if (isTyped(x) && flatOut(o)) return CORE_OPS.map.run(c, op as never, x as never, o as never);
      return loose<AnyOp>(typeof op === 'function' ? mapFunctionND(c, op as (v: number) => number, x, o?.out) : unaryND(c, op as string, x, 0, 0, o?.out));
    },
  },
  add: binary('add'), subtract: binary('subtract'), multiply: binary('multiply'), divide: binary('divide'),
  maximum: binary('maximum'), minimum: binary('minimum'), pow: binary('pow'),
  clip: {
    ...CORE_OPS.clip,
    run: (c: never, x: unknown, lo: unknown, hi: unknown, o: { out?: unknown } | undefined) => (isTyped(x) && flatOut(o)
      ? CORE_OPS.clip.run(c, x as never, lo as never, hi as never, o as never)
      : loose<AnyOp>(unaryND(c, undefined, x, lo as number, hi as number, o?.out))),
  },
  where: { params: ['cond', 'x', 'y'], options: ['out'], run: (c: never, cond: unknown, x: unknown, y: unknown, o: { out?: unknown } | undefined) => loose<AnyOp>(where(c, cond, x, y, o?.out)) },
  sum: reduce('sum'), mean: reduce('mean'), min: reduce('min'), max: reduce('max'), norm: reduce('norm'),
  prod: reduce('prod'), any: reduce('any'), all: reduce('all'),
  argmin: { ...reduce('argmin'), options: ['axis', 'keepdims', 'out'] }, argmax: { ...reduce('argmax'), options: ['axis', 'keepdims', 'out'] },
  variance: reduce('variance', ['ddof']), std: reduce('std', ['ddof']),
  cumsum: {
    ...CORE_OPS.cumsum, options: ['axis', 'out'],
    run: (c: never, x: unknown, o: { axis?: unknown; out?: unknown } | undefined) => (isTyped(x) && o?.axis === undefined && flatOut(o)
      ? CORE_OPS.cumsum.run(c, x as never, o as never) : loose<AnyOp>(cumsumND(c, x, o ?? {}))),
  },
  sort: {
    ...CORE_OPS.sort, options: ['axis'],
    run: (c: never, x: unknown, o: { axis?: unknown } | undefined) => (isTyped(x) && (o?.axis === undefined || o.axis === -1 || o.axis === 0)
      ? CORE_OPS.sort.run(c, x as never) : loose<AnyOp>(sortND(c, x, o ?? {}))),
  },
  argsort: {
    ...CORE_OPS.argsort, options: ['axis', 'out'],
    run: (c: never, x: unknown, o: { axis?: unknown; out?: unknown } | undefined) => (isTyped(x) && (o?.axis === undefined || o.axis === -1 || o.axis === 0) && flatOut(o)
      ? CORE_OPS.argsort.run(c, x as never, o as never) : loose<AnyOp>(argsortND(c, x, o ?? {}))),
  },
  matmul: {
    ...CORE_OPS.matmul,
    run: (c: never, a: unknown, b: unknown, o: Record<string, unknown> | undefined) => (isTyped(a) && isTyped(b) && flatOut(o) && o !== undefined && (o.m !== undefined || o.k !== undefined || o.n !== undefined)
      ? CORE_OPS.matmul.run(c, a as never, b as never, o as never) : loose<AnyOp>(matmulND(c, a, b, o ?? {}))),
  },
  dot: { ...CORE_OPS.dot, run: (c: never, a: unknown, b: unknown) => (isTyped(a) && isTyped(b) ? CORE_OPS.dot.run(c, a as never, b as never) : loose<AnyOp>(dotND(c, a, b))) },
  histogram: { ...CORE_OPS.histogram, run: (c: never, x: unknown, o: never) => (isTyped(x) ? CORE_OPS.histogram.run(c, x as never, o) : loose<AnyOp>(histogramND(c, x, o))) },
  concatenate: { params: ['arrays'], options: ['axis', 'out'], run: (c: never, arrays: unknown, o: { axis?: unknown; out?: unknown } | undefined) => loose<AnyOp>(concatenate(c, arrays, o ?? {})) },
  stack: { params: ['arrays'], options: ['axis', 'out'], run: (c: never, arrays: unknown, o: { axis?: unknown; out?: unknown } | undefined) => loose<AnyOp>(stack(c, arrays, o ?? {})) },
} as unknown as OpDecls<NdOps>;
