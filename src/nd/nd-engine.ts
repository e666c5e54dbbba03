/**
 * The engine layer that knows N-d arrays: constructors (zeros, ones, empty,
 * full, ndarray, asarray) and free() of an NDArray. The N-d ops themselves are
 * declarations (nd-ops.ts) the public Engine installs.
 */
import { EngineCore } from '../engine/engine.js';
import { checkDtype, describe, dtypeOf, DTYPES, type Dtype, type TypedArray, type TypedArrayFor } from '../memory/dtypes.js';
import { toNDArray } from './interop.js';
import { NDArray } from './ndarray.js';
import { checkShape, sizeOf } from './shape.js';

export class NdEngine extends EngineCore {
  readonly #alloc = (d: Dtype, n: number) => this.alloc(d, n);

  #make<D extends Dtype>(op: string, shape: unknown, dtype: D | undefined, value?: number): NDArray<TypedArrayFor<D>> {
    this.assertLive(op);
    const d = (dtype === undefined ? 'f64' : checkDtype(dtype, `${op}: dtype`)) as D;
    const dims = checkShape(shape, op);
    const data = this.alloc(d, sizeOf(dims));
    if (value !== undefined && value !== 0) data.fill(value);
    return new NDArray(data, dims, undefined, 0, this.#alloc) as NDArray<TypedArrayFor<D>>;
  }

  /** A new zero-filled array on the shared memory. */
  zeros<D extends Dtype = 'f64'>(shape: number | readonly number[], dtype?: D): NDArray<TypedArrayFor<D>> { return this.#make('zeros', shape, dtype); }
  /** Like numpy.empty; the shared heap hands out zeroed blocks anyway. */
  empty<D extends Dtype = 'f64'>(shape: number | readonly number[], dtype?: D): NDArray<TypedArrayFor<D>> { return this.#make('empty', shape, dtype); }
  ones<D extends Dtype = 'f64'>(shape: number | readonly number[], dtype?: D): NDArray<TypedArrayFor<D>> { return this.#make('ones', shape, dtype, 1); }
  full<D extends Dtype = 'f64'>(shape: number | readonly number[], value: number, dtype?: D): NDArray<TypedArrayFor<D>> {
    if (typeof value !== 'number') throw new TypeError(`full: value must be a number; got ${describe(value)}`);
    return this.#make('full', shape, dtype, value);
  }

  /** A view over `data` (no copy): C-contiguous unless strides (in elements) say otherwise. */
  ndarray<T extends TypedArray>(data: T, shape: number | readonly number[], opts: { strides?: readonly number[]; offset?: number } = {}): NDArray<T> {
    this.assertLive('ndarray');
    if (typeof opts !== 'object' || opts === null) throw new TypeError(`ndarray: options must be an object like { strides, offset }; got ${describe(opts)}`);
    for (const key of Object.keys(opts)) if (key !== 'strides' && key !== 'offset') throw new TypeError(`ndarray: unknown option '${key}'; known options: strides, offset`);
    const dims = typeof shape === 'number' ? [shape] : shape;
    return new NDArray(data, dims, opts.strides, opts.offset ?? 0, this.#alloc, 'ndarray');
  }

  /**
   * Nested JS arrays (or numbers, typed arrays, NDArrays, scijs/stdlib ndarrays)
   * copied into a new C-contiguous array on the shared memory. An NDArray whose
   * data already lives here with the requested dtype is returned as is.
   */
  asarray<D extends Dtype = 'f64'>(value: unknown, dtype?: D): NDArray<TypedArrayFor<D>> {
    this.assertLive('asarray');
    if (dtype !== undefined) checkDtype(dtype, 'asarray: dtype');
    const nd = toNDArray(value, this.#alloc, 'asarray', 'value');
    if (nd) {
      if (nd instanceof NDArray && (dtype === undefined || dtype === nd.dtype)) return nd as NDArray<TypedArrayFor<D>>;
      const out = this.#make('asarray', nd.shape, (dtype ?? nd.dtype) as D);
      let i = 0;
      for (const v of nd) out.data[i++] = v;
      return out;
    }
    const shape: number[] = [];
    for (let v: unknown = value; Array.isArray(v); v = v[0]) shape.push(v.length);
    const flat: number[] = [];
    const walk = (v: unknown, d: number): void => {
      if (d === shape.length) {
        if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`asarray: elements must be numbers; got ${describe(v)}`);
        flat.push(Number(v));
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[d]) {
        throw new RangeError(`asarray: setting an array element with a sequence. The requested array has an inhomogeneous shape after ${d} dimensions`);
      }
      for (const e of v) walk(e, d + 1);
    };
    walk(value, 0);
    const out = this.#make('asarray', shape, (dtype ?? 'f64') as D);
    out.data.set(flat);
    return out;
  }

  /** Return the block of a typed array or of the array an NDArray views (the block it was allocated with). */
  override free(array: TypedArray | NDArray): void {
    if (array instanceof NDArray) super.free(array.data);
    else if (!dtypeOf(array) && array !== null && typeof array === 'object' && dtypeOf((array as unknown as { data?: unknown }).data)) super.free((array as unknown as { data: TypedArray }).data);
    else super.free(array);
  }
}

void DTYPES;
