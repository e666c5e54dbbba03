/** The element types wasmpar kernels understand, and their typed-array twins. */
export type Dtype = 'f64' | 'f32' | 'i32' | 'u32' | 'u8';

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

export type TypedArrayFor<D extends Dtype> = D extends 'f64' ? Float64Array
  : D extends 'f32' ? Float32Array
  : D extends 'i32' ? Int32Array
  : D extends 'u32' ? Uint32Array
  : Uint8Array;

interface DtypeInfo {
  readonly ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray; new (length: number): TypedArray };
  readonly bytes: number;
  /** log2(bytes): kernels index with `ptr + (i << shift)`. */
  readonly shift: number;
  readonly float: boolean;
  /** Integer dtypes: the smallest and largest value; floats: ±Infinity. */
  readonly range: readonly [number, number];
}

export const DTYPES: Readonly<Record<Dtype, DtypeInfo>> = {
  f64: { ctor: Float64Array, bytes: 8, shift: 3, float: true, range: [-Infinity, Infinity] },
  f32: { ctor: Float32Array, bytes: 4, shift: 2, float: true, range: [-Infinity, Infinity] },
  i32: { ctor: Int32Array, bytes: 4, shift: 2, float: false, range: [-2147483648, 2147483647] },
  u32: { ctor: Uint32Array, bytes: 4, shift: 2, float: false, range: [0, 4294967295] },
  u8: { ctor: Uint8Array, bytes: 1, shift: 0, float: false, range: [0, 255] },
};

export const DTYPE_NAMES = Object.keys(DTYPES) as Dtype[];

/** A dtype as a number, for jobs that carry it through the control block: its index in DTYPE_NAMES. */
export function dtypeCode(dtype: Dtype): number {
  return DTYPE_NAMES.indexOf(dtype);
}

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(DTYPES, value);
}

/** The dtype of a typed array, or undefined for anything wasmpar does not handle (incl. Uint8ClampedArray, Int16Array...). */
export function dtypeOf(value: unknown): Dtype | undefined {
  if (value instanceof Float64Array) return 'f64';
  if (value instanceof Float32Array) return 'f32';
  if (value instanceof Int32Array) return 'i32';
  if (value instanceof Uint32Array) return 'u32';
  if (value instanceof Uint8Array) return 'u8';
  return undefined;
}

export function checkDtype(value: unknown, name: string): Dtype {
  if (!isDtype(value)) {
    throw new TypeError(`${name} must be one of ${DTYPE_NAMES.map((d) => `'${d}'`).join(', ')}; got ${describe(value)}`);
  }
  return value;
}

/**
 * Whether a typed array's buffer was detached (transferred, e.g. by
 * structuredClone(x, { transfer })): it then reads as empty, and writing it throws.
 */
export function isDetached(view: ArrayBufferView): boolean {
  if (view.byteLength !== 0) return false;
  const buffer = view.buffer as ArrayBufferLike & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length?: number }).length ?? value.byteLength})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  return (value as object).constructor?.name ?? typeof value;
}
