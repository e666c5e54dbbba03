// Arrays and signals of ops that have not settled: engine.free refuses an array a
// queued or running op uses; a queued op whose signal fires rejects at once;
// a Sync op given an aborted signal never starts. Every wait has a watchdog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, Engine } from '../dist/index.js';
import { disposeAll, settle, withTimeout } from './helpers/engine-ref.js';

const T = 20_000;
let engines: Engine[];
beforeAll(async () => {
  engines = await withTimeout(Promise.all([Engine.create({ threads: 1 }), Engine.create({ threads: 3, inlineThreshold: 0 })]), 30_000, 'create');
});
afterAll(() => disposeAll(engines));

/** A JS map function that takes about 20 µs per element: over N elements (several chunks), an op that runs for a while. */
const slow = (v: number) => { const t = performance.now(); while (performance.now() - t < 0.02); return v + 1; };
const N = 16_384;

describe('free() of an array an unsettled op uses', () => {
  // On one thread an op runs inline, to completion, inside the call: nothing is ever in flight there.
  it('is refused with a TypeError while the op is queued or running, and allowed after', async () => {
    for (const e of [engines[1]!]) {
      const big = e.alloc('f64', N);
      const a = e.from([1, 2, 3, 4]), b = e.from([10, 20, 30, 40]), out = e.alloc('f64', 4);
      const view = out.subarray(1, 3);
      const running = e.map(slow, big);
      const queued = e.add(a, b, { out });
      for (const [arr, what] of [[big, 'running'], [a, 'queued input'], [out, 'queued out']] as const) {
        expect(() => e.free(arr), what).toThrow(TypeError);
        expect(() => e.free(arr), what).toThrow(/in use by an op that has not settled/);
      }
      await withTimeout(Promise.all([running, queued]), T, 'ops');
      expect(Array.from(out)).toEqual([11, 22, 33, 44]);
      expect(view.length).toBe(2);
      for (const arr of [big, a, b, out]) e.free(arr);
    }
  });

  it('a failed or cancelled op releases its arrays too', async () => {
    const e = engines[1]!;
    const big = e.alloc('f64', N);
    const ac = new AbortController();
    const p = e.map(slow, big, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const r = await settle(p, T, 'cancelled map');
    expect(r.ok).toBe(false);
    expect(() => e.free(big)).not.toThrow();
    const x = e.alloc('f64', 4);
    const bad = e.add(x, e.alloc('f64', 3));
    expect((await settle(bad, T, 'bad add')).ok).toBe(false);
    expect(() => e.free(x)).not.toThrow();
  });
});

describe('signals', () => {
  it('a queued op whose signal fires rejects at once, not when the op ahead finishes', async () => {
    const e = engines[1]!;
    const big = e.alloc('f64', N); // ~100+ ms on 3 threads
    const x = e.from([1, 2, 3]);
    const running = e.map(slow, big);
    const ac = new AbortController();
    const queued = e.map('sqrt', x, { signal: ac.signal });
    let settledWhileRunning = false;
    let runningDone = false;
    void running.then(() => { runningDone = true; });
    setTimeout(() => ac.abort(new Error('stop')), 10);
    const r = await settle(queued, T, 'queued');
    settledWhileRunning = !runningDone;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBeInstanceOf(CancelledError);
    expect(settledWhileRunning, 'the queued op settled before the running one finished').toBe(true);
    const m = await withTimeout(running, T, 'running');
    expect(m[0]).toBe(1);
    e.free(m); e.free(big); e.free(x);
  });

  it('a Sync op with an already-aborted signal throws CancelledError and writes nothing', () => {
    for (const e of engines) {
      const x = e.from([4, 9]), out = e.from([-1, -1]);
      expect(() => e.mapSync('sqrt', x, { out, signal: AbortSignal.abort() })).toThrow(CancelledError);
      expect(Array.from(out)).toEqual([-1, -1]);
      e.free(x); e.free(out);
    }
  });
});
