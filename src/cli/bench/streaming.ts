/**
 * One-pass f64 workloads over x (and y): map, axpy, sum, dot. The same data on
 * every side (native-source.ts and python-source.ts fill theirs alike): y[i] = 1,
 * x[i] = (i mod 1000)·10⁻³, or for sin angles over [0, 2π), (i mod 6283)·10⁻³, and
 * for exp [-10, 10), (i mod 2000)·10⁻² - 10. Peers get one chunk per thread
 * (static, the least overhead for equal work).
 */
import type { Engine } from '../../index.js';
import * as js from './js-chunks.js';
import { CHUNKS_URL, chunks, count, nativeForm, peerForms, plainJs, pythonForms, shared, wasmForms } from './forms.js';
import type { Workload } from './types.js';

type Chunk = 'square' | 'sin' | 'exp' | 'axpy' | 'sum' | 'dot';

export interface StreamingSpec {
  name: string;
  title: string;
  chunk: Chunk;
  /** The op on wasmpar's Sync API. */
  wasm: (engine: Engine, x: Float64Array, y: Float64Array) => unknown;
  numexpr?: boolean;
  notes?: string;
}

type Kernel = (x: Float64Array, y: Float64Array, s: number, e: number, ...rest: number[]) => number | undefined;
const KERNELS: Record<Chunk, Kernel> = { square: js.square, sin: js.sin, exp: js.exp, axpy: js.axpy, sum: js.sum, dot: js.dot } as Record<Chunk, Kernel>;

export const ALPHA = 1e-9;
const MB = 1 << 20;

function fill(x: Float64Array, y: Float64Array, chunk: Chunk): void {
  for (let i = 0; i < x.length; i++) {
    x[i] = chunk === 'sin' ? (i % 6283) * 1e-3 : chunk === 'exp' ? (i % 2000) * 1e-2 - 10 : (i % 1000) * 1e-3;
    y[i] = 1;
  }
}

export function streaming(spec: StreamingSpec): Workload {
  const extra = spec.chunk === 'axpy' ? [ALPHA] : [];
  const reduces = spec.chunk === 'sum' || spec.chunk === 'dot';
  const kernel = KERNELS[spec.chunk];
  return {
    name: spec.name,
    title: spec.title,
    unit: 'Melem/s',
    size: { quick: 2 * MB, full: 8 * MB },
    work: (n) => n / 1e6,
    describe: (n) => `${count(n)} f64`,
    notes: spec.notes,
    contenders: {
      ...wasmForms((engine, n) => {
        const x = engine.alloc('f64', n), y = engine.alloc('f64', n);
        fill(x, y, spec.chunk);
        return { op: () => spec.wasm(engine, x, y), free: [x, y] };
      }),
      'plain-js': plainJs((n) => {
        const x = new Float64Array(n), y = new Float64Array(n);
        fill(x, y, spec.chunk);
        return () => consume(kernel(x, y, 0, n, ...extra));
      }),
      ...peerForms((pool, ctx, n) => {
        const x = shared(Float64Array, n), y = shared(Float64Array, n);
        fill(x, y, spec.chunk);
        const parts = chunks(n, ctx.threads);
        return async () => {
          const r = await Promise.all(parts.map(([s, e]) => pool.call(CHUNKS_URL, spec.chunk, [x, y, s, e, ...extra])));
          if (reduces) consume(r.reduce((a, b) => (a as number) + (b as number), 0));
        };
      }),
      native: nativeForm(spec.name),
      ...pythonForms(spec.name, spec.numexpr === false ? ['numpy'] : ['numpy', 'numexpr']),
    },
  };
}

/** Keeps results alive so that no engine optimizes a reduction away. */
export function consume(v: unknown): void {
  if (v === Symbol.for('never')) console.log(v);
}
