import * as js from '../js-chunks.js';
import { CHUNKS_URL, chunks, count, nativeForm, peerForms, plainJs, pythonForms, shared, wasmForms } from '../forms.js';
import type { Workload } from '../types.js';

/**
 * A fused expression, numexpr's case: 2*a + 3*b - a*b in one pass over the data
 * (wasmpar: engine.expression, compiled once), against numpy's four full-size
 * temporaries and numexpr's own blocked evaluation. Data as in streaming.ts:
 * a[i] = (i mod 1000)·10⁻³, b[i] = 1.
 */
const SOURCE = '2*a + 3*b - a*b';
const MB = 1 << 20;

function fill(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) { a[i] = (i % 1000) * 1e-3; b[i] = 1; }
}

export default {
  name: 'expr',
  title: `fused expression ${SOURCE}`,
  unit: 'Melem/s',
  size: { quick: 2 * MB, full: 8 * MB },
  work: (n) => n / 1e6,
  describe: (n) => `${count(n)} f64`,
  notes: 'wasmpar: engine.expression(source).sync({ a, b }, { out }); numpy evaluates the same source with temporaries; numexpr.evaluate with out=; plain-js, peers and native: the loop written out.',
  contenders: {
    ...wasmForms((e, n) => {
      const a = e.alloc('f64', n), b = e.alloc('f64', n), out = e.alloc('f64', n);
      fill(a, b);
      const f = e.expression(SOURCE);
      return { op: () => f.sync({ a, b }, { out }), free: [a, b, out] };
    }),
    'plain-js': plainJs((n) => {
      const a = new Float64Array(n), b = new Float64Array(n), out = new Float64Array(n);
      fill(a, b);
      return () => js.expr(a, b, out, 0, n);
    }),
    ...peerForms((pool, ctx, n) => {
      const a = shared(Float64Array, n), b = shared(Float64Array, n), out = shared(Float64Array, n);
      fill(a, b);
      const parts = chunks(n, ctx.threads);
      return () => Promise.all(parts.map(([s, e]) => pool.call(CHUNKS_URL, 'expr', [a, b, out, s, e])));
    }),
    native: nativeForm('expr'),
    ...pythonForms('expr', ['numpy', 'numexpr'], () => ({ numpy: SOURCE, numexpr: SOURCE })),
  },
} satisfies Workload;
