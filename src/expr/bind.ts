/**
 * Binding a call's variables: each array operand (a typed array, an NDArray,
 * or a scijs/stdlib ndarray) is read in one of three ways, decided per call:
 *   flat     C-contiguous with the result's shape: read in place, block by block;
 *   const    a single element stretched over the result: read once, as a number is;
 *   strided  anything else (broadcast dims, transposes, slices): gathered per block.
 * The signature key (dtype and reading per name, 'i'/'f' per number) selects
 * the compiled program; every error about vars is raised here.
 */
import { describe, dtypeOf, type Dtype, type TypedArray } from '../memory/dtypes.js';
import { broadcastShapes } from '../nd/broadcast.js';
import { toNDArray, ND_KINDS } from '../nd/interop.js';
import { isCContiguous, sizeOf } from '../nd/shape.js';
import type { Vars } from './fold.js';
import type { Operand } from './types.js';

export type Reading = 'flat' | 'const' | 'strided';

export interface ArrayOperand {
  readonly data: TypedArray;
  readonly dt: Dtype;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly reading: Reading;
}

export interface Bound {
  /** Elements of the result, and its shape. */
  readonly n: number;
  readonly shape: readonly number[];
  /** True when some operand is N-d (not a plain typed array): the result is an NDArray. */
  readonly nd: boolean;
  readonly key: string;
  readonly arrays: ReadonlyMap<string, ArrayOperand>;
  /** The operand kinds check() needs: only built when a program must be compiled. */
  readonly operands: () => Map<string, Operand>;
}

const ARRAY_KINDS = `${ND_KINDS} (Float64Array, Float32Array, Int32Array, Uint32Array or Uint8Array data) or a number`;

/** The first element an operand reads (a length-1 or size-1 array stretched over the result). */
export function firstElement(value: unknown): number {
  if (ArrayBuffer.isView(value)) return (value as TypedArray)[0]!;
  const o = value as { data: TypedArray; offset?: number };
  return o.data[o.offset ?? 0]!;
}

export function bind(names: readonly string[], vars: unknown, op: string): Bound {
  if (typeof vars !== 'object' || vars === null || ArrayBuffer.isView(vars)) {
    throw new TypeError(`${op}: vars must be an object mapping names to arrays or numbers; got ${describe(vars)}`);
  }
  const v = vars as Vars;
  return bindFlat(names, v) ?? bindND(names, v, op);
}

const UNIT = Object.freeze([1]);

/**
 * The common case, kept cheap (a small evaluation is dominated by fixed costs):
 * every operand a typed array or a number, lengths equal or 1. Undefined otherwise.
 */
function bindFlat(names: readonly string[], v: Vars): Bound | undefined {
  let n = -1;
  for (let i = 0; i < names.length; i++) {
    const value = v[names[i]!];
    if (typeof value === 'number') continue;
    if (!dtypeOf(value)) return undefined;
    const len = (value as TypedArray).length;
    if (n === -1 || n === 1) n = len;
    else if (len !== n && len !== 1) return undefined;
  }
  if (n === -1) return undefined;
  const arrays = new Map<string, ArrayOperand>();
  const shape = [n];
  let key = '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = v[name];
    if (typeof value === 'number') { key += Number.isInteger(value) ? 'i,' : 'f,'; continue; }
    const t = value as TypedArray;
    const dt = dtypeOf(t)!;
    const reading: Reading = t.length === 1 && n !== 1 ? 'const' : 'flat';
    arrays.set(name, { data: t, dt, offset: 0, shape: reading === 'flat' ? shape : UNIT, strides: UNIT, reading });
    key += reading === 'flat' ? `${dt},` : `${dt}*,`;
  }
  return { n, shape, nd: false, key, arrays, operands: () => operandsOf(names, v, arrays) };
}

function operandsOf(names: readonly string[], v: Vars, arrays: ReadonlyMap<string, ArrayOperand>): Map<string, Operand> {
  const m = new Map<string, Operand>();
  for (const name of names) {
    const value = v[name];
    if (typeof value === 'number') m.set(name, { kind: 'number', int: Number.isInteger(value) });
    const a = arrays.get(name);
    if (a) m.set(name, { kind: 'array', dt: a.dt, broadcast: a.reading === 'const', strided: a.reading === 'strided' });
  }
  return m;
}

function bindND(names: readonly string[], v: Vars, op: string): Bound {
  const found: Array<[string, Omit<ArrayOperand, 'reading'>]> = [];
  let nd = false;
  for (const name of names) {
    const value = v[name];
    if (typeof value === 'number') continue;
    const dt = dtypeOf(value);
    if (dt) {
      const t = value as TypedArray;
      found.push([name, { data: t, dt, offset: 0, shape: [t.length], strides: [1] }]);
      continue;
    }
    if (value === undefined && !(name in v)) continue; // check() names it as unknown, with its column
    const a = toNDArray(value, undefined, op, `variable '${name}'`);
    if (!a) throw new TypeError(`${op}: variable '${name}' must be ${ARRAY_KINDS}; got ${describe(value)}`);
    nd = true;
    found.push([name, { data: a.data, dt: a.dtype, offset: a.offset, shape: a.shape, strides: a.strides }]);
  }
  const shape = found.length === 0 ? [] : found.length === 1 ? found[0]![1].shape : broadcastShapes(op, ...found.map(([, a]) => a.shape));
  const n = sizeOf(shape);
  const arrays = new Map<string, ArrayOperand>();
  for (const [name, a] of found) {
    const size = sizeOf(a.shape);
    const same = a.shape.length === shape.length && a.shape.every((d, i) => d === shape[i]);
    const reading: Reading = size === 1 && n !== 1 ? 'const' : same && isCContiguous(a.shape, a.strides) ? 'flat' : 'strided';
    arrays.set(name, { ...a, reading });
  }
  let key = '';
  for (const name of names) {
    const value = v[name];
    if (typeof value === 'number') { key += Number.isInteger(value) ? 'i,' : 'f,'; continue; }
    const a = arrays.get(name);
    key += a === undefined ? '?,' : a.reading === 'flat' ? `${a.dt},` : a.reading === 'const' ? `${a.dt}*,` : `${a.dt}~,`;
  }
  return { n, shape, nd, key, arrays, operands: () => operandsOf(names, v, arrays) };
}
