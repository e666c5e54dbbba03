import * as js from '../js-chunks.js';
import { CHUNKS_URL, chunks, nativeForm, peerForms, plainJs, pythonForms, shared, uniform, wasmForms } from '../forms.js';
import { resolvePeer } from '../peers.js';
import { local } from '../timing.js';
import { Skip, type Workload } from '../types.js';
import { pathToFileURL } from 'node:url';

interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  randomUniform(shape: number[], lo: number, hi: number, dtype: string): { dispose(): void };
  matMul(a: unknown, b: unknown): { dataSync(): unknown; dispose(): void };
}

export default {
  name: 'matmul',
  title: 'matmul f32 (n×n @ n×n)',
  unit: 'GFLOP/s',
  size: { quick: 256, full: 512 },
  work: (n) => (2 * n ** 3) / 1e9,
  describe: (n) => `${n}³ f32`,
  notes: 'plain-js and peers: the i-k-j loop (peers: one row band per thread); numpy: its BLAS; tfjs-wasm: @tensorflow/tfjs-backend-wasm when installed in the project.',
  contenders: {
    ...wasmForms((e, n) => {
      const a = e.alloc('f32', n * n), b = e.alloc('f32', n * n), c = e.alloc('f32', n * n);
      uniform(a, 1); uniform(b, 2);
      return { op: () => e.matmulSync(a, b, { m: n, k: n, n, out: c }), free: [a, b, c] };
    }),
    'plain-js': plainJs((n) => {
      const a = new Float32Array(n * n), b = new Float32Array(n * n), c = new Float32Array(n * n);
      uniform(a, 1); uniform(b, 2);
      return () => js.matmulRows(a, b, c, n, 0, n);
    }),
    ...peerForms((pool, ctx, n) => {
      const a = shared(Float32Array, n * n), b = shared(Float32Array, n * n), c = shared(Float32Array, n * n);
      uniform(a, 1); uniform(b, 2);
      const bands = chunks(n, ctx.threads);
      return () => Promise.all(bands.map(([s, e]) => pool.call(CHUNKS_URL, 'matmulRows', [a, b, c, n, s, e])));
    }),
    native: nativeForm('matmul'),
    ...pythonForms('matmul', ['numpy']),
    'tfjs-wasm': async (_ctx, n) => {
      const need = '@tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm';
      const resolve = (name: string) => {
        try {
          return resolvePeer(name);
        } catch {
          throw new Skip(`${need} are not installed (npm install -D ${need.replace(' and ', ' ')} in this project to compare)`);
        }
      };
      const core = resolve('@tensorflow/tfjs-core'), wasm = resolve('@tensorflow/tfjs-backend-wasm');
      const tf = (await import(pathToFileURL(core.path).href)) as Tf & { default?: Tf };
      await import(pathToFileURL(wasm.path).href);
      const t = tf.default ?? tf;
      if (!(await t.setBackend('wasm'))) throw new Skip('tfjs-backend-wasm did not initialize');
      await t.ready();
      const a = t.randomUniform([n, n], 0, 1, 'float32'), b = t.randomUniform([n, n], 0, 1, 'float32');
      return local(() => { const c = t.matMul(a, b); c.dataSync(); c.dispose(); }, { dispose: () => { a.dispose(); b.dispose(); } });
    },
  },
} satisfies Workload;
