/**
 * Iteration plans, in the spirit of numpy's nditer, pure: given a broadcast
 * shape and each operand's strides (elements, already broadcast to that shape),
 * find the cheapest equivalent loop nest:
 *   1. drop size-1 dims (they move no pointer);
 *   2. flip dims every operand walks backwards (all strides <= 0), so a reversed
 *      view still reads forwards (element order does not matter to elementwise ops);
 *   3. order dims by decreasing |stride| of the first operand (the output), ties by
 *      the next operands: the smallest stride — ideally unit — ends up innermost;
 *   4. coalesce neighbours that every operand walks as one (stride[i] == stride[i+1]·shape[i+1]).
 * The result is (outer dims) × (one inner row). Kernels (assembly/strided.ts) run
 * the inner row with the 1-d SIMD loops when its strides are 1 (or 0), and the
 * job splits rows — and long rows into segments — into chunks fixed by the shape
 * alone, never by the thread count.
 */
import { CHUNK_QUANTUM, CHUNK_WORK } from '../runtime/scheduler.js';
import { MAX_CHUNKS } from '../runtime/protocol.js';
import type { Shape } from './shape.js';

export interface IterPlan {
  /** Outer dims, outermost first (may be empty). */
  readonly outer: number[];
  /** Per operand, the strides of the outer dims (elements). */
  readonly outerStrides: number[][];
  /** Length of the inner row (0 when the iteration is empty; 1 for a 0-d shape). */
  readonly inner: number;
  /** Per operand, the stride along the inner row (elements). */
  readonly innerStrides: number[];
  /** Per operand, elements to add to its offset (from flipped dims). */
  readonly offsetDelta: number[];
  /** Number of inner rows (product of outer). */
  readonly rows: number;
  /** Total elements. */
  readonly size: number;
}

export function planIteration(shape: Shape, strides: readonly (readonly number[])[]): IterPlan {
  const nops = strides.length;
  const offsetDelta = new Array<number>(nops).fill(0);
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 0) {
    return { outer: [], outerStrides: strides.map(() => []), inner: 0, innerStrides: strides.map(() => 0), offsetDelta, rows: 0, size: 0 };
  }
  // 1–2: keep non-trivial dims; flip the ones every operand walks backwards.
  let dims: { n: number; s: number[] }[] = [];
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i]!;
    if (n === 1) continue;
    const s = strides.map((st) => st[i]!);
    if (s.every((v) => v <= 0) && s.some((v) => v < 0)) {
      for (let k = 0; k < nops; k++) { offsetDelta[k]! += (n - 1) * s[k]!; s[k] = -s[k]!; }
    }
    dims.push({ n, s });
  }
  // 3: stable sort by |stride| descending, operand by operand.
  dims = dims.map((d, i) => ({ d, i })).sort((x, y) => {
    for (let k = 0; k < nops; k++) {
      const a = Math.abs(x.d.s[k]!), b = Math.abs(y.d.s[k]!);
      if (a !== b) return b - a;
    }
    return x.i - y.i;
  }).map((e) => e.d);
  // 4: coalesce from the inside out.
  const merged: { n: number; s: number[] }[] = [];
  for (let i = dims.length - 1; i >= 0; i--) {
    const d = dims[i]!;
    const inner = merged[0];
    if (inner && d.s.every((v, k) => v === inner.s[k]! * inner.n)) {
      inner.n *= d.n;
    } else merged.unshift({ n: d.n, s: d.s.slice() });
  }
  if (merged.length === 0) merged.push({ n: 1, s: new Array<number>(nops).fill(0) });
  const last = merged[merged.length - 1]!;
  const outerDims = merged.slice(0, -1);
  return {
    outer: outerDims.map((d) => d.n),
    outerStrides: strides.map((_, k) => outerDims.map((d) => d.s[k]!)),
    inner: last.n,
    innerStrides: last.s.slice(),
    offsetDelta,
    rows: size / last.n,
    size,
  };
}

export interface RowSplit {
  /** Elements per segment of an inner row. */
  readonly segLen: number;
  /** Segments per row. */
  readonly segs: number;
  /** Job units (rows × segs), and units per chunk. */
  readonly units: number;
  readonly chunk: number;
}

/**
 * How a plan's rows become job units and chunks: long rows split into segments
 * of CHUNK_WORK/cost elements (a multiple of CHUNK_QUANTUM), short rows grouped
 * so a chunk carries about CHUNK_WORK of work. Depends on (rows, inner, cost) only.
 */
export function splitRows(rows: number, inner: number, cost = 1): RowSplit {
  const work = Math.max(CHUNK_QUANTUM, Math.ceil(CHUNK_WORK / Math.max(cost, 1e-3)));
  const segLen = inner > work ? Math.ceil(work / CHUNK_QUANTUM) * CHUNK_QUANTUM : Math.max(inner, 1);
  const segs = Math.max(1, Math.ceil(inner / segLen));
  const units = rows * segs;
  let chunk = Math.max(1, Math.floor(work / segLen));
  chunk = Math.max(chunk, Math.ceil(units / MAX_CHUNKS));
  return { segLen, segs, units, chunk };
}
