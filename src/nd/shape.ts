/**
 * Shapes, strides and axes: pure functions, no engine. Strides are in elements
 * (not bytes), C order is the default layout. Messages follow numpy's wording so
 * users who know numpy recognise them; each names the op.
 */
import { describe } from '../memory/dtypes.js';

export type Shape = readonly number[];

/** numpy's spelling of a shape in messages: (3,4), (5,), (). */
export function formatShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(',')})`;
}

/** Number of elements of a shape (1 for a 0-d shape). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Validate a user-given shape: a non-negative integer or an array of them. */
export function checkShape(shape: unknown, op: string, name = 'shape'): number[] {
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims)) throw new TypeError(`${op}: ${name} must be an array of non-negative integers; got ${describe(shape)}`);
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: ${name} must be an array of non-negative integers; got [${dims.map(String).join(', ')}]`);
    }
  }
  if (sizeOf(dims) > 0x7fffffff) throw new RangeError(`${op}: ${name} ${formatShape(dims)} has more than 2^31-1 elements`);
  return dims.slice();
}

/** C-contiguous (row-major) strides in elements. */
export function cStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]!; }
  return strides;
}

/**
 * True when a view with these strides walks its elements in C order with no
 * gaps (size-1 dims may have any stride; a size-0 array is trivially contiguous).
 */
export function isCContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d === 0) return true;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/** Lowest and highest element index a view touches (relative to data[0]); [0, -1] when empty. */
export function extent(shape: Shape, strides: readonly number[], offset: number): [number, number] {
  let lo = offset, hi = offset;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === 0) return [0, -1];
    const span = (d - 1) * strides[i]!;
    if (span < 0) lo += span; else hi += span;
  }
  return [lo, hi];
}

/** Normalise one axis (negative counts from the end); RangeError as numpy words it. */
export function normalizeAxis(axis: unknown, ndim: number, op: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new TypeError(`${op}: axis must be an integer; got ${describe(axis)}`);
  }
  if (axis < -ndim || axis >= ndim) throw new RangeError(`${op}: axis ${axis} is out of bounds for an array of dimension ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Normalise `axis: number | number[] | undefined` to a sorted list of distinct
 * axes (undefined or null = every axis). A repeated axis is an error, as in numpy.
 */
export function normalizeAxes(axis: unknown, ndim: number, op: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a) => normalizeAxis(a, ndim, op));
  const seen = new Set<number>();
  for (const a of out) {
    if (seen.has(a)) throw new RangeError(`${op}: duplicate value in axis`);
    seen.add(a);
  }
  return out.sort((x, y) => x - y);
}

/** Check a permutation of 0..ndim-1 (negative entries allowed) for transpose. */
export function normalizePermutation(axes: unknown, ndim: number, op: string): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: ndim }, (_, i) => ndim - 1 - i);
  if (!Array.isArray(axes) || axes.length !== ndim) {
    throw new RangeError(`${op}: axes don't match array: expected a permutation of ${ndim} axes; got ${describe(axes)}`);
  }
  const perm = axes.map((a) => normalizeAxis(a, ndim, op));
  if (new Set(perm).size !== ndim) throw new RangeError(`${op}: repeated axis in transpose`);
  return perm;
}

/**
 * The shape reshape asks for, with one -1 inferred (numpy's rule). Errors as
 * numpy: `cannot reshape array of size 12 into shape (5,3)`.
 */
export function resolveReshape(size: number, shape: unknown, op = 'reshape'): number[] {
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims)) throw new TypeError(`${op}: shape must be an array of integers; got ${describe(shape)}`);
  let unknown = -1, known = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < -1) {
      throw new RangeError(`${op}: shape must be an array of non-negative integers (one may be -1); got [${dims.map(String).join(', ')}]`);
    }
    if (d === -1) {
      if (unknown >= 0) throw new RangeError(`${op}: can only specify one unknown dimension`);
      unknown = i;
    } else known *= d;
  }
  const out = dims.slice() as number[];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) throw new RangeError(`${op}: cannot reshape array of size ${size} into shape ${formatShape(dims.map((d) => (d === -1 ? -1 : d)))}`);
    out[unknown] = size / known;
  }
  if (sizeOf(out) !== size) throw new RangeError(`${op}: cannot reshape array of size ${size} into shape ${formatShape(dims)}`);
  return out;
}

/**
 * Strides that view data laid out with (shape, strides) as `newShape` without
 * copying, or undefined when no such view exists (numpy's _attempt_nocopy_reshape:
 * dims are matched group by group; inside a group the old dims must be contiguous).
 */
export function reshapeStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | undefined {
  if (sizeOf(shape) === 0 || sizeOf(newShape) === 0) return cStrides(newShape);
  // Size-1 dims carry no layout: drop them, as numpy does.
  const os: number[] = [], ot: number[] = [];
  for (let i = 0; i < shape.length; i++) if (shape[i] !== 1) { os.push(shape[i]!); ot.push(strides[i]!); }
  const out = new Array<number>(newShape.length).fill(0);
  let oi = 0, oj = 1, ni = 0, nj = 1;
  const on = os.length, nn = newShape.length;
  while (ni < nn && oi < on) {
    let np = newShape[ni]!, op = os[oi]!;
    while (np !== op) {
      if (np < op) np *= newShape[nj++]!;
      else op *= os[oj++]!;
    }
    for (let k = oi; k < oj - 1; k++) if (ot[k] !== os[k + 1]! * ot[k + 1]!) return undefined;
    out[nj - 1] = ot[oj - 1]!;
    for (let k = nj - 1; k > ni; k--) out[k - 1] = out[k]! * newShape[k]!;
    ni = nj++; oi = oj++;
  }
  // Trailing size-1 dims of the new shape: any stride works; give them a C-like one.
  const last = ni > 0 ? out[ni - 1]! : 1;
  for (let k = ni; k < nn; k++) out[k] = last;
  return out;
}
