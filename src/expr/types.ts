/**
 * Dtype rules for expressions: numpy's promotion over wasmpar's five dtypes plus
 * bool (comparison results, stored as u8 0/1). Plain numbers are "weak" (numpy's
 * Python scalars): they take the array's dtype unless their kind is higher
 * (a float with an integer array gives f64). Where numpy would need a dtype
 * wasmpar lacks, the README's Expressions section says what happens instead.
 */
import type { Dtype } from '../memory/dtypes.js';

export type Dt = Dtype | 'bool';
export type ScalarKind = 'bool' | 'int' | 'float';

/**
 * An operand's kind as the type check sees it. `broadcast`: a single element
 * stretched over the result (read as a constant); `strided`: gathered per block.
 */
export type Operand = { kind: 'array'; dt: Dt; broadcast?: boolean; strided?: boolean } | { kind: 'number'; int: boolean };

export const storage = (dt: Dt): Dtype => (dt === 'bool' ? 'u8' : dt);
export const isFloat = (dt: Dt): boolean => dt === 'f64' || dt === 'f32';
export const isInt = (dt: Dt): boolean => dt === 'i32' || dt === 'u32' || dt === 'u8';

/** numpy's result dtype for two arrays (i32 with u32 is int64 in numpy: f64 here). */
export function promote(a: Dt, b: Dt): Dt {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  if (a === 'f64' || b === 'f64') return 'f64';
  if (a === 'f32' || b === 'f32') return a === 'u8' || b === 'u8' ? 'f32' : 'f64';
  if (a === 'u8') return b;
  if (b === 'u8') return a;
  return 'f64'; // i32 with u32
}

/** The dtype a weak scalar of `kind` takes next to an array of dtype `dt`. */
export function withScalar(dt: Dt, kind: ScalarKind): Dt {
  if (kind === 'bool') return dt;
  if (kind === 'int') return dt === 'bool' ? 'i32' : dt;
  return isFloat(dt) ? dt : 'f64';
}

/** The float dtype numpy computes sqrt/exp/... in (u8 and bool: float16 in numpy, f32 here). */
export function floatFor(dt: Dt): Dt {
  if (isFloat(dt)) return dt;
  return dt === 'u8' || dt === 'bool' ? 'f32' : 'f64';
}

/** Dtype of two weak scalars combined (where(c, 1, 2.5) and the like). */
export function scalarDt(a: ScalarKind, b: ScalarKind): Dt {
  if (a === 'float' || b === 'float') return 'f64';
  if (a === 'int' || b === 'int') return 'i32';
  return 'bool';
}

const RANGE: Record<string, [number, number]> = { i32: [-2147483648, 2147483647], u32: [0, 4294967295], u8: [0, 255], bool: [0, 1] };

/**
 * A scalar's value stored as dtype `dt`. An integer that does not fit an integer
 * dtype is a RangeError (numpy 2 raises OverflowError the same way).
 */
export function scalarValue(value: number, kind: ScalarKind, dt: Dt, op: string, what: () => string): number {
  if (dt === 'f64') return value;
  if (dt === 'f32') return Math.fround(value);
  const r = RANGE[dt]!;
  if (kind === 'bool' || dt === 'bool') return value ? 1 : 0;
  if (!Number.isInteger(value) || value < r[0] || value > r[1]) {
    const w = what();
    // 'the number 300' already says its value; a name or a folded part needs it.
    throw new RangeError(`${op}: ${w === `the number ${value}` ? w : `${w} is ${value}`}, which does not fit the dtype '${dt}' it is combined with (range ${r[0]}..${r[1]})`);
  }
  return value;
}
