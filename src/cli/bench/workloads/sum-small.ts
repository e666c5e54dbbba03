import { nativeForm, pythonForms } from '../forms.js';
import * as js from '../js-chunks.js';
import { consume } from '../streaming.js';
import { local } from '../timing.js';
import type { Workload } from '../types.js';

/**
 * A small array: the per-call cost. wasmpar runs arrays this small on the calling
 * thread (below its measured inline threshold), so the question is only whether
 * the call into wasm costs more than a JS loop. Each timed call sums BATCH times.
 */
const BATCH = 200;

const fill = (x: Float64Array) => { for (let i = 0; i < x.length; i++) x[i] = (i % 1000) * 1e-3; };

export default {
  name: 'sum-small',
  title: 'sum of a small array (per call)',
  unit: 'Mcalls/s',
  size: { quick: 1000, full: 1000 },
  work: () => 1e-6,
  describe: (n) => `${n} f64`,
  notes: 'wasmpar: engine.sumSync(x); native and numpy pay their own per-call costs (an OpenMP region, a Python call).',
  contenders: {
    wasmpar: async (ctx, n) => {
      const e = await ctx.engine();
      const x = e.alloc('f64', n);
      fill(x);
      return local(() => { let s = 0; for (let i = 0; i < BATCH; i++) s += e.sumSync(x); consume(s); }, { batch: BATCH, dispose: () => e.free(x) });
    },
    'plain-js': async (_ctx, n) => {
      const x = new Float64Array(n);
      fill(x);
      return local(() => { let s = 0; for (let i = 0; i < BATCH; i++) s += js.sum(x, x, 0, n); consume(s); }, { batch: BATCH });
    },
    native: nativeForm('sum'),
    ...pythonForms('sum', ['numpy', 'numexpr']),
  },
} satisfies Workload;
