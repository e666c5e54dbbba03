/**
 * Operands by duck typing: a typed array is a 1-d array; an NDArray is itself;
 * a scijs `ndarray` ({ data, shape, stride, offset }) and a stdlib ndarray
 * ({ data, shape, strides, offset }) become NDArray views over the same data
 * (zero copy when the data is an engine array).
 */
import { describe, dtypeOf, isDetached, type TypedArray } from '../memory/dtypes.js';
import { NDArray, type Allocator } from './ndarray.js';

export const ND_KINDS = 'a typed array, an NDArray, or a scijs/stdlib ndarray';

/** True for anything `toNDArray` accepts other than a bare typed array. */
export function isNDLike(x: unknown): boolean {
  if (x instanceof NDArray) return true;
  if (typeof x !== 'object' || x === null || ArrayBuffer.isView(x)) return false;
  const o = x as Record<string, unknown>;
  return dtypeOf(o.data) !== undefined && Array.isArray(o.shape) && (Array.isArray(o.stride) || Array.isArray(o.strides));
}

/** View `x` as an NDArray, or undefined when it is none of the accepted kinds. */
export function toNDArray(x: unknown, alloc?: Allocator, op = 'ndarray', name = 'x'): NDArray | undefined {
  if (x instanceof NDArray) return x;
  const dt = dtypeOf(x);
  if (dt) { const t = x as TypedArray; return new NDArray(t, [t.length], [1], 0, alloc, op); }
  if (!isNDLike(x)) return undefined;
  const o = x as { data: TypedArray; shape: number[]; stride?: number[]; strides?: number[]; offset?: number };
  const strides = Array.isArray(o.stride) ? o.stride : o.strides!;
  try {
    return new NDArray(o.data, o.shape.slice(), strides.slice(), o.offset ?? 0, alloc, op);
  } catch (err) {
    const why = (err as Error).message.replace(`${op}: `, '');
    throw new RangeError(`${op}: ${name} is not a valid ndarray view: ${why}`);
  }
}

export function requireNDArray(x: unknown, op: string, name: string, alloc?: Allocator): NDArray {
  const a = toNDArray(x, alloc, op, name);
  if (!a) throw new TypeError(`${op}: ${name} must be ${ND_KINDS}; got ${describe(x)}`);
  // Caught here, before any view arithmetic reads the empty buffer and fails obscurely.
  if (isDetached(a.data)) throw new TypeError(`${op}: ${name} is a view whose ${describe(a.data).replace(/\(.*/, '')}'s ArrayBuffer was detached (transferred); it holds no data`);
  return a;
}
