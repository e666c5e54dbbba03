/**
 * numpy broadcasting, pure: the result shape of several operands, and the
 * strides that let one operand be read as if it had that shape (stride 0 on
 * every broadcast dim, so nothing is copied).
 */
import { formatShape, type Shape } from './shape.js';

/**
 * The broadcast shape of `shapes` (right-aligned; each dim equal or 1).
 * Error as numpy: `add: operands could not be broadcast together with shapes (3,4) (5,)`.
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    const lead = ndim - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!, o = out[lead + i]!;
      if (d === o || d === 1) continue;
      if (o === 1) { out[lead + i] = d; continue; }
      throw new RangeError(`${op}: operands could not be broadcast together with shapes ${shapes.map(formatShape).join(' ')}`);
    }
  }
  return out;
}

/**
 * Strides reading an operand of (shape, strides) as `target` (which it must
 * broadcast to): leading new dims and stretched size-1 dims get stride 0.
 * Returns undefined when the shapes are incompatible.
 */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] | undefined {
  const lead = target.length - shape.length;
  if (lead < 0) return undefined;
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!, t = target[lead + i]!;
    if (d === t) out[lead + i] = t === 1 ? 0 : strides[i]!;
    else if (d === 1) out[lead + i] = 0;
    else return undefined;
  }
  return out;
}

/** numpy's message when `out` (or broadcastTo's target) cannot hold the broadcast result. */
export function broadcastToError(op: string, from: Shape, to: Shape): RangeError {
  return new RangeError(`${op}: operands could not be broadcast together with remapped shapes [original->remapped]: ${formatShape(from)} and requested shape ${formatShape(to)}`);
}
