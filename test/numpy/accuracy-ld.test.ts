// Vector-math accuracy over whole domains against a correctly rounded
// reference: numpy's np.longdouble (x87, 64-bit mantissa: expl, logl, sinl,
// ...) gives each exact value to ~2^-11 of an f64 ulp; rounding it to f64 /
// f32 is the correctly rounded result except within that distance of a
// rounding midpoint, so every point found over the bound is re-checked with
// mpmath (60 digits) before it counts. Per function: uniform, log-uniform
// (down to subnormals), random bit patterns, overflow/underflow edges and the
// special values (accuracy-points.ts). The regular run takes 20,000 points per
// range; `npm run test:accuracy` takes 2M (WASMPAR_ACCURACY_POINTS).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../dist/index.js';
import { points } from './accuracy-points.js';
import { numpyBatch, numpySuite, type OracleResult } from './oracle.js';

const N = Number(process.env.WASMPAR_ACCURACY_POINTS ?? 20_000);
const OPS = ['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'pow'] as const;
/** Max ulps from the correctly rounded result (f32: of fround of the exact value). */
const BOUND: Record<string, number> = { exp: 1, log: 1, sin: 1, cos: 1, tanh: 1, sigmoid: 1, pow: 1 };

let engine: Engine;
beforeAll(async () => { const { Engine } = await import('../../dist/index.js'); engine = await Engine.create({ threads: 2 }); });
afterAll(() => engine?.dispose());

// stats = [max ulps from the correctly rounded value, max |got - exact| in ulps, index of the worst, points over the bound, points not correctly rounded]
const PY = `
ld = np.longdouble
dt = np.float32 if f32 else np.float64
X = x.astype(ld)
with np.errstate(all='ignore'):
    F = {'exp': lambda: np.exp(X), 'log': lambda: np.log(X), 'sin': lambda: np.sin(X), 'cos': lambda: np.cos(X),
         'tanh': lambda: np.tanh(X), 'sigmoid': lambda: 1 / (1 + np.exp(-X)), 'pow': lambda: np.power(X, y.astype(ld))}
    ref = F[op]()
    cr = ref.astype(dt)
    g = got.astype(dt)
    def ordered(v):
        b = v.view(np.int32 if f32 else np.int64).astype(np.int64)
        return np.where(b < 0, -(b & (0x7fffffff if f32 else 0x7fffffffffffffff)), b)
    def dist(a, b):
        oa, ob = ordered(a), ordered(b)
        d = np.abs(oa - ob)
        d = np.where((oa < 0) != (ob < 0), np.abs(oa.astype(np.float64) - ob.astype(np.float64)), d.astype(np.float64))
        na, nb = np.isnan(a), np.isnan(b)
        return np.where(na | nb, np.where(na & nb, 0.0, 1e30), d)
    d = dist(g, cr)
    fin = np.isfinite(cr) & np.isfinite(ref) & np.isfinite(g)
    ulp = np.spacing(np.abs(np.where(fin, cr, 1))).astype(ld)
    frac = np.where(fin, np.abs(g.astype(ld) - ref) / ulp, 0).astype(np.float64)
    # Confirm the points over the bound with mpmath (the long double may sit at a midpoint).
    over = np.nonzero(d > bound)[0][:500]
    mp.dps = 60
    MF = {'exp': mp.exp, 'log': mp.log, 'sin': mp.sin, 'cos': mp.cos, 'tanh': mp.tanh, 'sigmoid': lambda v: 1 / (1 + mp.exp(-v))}
    for i in over:
        if not (np.isfinite(x[i]) and (op != 'pow' or np.isfinite(y[i]))) or (op == 'log' and x[i] <= 0):
            continue
        v = mp.power(mp.mpf(float(x[i])), mp.mpf(float(y[i]))) if op == 'pow' else MF[op](mp.mpf(float(x[i])))
        if isinstance(v, mp.mpc):
            continue
        e = np.array([float(v)], dtype=np.float64).astype(dt)
        d[i] = dist(g[i:i + 1], e)[0]
    w = int(np.argmax(d))
    stats = np.array([d.max(), frac.max(), w, (d > bound).sum(), (d > 0).sum()], dtype=np.float64)
`;

numpySuite(`vector math vs long double and mpmath, ${N} points per range`, () => {
  for (const f32 of [false, true]) {
    const dt = f32 ? 'f32' : 'f64';
    for (const op of OPS) {
      it(`${dt} ${op}: within ${f32 ? 1 : BOUND[op]} ulp over the whole domain`, { timeout: 900_000 }, async () => {
        const bound = f32 ? 1 : BOUND[op]!;
        const pts = points(op, f32, N, OPS.indexOf(op) + (f32 ? 100 : 0));
        const T = f32 ? Float32Array : Float64Array;
        const cases = [];
        for (const p of pts) {
          const x = engine.from(T.from(p.x), dt);
          const b = p.y ? engine.from(T.from(p.y), dt) : undefined;
          const got = b ? await engine.pow(x, b) : await engine.map(op as 'exp', x);
          cases.push({ code: PY, inputs: { x: T.from(x), y: p.y ? T.from(p.y) : T.from(x), got: T.from(got), op, f32, bound }, returns: ['stats'] });
          engine.free(x); engine.free(got); if (b) engine.free(b);
        }
        const res = await numpyBatch(cases);
        const errors: string[] = [], report: string[] = [];
        res.forEach((r, k) => {
          if ('error' in r) throw new Error(`${op} ${pts[k]!.name}: python raised ${r.error}`);
          const [maxUlp, maxFrac, w, over, inexact] = Array.from((r as OracleResult).stats!.data as Float64Array);
          const p = pts[k]!;
          report.push(`${p.name} ${maxUlp} ulp (max err ${maxFrac!.toFixed(3)}, ${((100 * inexact!) / p.x.length).toFixed(2)}% not correctly rounded)`);
          if (over! > 0) errors.push(`${dt} ${op} ${p.name}: ${over} points over ${bound} ulp, worst ${maxUlp} ulp at x = ${p.x[w!]}${p.y ? `, y = ${p.y[w!]}` : ''}`);
        });
        console.log(`[accuracy-ld] ${dt} ${op}: ${report.join('; ')}`);
        expect(errors.join('\n')).toBe('');
      });
    }
  }
});
