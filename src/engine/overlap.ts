/**
 * The one overlap check: how two arrays' bytes in the shared memory relate.
 * Chunks run in any order on any thread, so an op may write an array while it
 * reads another only when the two are disjoint, or (for elementwise kernels,
 * where element i is read before it is written) exactly the same bytes.
 */
import { DTYPES, type Dtype } from '../memory/dtypes.js';

/** An array's bytes: its address, length in elements, and dtype. */
export interface Span { readonly ptr: number; readonly length: number; readonly dtype: Dtype }

export type Overlap = 'disjoint' | 'same' | 'partial';

export function overlap(a: Span, b: Span): Overlap {
  const aEnd = a.ptr + a.length * DTYPES[a.dtype].bytes;
  const bEnd = b.ptr + b.length * DTYPES[b.dtype].bytes;
  if (aEnd <= b.ptr || bEnd <= a.ptr || a.length === 0 || b.length === 0) return 'disjoint';
  return a.ptr === b.ptr && aEnd === bEnd ? 'same' : 'partial';
}

/** Whether any byte is shared (same or partial). Empty arrays share nothing. */
export function overlaps(a: Span, b: Span): boolean {
  return overlap(a, b) !== 'disjoint';
}
