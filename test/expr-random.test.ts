// Random expression trees (depth 1-6, every operator and function, mixed dtypes
// and numbers) evaluated in one pass must give exactly the bits the same
// computation gives when done step by step with separate wasmpar ops (and
// exact JS loops for the steps wasmpar has no op for: comparisons, where,
// bitwise, %, casts). Threads 1-3, sync and async, reductions included.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../dist/index.js';
import { CTOR, createEngines, disposeAll, ENGINE_CONFIGS, random, rng, withTimeout, type TA } from './helpers/engine-ref.js';
import { fusionFromEnv, gen, isF, store, type Dt } from './helpers/expr-trees.js';

let engines: Engine[];
beforeAll(async () => { await fusionFromEnv(); engines = await createEngines(); });
afterAll(() => disposeAll(engines));

const bitsOf = (x: ArrayLike<number>) => Array.from(x, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('random expression trees vs separate ops', () => {
  it('depth 1-6, every operator and function, mixed dtypes; threads 1-3, sync and async', async () => {
    const r = rng(20261130);
    let checked = 0;
    for (let t = 0; t < 240; t++) {
      const depth = 1 + (t % 6);
      const g = gen(r, depth);
      if (g.type === 'scalar') continue;
      const k = t % engines.length;
      const e = engines[k]!;
      const n = [1, 7, 64, 257, 1000, 4099][t % 6]!;
      const vars = {
        a: e.from(random('f64', n, t, -4, 4)), b: e.from(random('f32', n, t + 1, -4, 4), 'f32'),
        i: e.from(random('f64', n, t + 2, -50, 50).map(Math.round), 'i32'), u: e.from(random('f64', n, t + 3, 0, 20).map(Math.round), 'u8'),
        w: e.from(random('f64', n, t + 4, 0, 100).map(Math.round), 'u32'), k: 3, x: 0.75,
      };
      (e as unknown as { __vars: unknown }).__vars = vars;
      const want = g.ev(e, n) as { dt: Dt; x: TA };
      const label = `${ENGINE_CONFIGS[k]!.label} n=${n}: ${g.src}`;
      const got = (t % 2 ? e.evaluateSync(g.src, vars) : await withTimeout(e.evaluate(g.src, vars), 20_000, label)) as TA;
      expect(got.constructor.name, label).toBe(CTOR[store(want.dt)].name);
      const gb = bitsOf(got), wb = bitsOf(want.x);
      const at = gb.findIndex((v, j) => v !== wb[j]);
      expect(at === -1 ? 'ok' : `at ${at}: got ${gb[at]} want ${wb[at]}`, label).toBe('ok');
      if (isF(want.dt)) {
        const s = e.evaluateSync<number>(`sum(${g.src})`, vars);
        expect(Object.is(s, e.sumSync(want.x)), `sum(${label})`).toBe(true);
      }
      const m = e.evaluateSync<number>(`max(${g.src})`, vars);
      expect(Object.is(m, e.maxSync(want.x)), `max(${label})`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  }, 120_000);
});
