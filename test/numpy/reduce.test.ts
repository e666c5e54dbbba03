// Reductions against numpy (and Python's exact integers and math.fsum), every
// dtype, special values, sizes 0..1e6, unaligned views, 1-3 threads.
// - min/max/argmin/argmax: exactly numpy's (NaN propagates, first index wins;
//   ±0 compare equal, as in maximum/minimum).
// - Integers: sum, dot and norm exact then rounded once (Python's int, then
//   float / sqrt); mean is the exact sum over n rounded once (Python's int / int).
//   numpy would wrap np.dot of int32 in int32 and round norms per element: the
//   README documents wasmpar's exact results.
// - Floats: sum, mean, dot, norm within 8 eps · Σ|terms| of math.fsum (wasmpar
//   sums pairwise in f64, f32 included; numpy sums f32 in f32); non-finite results
//   exactly numpy's. variance/std within 64 eps of numpy's float64 two-pass.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../dist/index.js';
import { createEngines, disposeAll, DTYPES, ENGINE_CONFIGS, isFloat, type TA } from '../helpers/engine-ref.js';
import { data, fmt, onEngine } from './cases.js';
import { numpyBatch, numpySuite, type OracleResult } from './oracle.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

const SIZES = [1, 2, 3, 7, 31, 1021, 65_537, 1_000_003];
const OPS = ['sum', 'mean', 'min', 'max', 'argmin', 'argmax', 'variance', 'std', 'norm', 'dot'] as const;

const PY = `
import math
from fractions import Fraction
xi = [int(v) for v in x.tolist()] if x.dtype.kind in 'iu' else None
yi = [int(v) for v in y.tolist()] if y.dtype.kind in 'iu' else None
nan_ = float('nan')
if xi is not None:
    sum_ = float(sum(xi)); mean_ = sum(xi) / len(xi)
    dot_ = float(sum(a * b for a, b in zip(xi, yi))); norm_ = math.sqrt(float(sum(a * a for a in xi)))
else:
    xf = x.astype(np.float64); yf = y.astype(np.float64)
    with np.errstate(all='ignore'):
        sum_ = float(np.sum(x)) if not np.isfinite(xf).all() else math.fsum(xf.tolist())
        mean_ = sum_ / len(xf)
        prods = (xf * yf)
        dot_ = float(np.dot(xf, yf)) if not np.isfinite(prods).all() else math.fsum(prods.tolist())
        sq = xf * xf
        norm_ = float(np.sqrt(np.sum(sq))) if not np.isfinite(sq).all() else math.sqrt(math.fsum(sq.tolist()))
    abs_ = math.fsum(np.abs(xf).tolist()) if np.isfinite(xf).all() else nan_
    absdot_ = math.fsum(np.abs(xf * yf).tolist()) if np.isfinite(xf * yf).all() else nan_
xs = x.astype(np.float64)
var_ = np.var(xs); var1_ = np.var(xs, ddof=1)
min_ = np.min(x); max_ = np.max(x); argmin_ = np.argmin(x); argmax_ = np.argmax(x)
`;

numpySuite('reductions vs numpy', () => {
  for (const d of DTYPES) {
    it(`${d}: every reduction`, { timeout: 240_000 }, async () => {
      const cases: Array<{ x: TA; y: TA; got: Record<string, number>[]; labels: string[] }> = [];
      for (const n of SIZES) {
        for (const special of isFloat(d) ? [0, 0.02] : [0]) {
          const x = data(d, n, 7 * n + special * 100, { special, lo: isFloat(d) ? -1e3 : undefined, hi: isFloat(d) ? 1e3 : undefined });
          const y = data(d, n, 11 * n + 1, { lo: isFloat(d) ? -1e3 : undefined, hi: isFloat(d) ? 1e3 : undefined });
          const c = { x, y, got: [] as Record<string, number>[], labels: [] as string[] };
          for (const [ei, e] of engines.entries()) {
            if (n > 65_537 && ei === 0) continue;
            const X = onEngine(e, x, n % 3), Y = onEngine(e, y, 1);
            const r: Record<string, number> = {};
            for (const op of OPS) {
              r[op] = op === 'dot' ? (ei === 1 ? e.dotSync(X.view, Y.view) : await e.dot(X.view, Y.view)) : await (e as any)[op](X.view);
            }
            r.variance1 = await e.variance(X.view, { ddof: 1 });
            X.free(); Y.free();
            c.got.push(r); c.labels.push(`${ENGINE_CONFIGS[ei]!.label} ${d} n=${n}${special ? ' specials' : ''}`);
          }
          cases.push(c);
        }
      }
      const names = ['sum_', 'mean_', 'dot_', 'norm_', 'var_', 'var1_', 'min_', 'max_', 'argmin_', 'argmax_'];
      const res = await numpyBatch(cases.map((c) => ({ code: PY, inputs: { x: c.x, y: c.y }, returns: isFloat(d) ? [...names, 'abs_', 'absdot_'] : names })));
      const errors: string[] = [];
      const eps = 2 ** -52;
      cases.forEach((c, k) => {
        const o = res[k] as OracleResult | { error: string };
        if ('error' in o) { errors.push(`${c.labels[0]}: python raised ${o.error}`); return; }
        const v = (name: string) => o[name]!.value as number;
        const n = c.x.length;
        c.got.forEach((g, j) => {
          const bad = (op: string, want: number, tol = 0) => {
            const got = g[op]!;
            const ok = Number.isNaN(want) ? Number.isNaN(got) : !Number.isFinite(want) ? got === want : tol === 0 ? got === want : Math.abs(got - want) <= tol;
            if (!ok) errors.push(`${c.labels[j]} ${op}: got ${fmt(got)}, want ${fmt(want)}${tol ? ` ± ${tol}` : ''}`);
          };
          for (const op of ['min', 'max', 'argmin', 'argmax']) bad(op, v(`${op}_`));
          if (!isFloat(d)) {
            for (const op of ['sum', 'mean', 'dot', 'norm']) bad(op, v(`${op}_`));
          } else {
            const abs = v('abs_'), absdot = v('absdot_');
            bad('sum', v('sum_'), 8 * eps * abs);
            bad('mean', v('mean_'), 8 * eps * abs / n);
            bad('dot', v('dot_'), 8 * eps * absdot);
            bad('norm', v('norm_'), 8 * eps * Math.abs(v('norm_')));
          }
          const vt = (want: number) => (Number.isFinite(want) ? 64 * eps * Math.abs(want) + 1e-300 : 0);
          bad('variance', v('var_'), vt(v('var_')));
          bad('std', Math.sqrt(v('var_')), vt(Math.sqrt(v('var_'))));
          bad('variance1', v('var1_'), vt(v('var1_')));
        });
      });
      expect(errors.slice(0, 12).join('\n')).toBe('');
    });
  }

  it('the reported cases: integer norm and dot past 2^63 round, never wrap', async () => {
    const e = engines[1]!;
    const x = e.from([-(2 ** 31), -(2 ** 31)], 'i32');
    const [r] = await numpyBatch([{ code: 'import math\nout = math.sqrt(float(sum(int(v) ** 2 for v in x.tolist())))', inputs: { x } }]);
    expect(await e.norm(x)).toBe((r as OracleResult).out!.value);
    const u = e.from(Array(1000).fill(2 ** 32 - 1), 'u32');
    expect(await e.dot(u, u)).toBe(Number(1000n * (2n ** 32n - 1n) ** 2n));
  });
});
