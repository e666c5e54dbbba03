/**
 * NDArray: a strided view over a plain typed array, numpy's ndarray in small.
 * `data` is the whole typed array (zero copy); element (i0, i1, ...) lives at
 * data[offset + Σ ik·strides[k]]. Strides are in elements and may be 0
 * (broadcast) or negative (reversed). Every view method here is O(ndim) and
 * never copies, except reshape when no view can express the new shape.
 */
import { DTYPES, describe, dtypeOf, type Dtype, type TypedArray } from '../memory/dtypes.js';
import { broadcastStrides, broadcastToError } from './broadcast.js';
import { formatArray } from './format.js';
import {
  checkShape, cStrides, extent, formatShape, isCContiguous, normalizeAxis, normalizePermutation, reshapeStrides,
  resolveReshape, sizeOf, type Shape,
} from './shape.js';
import { sliceView, type SliceSpec } from './slice.js';

/** Allocates the storage of a copy (the engine's heap for engine arrays). */
export type Allocator = (dtype: Dtype, n: number) => TypedArray;

const plainAlloc: Allocator = (dtype, n) => new DTYPES[dtype].ctor(n);

export class NDArray<T extends TypedArray = TypedArray> {
  readonly data: T;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly #alloc: Allocator;

  /**
   * A view over `data`. Checks that every element the view can reach lies
   * inside `data`; use engine.ndarray(...) rather than this constructor.
   */
  constructor(data: T, shape: Shape, strides?: readonly number[], offset = 0, alloc: Allocator = plainAlloc, op = 'ndarray') {
    const dtype = dtypeOf(data);
    if (!dtype) throw new TypeError(`${op}: data must be a Float64Array, Float32Array, Int32Array, Uint32Array or Uint8Array; got ${describe(data)}`);
    const dims = checkShape(shape, op);
    const st = strides === undefined ? cStrides(dims) : strides.slice();
    if (!Array.isArray(st) || st.length !== dims.length || st.some((s) => typeof s !== 'number' || !Number.isInteger(s))) {
      throw new RangeError(`${op}: strides must be ${dims.length} integers (one per dim of shape ${formatShape(dims)}); got ${describe(strides)}`);
    }
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw new RangeError(`${op}: offset must be a non-negative integer; got ${describe(offset)}`);
    const [lo, hi] = extent(dims, st, offset);
    if (lo < 0 || hi >= data.length) {
      throw new RangeError(`${op}: shape ${formatShape(dims)} with strides (${st.join(',')}) and offset ${offset} reaches elements ${lo}..${hi}, outside data of length ${data.length}`);
    }
    this.data = data;
    this.dtype = dtype;
    this.shape = Object.freeze(dims);
    this.strides = Object.freeze(st);
    this.offset = offset;
    this.#alloc = alloc;
  }

  get ndim(): number { return this.shape.length; }
  get size(): number { return sizeOf(this.shape); }
  /** True when the elements are data[offset .. offset+size) in C order. */
  get isContiguous(): boolean { return isCContiguous(this.shape, this.strides); }

  #view(shape: Shape, strides: readonly number[], offset: number): NDArray<T> {
    return new NDArray(this.data, shape, strides, offset, this.#alloc);
  }

  /**
   * A view with a new shape (one dim may be -1) when the strides allow it;
   * otherwise (e.g. reshaping a transpose) a C-contiguous COPY, as numpy does.
   * The copy is made on the calling thread, in the array's engine memory for
   * engine arrays; free it with engine.free when done.
   */
  reshape(...shape: (number | readonly number[])[]): NDArray<T> {
    const spec = shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : shape;
    const dims = resolveReshape(this.size, spec);
    const st = reshapeStrides(this.shape, this.strides, dims);
    if (st) return this.#view(dims, st, this.offset);
    return this.copy().reshape(dims);
  }

  /** A C-contiguous copy made on the calling thread (engine.copy(a) does it on every thread). */
  copy(): NDArray<T> {
    const out = this.#alloc(this.dtype, this.size) as T;
    let i = 0;
    this.#each((k) => { out[i++] = this.data[k]!; });
    return new NDArray(out, this.shape, undefined, 0, this.#alloc);
  }

  /** Permute the axes (default: reverse them). A view. */
  transpose(...axes: (number | readonly number[])[]): NDArray<T> {
    const spec = axes.length === 0 ? undefined : axes.length === 1 && Array.isArray(axes[0]) ? axes[0] : axes;
    const perm = normalizePermutation(spec, this.ndim, 'transpose');
    return this.#view(perm.map((p) => this.shape[p]!), perm.map((p) => this.strides[p]!), this.offset);
  }

  get T(): NDArray<T> { return this.transpose(); }

  /**
   * Basic indexing. Per axis: an integer (drops the axis; negative counts from
   * the end), null (the whole axis), or [start, stop, step] with Python's
   * semantics (negatives, omitted ends as null/undefined, negative steps).
   * Missing trailing specs mean the whole axis. A view.
   */
  slice(...specs: SliceSpec[]): NDArray<T> {
    const v = sliceView(this.shape, this.strides, this.offset, specs, 'slice');
    return this.#view(v.shape, v.strides, v.offset);
  }

  /** A read-only-in-spirit view with `shape` (stride 0 on broadcast dims), as numpy.broadcast_to. */
  broadcastTo(shape: Shape): NDArray<T> {
    const dims = checkShape(shape, 'broadcastTo');
    const st = broadcastStrides(this.shape, this.strides, dims);
    if (!st) throw broadcastToError('broadcastTo', this.shape, dims);
    return this.#view(dims, st, this.offset);
  }

  /** Remove size-1 axes (all of them, or the given ones, which must have size 1). */
  squeeze(axis?: number | readonly number[]): NDArray<T> {
    let drop: Set<number>;
    if (axis === undefined) drop = new Set(this.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
    else {
      drop = new Set((Array.isArray(axis) ? axis : [axis]).map((a) => normalizeAxis(a, this.ndim, 'squeeze')));
      for (const a of drop) if (this.shape[a] !== 1) throw new RangeError('squeeze: cannot select an axis to squeeze out which has size not equal to one');
    }
    const keep = this.shape.map((_, i) => i).filter((i) => !drop.has(i));
    return this.#view(keep.map((i) => this.shape[i]!), keep.map((i) => this.strides[i]!), this.offset);
  }

  /** Insert a size-1 axis at `axis` (negative counts from the end of the result). */
  expandDims(axis: number): NDArray<T> {
    const a = normalizeAxis(axis, this.ndim + 1, 'expandDims');
    const shape = this.shape.slice(), strides = this.strides.slice();
    shape.splice(a, 0, 1);
    strides.splice(a, 0, 0);
    return this.#view(shape, strides, this.offset);
  }

  /** Index into data of element `idx` (every axis given; negatives count from the end). */
  index(idx: readonly number[], op = 'get'): number {
    if (idx.length !== this.ndim) throw new RangeError(`${op}: expected ${this.ndim} indices for an array of dimension ${this.ndim}; got ${idx.length}`);
    let k = this.offset;
    for (let d = 0; d < idx.length; d++) {
      let i = idx[d]!;
      const n = this.shape[d]!;
      if (typeof i !== 'number' || !Number.isInteger(i)) throw new TypeError(`${op}: index ${d} must be an integer; got ${describe(i)}`);
      if (i < -n || i >= n) throw new RangeError(`${op}: index ${i} is out of bounds for axis ${d} with size ${n}`);
      if (i < 0) i += n;
      k += i * this.strides[d]!;
    }
    return k;
  }

  get(...idx: number[]): number { return this.data[this.index(idx, 'get')]!; }

  /** set(i0, i1, ..., value). Writes through to data (a broadcast view writes its one shared element). */
  set(...args: number[]): void {
    if (args.length === 0) throw new TypeError('set: expected the indices then the value');
    const value = args[args.length - 1]!;
    if (typeof value !== 'number') throw new TypeError(`set: value must be a number; got ${describe(value)}`);
    this.data[this.index(args.slice(0, -1), 'set')] = value;
  }

  /** Nested JS arrays (a number for a 0-d array). */
  toArray(): unknown {
    const build = (d: number, k: number): unknown => {
      if (d === this.ndim) return this.data[k]!;
      const out = new Array(this.shape[d]!);
      for (let i = 0; i < out.length; i++) out[i] = build(d + 1, k + i * this.strides[d]!);
      return out;
    };
    return build(0, this.offset);
  }

  /** numpy-like printing; arrays over 1000 elements are summarised with '...'. */
  toString(): string { return formatArray(this); }

  /** The fields scijs `ndarray` uses; pass the `ndarray` function to get a real one: a.toScijs(ndarray). */
  toScijs<R = { data: T; shape: number[]; stride: number[]; offset: number }>(factory?: (data: T, shape: number[], stride: number[], offset: number) => R): R {
    if (factory) return factory(this.data, this.shape.slice(), this.strides.slice(), this.offset);
    return { data: this.data, shape: this.shape.slice(), stride: this.strides.slice(), offset: this.offset } as R;
  }

  /**
   * A stdlib ndarray: pass `ndarray` from '@stdlib/ndarray/ctor' (the wasmpar
   * dtype maps to stdlib's 'float64', 'float32', 'int32', 'uint32', 'uint8').
   */
  toStdlib<R>(ctor: new (dtype: string, buffer: T, shape: number[], strides: number[], offset: number, order: string) => R): R {
    return new ctor(STDLIB_DTYPES[this.dtype], this.data, this.shape.slice(), this.strides.slice(), this.offset, 'row-major');
  }

  /** Visit data indices in C order. */
  #each(fn: (k: number) => void): void {
    if (this.size === 0) return;
    const nd = this.ndim, idx = new Array<number>(nd).fill(0);
    let k = this.offset;
    for (;;) {
      fn(k);
      let d = nd - 1;
      for (; d >= 0; d--) {
        if (++idx[d]! < this.shape[d]!) { k += this.strides[d]!; break; }
        k -= (idx[d]! - 1) * this.strides[d]!;
        idx[d] = 0;
      }
      if (d < 0) return;
    }
  }

  /** Every element in C order, as numbers. */
  *[Symbol.iterator](): IterableIterator<number> {
    const out: number[] = [];
    this.#each((k) => out.push(this.data[k]!));
    yield* out;
  }

  get [Symbol.toStringTag](): string { return `NDArray ${this.dtype} ${formatShape(this.shape)}`; }
}

export const STDLIB_DTYPES: Readonly<Record<Dtype, string>> = { f64: 'float64', f32: 'float32', i32: 'int32', u32: 'uint32', u8: 'uint8' };
