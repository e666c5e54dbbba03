// The transcendental maps and pow against mpmath's correctly rounded values (50
// digits, then rounded to f64 / f32) on sampled points: uniform over the useful
// range, log-uniform magnitudes, and special values. The bound is the README's:
// 1 ulp for every function and dtype. The measured maximum is printed for the
// record; accuracy-ld.test.ts covers whole domains with many more points.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../dist/index.js';
import { rng, ulps } from '../helpers/engine-ref.js';
import { numpyBatch, numpySuite, type OracleResult } from './oracle.js';

let engine: Engine;
beforeAll(async () => { const { Engine } = await import('../../dist/index.js'); engine = await Engine.create({ threads: 2 }); });
afterAll(() => engine?.dispose());

const N = 4000;
const RANGES: Record<string, [number, number]> = {
  exp: [-745, 709], log: [1e-300, 1e300], sin: [-1e5, 1e5], cos: [-1e5, 1e5], tanh: [-20, 20], sigmoid: [-40, 40],
};
const BOUND: Record<string, number> = { exp: 1, log: 1, sin: 1, cos: 1, tanh: 1, sigmoid: 1, pow: 1 };
const MP: Record<string, string> = {
  exp: 'mp.exp(v)', log: 'mp.log(v)', sin: 'mp.sin(v)', cos: 'mp.cos(v)', tanh: 'mp.tanh(v)', sigmoid: '1 / (1 + mp.exp(-v))',
};

/** Points: half uniform in [lo, hi], half log-uniform in magnitude (log: positive only). */
function points(op: string, f32: boolean, seed: number): number[] {
  const [lo, hi] = RANGES[op]!;
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    let v = i % 2 ? lo + (hi - lo) * r() : Math.sign(r() - 0.5 || 1) * 10 ** (-8 + 16 * r()) * Math.max(1, Math.abs(hi) / 1e8);
    if (op === 'log') v = Math.abs(v) || 1;
    if (op === 'exp' && f32) v = Math.max(-103, Math.min(88, v));
    out.push(f32 ? Math.fround(v) : v);
  }
  return out;
}

const code = (expr: string, f32: boolean) => `
vals = []
for v in x.tolist():
    v = mp.mpf(v)
    vals.append(${expr})
out = np.array([float(w) for w in vals], dtype=np.float64)${f32 ? '.astype(np.float32)' : ''}`;

numpySuite('transcendental maps and pow vs mpmath (correctly rounded)', () => {
  for (const f32 of [false, true]) {
    const dt = f32 ? 'f32' : 'f64';
    it(`${dt}: exp, log, sin, cos, tanh, sigmoid, pow within their bounds`, { timeout: 300_000 }, async () => {
      const ops = Object.keys(MP);
      const inputs = ops.map((op, k) => (f32 ? Float32Array : Float64Array).from(points(op, f32, 17 + k)));
      const rb = rng(91), re = rng(92);
      const base = (f32 ? Float32Array : Float64Array).from({ length: N }, () => 10 ** (-3 + 6 * rb()));
      const expo = (f32 ? Float32Array : Float64Array).from({ length: N }, () => -30 + 60 * re());
      const res = await numpyBatch([
        ...ops.map((op, k) => ({ code: code(MP[op]!, f32), inputs: { x: inputs[k]! } })),
        { code: `out = np.array([float(mp.power(mp.mpf(a), mp.mpf(b))) for a, b in zip(x.tolist(), y.tolist())])${f32 ? '.astype(np.float32)' : ''}`, inputs: { x: base, y: expo } },
      ]);
      const report: string[] = [];
      const errors: string[] = [];
      const check = (op: string, got: ArrayLike<number>, want: ArrayLike<number>, args: (i: number) => string) => {
        let worst = 0, at = -1;
        for (let i = 0; i < want.length; i++) {
          const u = ulps(got[i]!, want[i]!, f32);
          if (u > worst) { worst = u; at = i; }
        }
        report.push(`${op} ${worst}`);
        const bound = f32 ? 1 : BOUND[op]!;
        if (worst > bound) errors.push(`${dt} ${op}: ${worst} ulp at ${args(at)} (got ${got[at]}, correctly rounded ${want[at]})`);
      };
      for (const [k, op] of ops.entries()) {
        const x = engine.from(inputs[k]!, dt);
        const got = await engine.map(op as 'exp', x);
        check(op, got, ((res[k] as OracleResult).out!.data as Float64Array), (i) => String(inputs[k]![i]));
        engine.free(x); engine.free(got);
      }
      const a = engine.from(base, dt), b = engine.from(expo, dt);
      const p = await engine.pow(a, b);
      check('pow', p, (res[ops.length] as OracleResult).out!.data as Float64Array, (i) => `${base[i]}, ${expo[i]}`);
      engine.free(a); engine.free(b); engine.free(p);
      console.log(`[accuracy] ${dt} max ulp vs mpmath: ${report.join(', ')}`);
      expect(errors.join('\n')).toBe('');
    });
  }
});
