/**
 * Shared by the N-d workloads: a rows × 1024 f64 matrix, row-major, a[i] =
 * (i mod 1000)·10⁻³ (native-source.ts and python-source.ts fill theirs alike).
 * The size n is rounded to whole rows.
 */
import { count } from './forms.js';

export const COLS = 1024;
export const rowsOf = (n: number) => Math.max(1, Math.round(n / COLS));
export const elements = (n: number) => rowsOf(n) * COLS;
export const ndSize = { quick: 2 << 20, full: 8 << 20 };
export const describeNd = (n: number) => `${rowsOf(n)}×${COLS} f64 (${count(elements(n))})`;

export function fillMatrix(a: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = (i % 1000) * 1e-3;
}

export function fillRow(b: Float64Array): void {
  for (let c = 0; c < b.length; c++) b[c] = c;
}
