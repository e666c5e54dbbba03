/**
 * Plain JavaScript loops over [start, end): the `plain-js` contender runs them over
 * the whole range on the main thread, and the worker-pool peers run them chunk by
 * chunk in their workers over SharedArrayBuffer views (their best shot: no copies).
 * Peer workers import this file, so it imports nothing heavy.
 */
type F64 = Float64Array;

export function square(x: F64, y: F64, start: number, end: number): void {
  for (let i = start; i < end; i++) { const v = x[i]!; y[i] = v * v; }
}

type Real = Float64Array | Float32Array;
const MATH: Record<string, (v: number, w: number) => number> = {
  exp: Math.exp, log: Math.log, sin: Math.sin, cos: Math.cos, tanh: Math.tanh, sigmoid: (v) => 1 / (1 + Math.exp(-v)), pow: Math.pow,
};

/** y = op(x) (pow: x ** b) over [start, end): the math map workloads (math-inputs.ts). */
export function mathMap(op: string, x: Real, b: Real, y: Real, start: number, end: number): void {
  const f = MATH[op]!;
  for (let i = start; i < end; i++) y[i] = f(x[i]!, b[i]!);
}

export function axpy(x: F64, y: F64, start: number, end: number, a: number): void {
  for (let i = start; i < end; i++) y[i]! += a * x[i]!;
}

export function sum(x: F64, _y: F64, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i]!;
  return s;
}

export function dot(x: F64, y: F64, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i]! * y[i]!;
  return s;
}

/** The fused-expression workload's expression, 2*a + 3*b - a*b, written out as a loop. */
export function expr(a: F64, b: F64, out: F64, start: number, end: number): void {
  for (let i = start; i < end; i++) { const x = a[i]!, y = b[i]!; out[i] = 2 * x + 3 * y - x * y; }
}

/** Column sums of rows [r0, r1) of a row-major rows×cols matrix (a partial of sum over axis 0). */
export function columnSums(a: F64, cols: number, r0: number, r1: number): Float64Array {
  const out = new Float64Array(cols);
  for (let r = r0; r < r1; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c]! += a[base + c]!;
  }
  return out;
}

/** Rows [r0, r1) of out = a + b, b (cols,) broadcast over the rows of a. */
export function broadcastAdd(a: F64, b: F64, out: F64, cols: number, r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[base + c] = a[base + c]! + b[c]!;
  }
}

/** Pass 1 of a two-pass parallel scan: the chunk's total. */
export function chunkTotal(x: F64, start: number, end: number): number {
  return sum(x, x, start, end);
}

/** Pass 2: the chunk's inclusive scan, starting from the totals of the chunks before it. */
export function scanFrom(x: F64, y: F64, start: number, end: number, offset: number): void {
  let s = offset;
  for (let i = start; i < end; i++) { s += x[i]!; y[i] = s; }
}

export function sortRange(x: F64, start: number, end: number): void {
  x.subarray(start, end).sort();
}

/** Merges sorted runs src[bounds[k], bounds[k+1]) pairwise until one is left; returns the array holding the result. */
export function mergeRuns(src: F64, tmp: F64, bounds: number[]): F64 {
  let a = src, b = tmp, runs = bounds;
  while (runs.length > 2) {
    const next = [runs[0]!];
    for (let k = 0; k + 1 < runs.length; k += 2) {
      const lo = runs[k]!, mid = runs[k + 1]!, hi = runs[k + 2] ?? mid;
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) b[o++] = a[i]! <= a[j]! ? a[i++]! : a[j++]!;
      while (i < mid) b[o++] = a[i++]!;
      while (j < hi) b[o++] = a[j++]!;
      next.push(hi);
    }
    [a, b] = [b, a];
    runs = next;
  }
  return a;
}

export function histogram(x: F64, start: number, end: number, bins: number, lo: number, hi: number): Uint32Array {
  const counts = new Uint32Array(bins);
  const scale = bins / (hi - lo);
  for (let i = start; i < end; i++) {
    const v = x[i]!;
    if (v >= lo && v <= hi) { const b = Math.floor((v - lo) * scale); counts[b < bins ? b : bins - 1]!++; }
  }
  return counts;
}

/** Rows [start, end) of c = a @ b, n×n f32, i-k-j order (the cache-friendly plain loop). */
export function matmulRows(a: Float32Array, b: Float32Array, c: Float32Array, n: number, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const ci = i * n;
    c.fill(0, ci, ci + n);
    for (let k = 0; k < n; k++) {
      const av = a[ci + k]!, bk = k * n;
      for (let j = 0; j < n; j++) c[ci + j]! += av * b[bk + j]!;
    }
  }
}

/** Rows [start, end) of the Mandelbrot image: escape counts, the same loop as the wasm kernel's scalar tail. */
export function mandelbrotRows(out: Uint32Array, width: number, x0: number, y0: number, dx: number, dy: number, maxIter: number, start: number, end: number): void {
  for (let row = start; row < end; row++) {
    const ci = y0 + row * dy;
    for (let px = 0; px < width; px++) {
      const cr = x0 + px * dx;
      let zr = 0, zi = 0, i = 0;
      while (i < maxIter) {
        const zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4) break;
        zi = 2 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        i++;
      }
      out[row * width + px] = i;
    }
  }
}

/** The tiny task. */
export function inc(x: number): number {
  return x + 1;
}

/** A hand-made chunk of tiny tasks, as a peer user would batch them. */
export function incChunk(xs: number[]): number[] {
  return xs.map(inc);
}

/** A task that computes for about `units` × a few µs (the uneven-tasks workload). */
export function spin(units: number): number {
  let s = 0;
  for (let i = 0; i < units * 2000; i++) s += Math.sqrt(i);
  return s;
}
