/**
 * One-pass f64 workloads over x (and y): map('square'), axpy, sum, dot (the
 * vector-math maps are math-map.ts). The same data on every side
 * (native-source.ts and python-source.ts fill theirs alike): y[i] = 1,
 * x[i] = (i mod 1000)·10⁻³. Peers get one chunk per thread
 * (static, the least overhead for equal work).
 */
import type { Engine } from '../../index.js';
import * as js from './js-chunks.js';
import { CHUNKS_URL, chunks, count, nativeForm, peerForms, plainJs, pythonForms, shared, wasmForms } from './forms.js';
import type { Workload } from './types.js';

type Chunk = 'square' | 'axpy' | 'sum' | 'dot';

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
const KERNELS: Record<Chunk, Kernel> = { square: js.square, axpy: js.axpy, sum: js.sum, dot: js.dot } as Record<Chunk, Kernel>;

export const ALPHA = 1e-9;
const MB = 1 << 20;

function fill(x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    x[i] = (i % 1000) * 1e-3;
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
        fill(x, y);
        return { op: () => spec.wasm(engine, x, y), free: [x, y] };
      }),
      'plain-js': plainJs((n) => {
        const x = new Float64Array(n), y = new Float64Array(n);
        fill(x, y);
        return () => consume(kernel(x, y, 0, n, ...extra));
      }),
      ...peerForms((pool, ctx, n) => {
        const x = shared(Float64Array, n), y = shared(Float64Array, n);
        fill(x, y);
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
