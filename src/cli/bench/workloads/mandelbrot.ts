import { readFileSync } from 'node:fs';
import * as js from '../js-chunks.js';
import { CHUNKS_URL, chunks, nativeForm, peerForms, plainJs, shared, wasmForms } from '../forms.js';
import type { Workload } from '../types.js';

/**
 * A user kernel: the Mandelbrot set (examples/mandelbrot/kernel.ts, built into
 * build/mandelbrot.wasm with the package), loaded with engine.load and run with
 * parallelFor over rows. Rows cost very different amounts, so every side splits
 * the image into small bands handed out dynamically, as the example does: 32 per
 * thread for wasmpar (chunkSize) and the peers (one task each); native uses
 * schedule(dynamic, 1).
 */
const WASM = new URL('../../../../build/mandelbrot.wasm', import.meta.url);
const ITER = 256;
const bandRows = (height: number, threads: number) => Math.max(1, Math.ceil(height / (threads * 32)));

function view(width: number) {
  const height = (width * 3) >> 2, dx = 3.5 / width;
  return { width, height, x0: -0.75 - (dx * width) / 2, y0: -(dx * height) / 2, dx, dy: dx };
}
const viewArgs = (n: number) => { const v = view(n); return [v.width, v.x0, v.y0, v.dx, v.dy, ITER] as const; };

export default {
  name: 'mandelbrot',
  title: 'user kernel: Mandelbrot (f64x2)',
  unit: 'Mpixel/s',
  size: { quick: 400, full: 1200 },
  work: (n) => (n * view(n).height) / 1e6,
  describe: (n) => `${n}×${view(n).height}, ${ITER} iter`,
  notes: 'wasmpar and wasm-1t run the example\'s AssemblyScript kernel (two pixels per f64x2) with chunkSize = rows / (32 × threads), as the example does; plain-js, peers (the same bands, one task each) and native run the scalar escape loop.',
  contenders: {
    ...wasmForms(async (e, n) => {
      const v = view(n);
      const mod = await e.load(readFileSync(WASM));
      const kernel = (mod as unknown as Record<string, Parameters<typeof e.parallelForSync>[0]>).mandelbrot!;
      const out = e.alloc('u32', v.width * v.height);
      const ref = new Uint32Array(v.width * v.height);
      js.mandelbrotRows(ref, ...viewArgs(n), 0, v.height);
      const opts = { chunkSize: bandRows(v.height, e.threads) };
      e.parallelForSync(kernel, v.height, out, v.width, v.height, v.x0, v.y0, v.dx, v.dy, ITER, opts);
      if (!out.every((p, i) => p === ref[i])) throw new Error(`internal: mandelbrot: the kernel's image differs from the JS reference`);
      return { op: () => e.parallelForSync(kernel, v.height, out, v.width, v.height, v.x0, v.y0, v.dx, v.dy, ITER, opts), free: [out] };
    }),
    'plain-js': plainJs((n) => {
      const v = view(n), out = new Uint32Array(v.width * v.height);
      return () => js.mandelbrotRows(out, ...viewArgs(n), 0, v.height);
    }),
    ...peerForms((pool, ctx, n) => {
      const v = view(n), out = shared(Uint32Array, v.width * v.height);
      const bands = chunks(v.height, Math.ceil(v.height / bandRows(v.height, ctx.threads)));
      return () => Promise.all(bands.map(([s, e]) => pool.call(CHUNKS_URL, 'mandelbrotRows', [out, ...viewArgs(n), s, e])));
    }),
    native: nativeForm('mandelbrot', (n) => { const v = view(n); return [v.x0, v.y0, v.dx, v.dy, ITER]; }),
  },
} satisfies Workload;
