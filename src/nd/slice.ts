/**
 * Basic indexing, pure: per axis an integer (drops the axis), null/undefined
 * (the whole axis), or [start, stop, step] with Python's slice semantics.
 */
import { describe } from '../memory/dtypes.js';
import type { Shape } from './shape.js';

export type SliceSpec = number | null | undefined | readonly [(number | null | undefined)?, (number | null | undefined)?, (number | null | undefined)?];

/** Python's slice.indices(n): clamped start, stop and the step, then the length. */
export function sliceIndices(n: number, start: number | null | undefined, stop: number | null | undefined, step: number | null | undefined, op = 'slice'): [number, number, number, number] {
  const s = step ?? 1;
  for (const [v, name] of [[start, 'start'], [stop, 'stop'], [step, 'step']] as const) {
    if (v !== null && v !== undefined && (typeof v !== 'number' || !Number.isInteger(v))) throw new TypeError(`${op}: slice ${name} must be an integer or null; got ${describe(v)}`);
  }
  if (s === 0) throw new RangeError(`${op}: slice step cannot be zero`);
  const clamp = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    if (v < 0) v += n;
    return Math.min(Math.max(v, lo), hi);
  };
  const b = s > 0 ? clamp(start, 0, 0, n) : clamp(start, n - 1, -1, n - 1);
  const e = s > 0 ? clamp(stop, n, 0, n) : clamp(stop, -1, -1, n - 1);
  const len = s > 0 ? (e > b ? Math.ceil((e - b) / s) : 0) : (b > e ? Math.ceil((b - e) / -s) : 0);
  return [b, e, s, len];
}

export function sliceView(shape: Shape, strides: readonly number[], offset: number, specs: readonly SliceSpec[], op: string): { shape: number[]; strides: number[]; offset: number } {
  if (specs.length > shape.length) throw new RangeError(`${op}: too many indices for array: array is ${shape.length}-dimensional, but ${specs.length} were indexed`);
  const outShape: number[] = [], outStrides: number[] = [];
  let off = offset;
  for (let d = 0; d < shape.length; d++) {
    const spec = specs[d];
    const n = shape[d]!, st = strides[d]!;
    if (spec === null || spec === undefined) { outShape.push(n); outStrides.push(st); continue; }
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec)) throw new TypeError(`${op}: index for axis ${d} must be an integer; got ${spec}`);
      if (spec < -n || spec >= n) throw new RangeError(`${op}: index ${spec} is out of bounds for axis ${d} with size ${n}`);
      off += (spec < 0 ? spec + n : spec) * st;
      continue;
    }
    if (!Array.isArray(spec) || spec.length > 3) throw new TypeError(`${op}: spec for axis ${d} must be an integer, null or [start, stop, step]; got ${describe(spec)}`);
    const [b, , s, len] = sliceIndices(n, spec[0], spec[1], spec[2], op);
    if (len > 0) off += b * st;
    outShape.push(len);
    outStrides.push(st * s);
  }
  return { shape: outShape, strides: outStrides, offset: off };
}
