// engine.stats(): op counters (completed / failed / cancelled / pending), heap bytes
// and peak, memory size, queue depth, workers replaced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/index.js';
import { settle, withTimeout } from './helpers/engine-ref.js';

const T = 20_000;
let e: Engine;
beforeAll(async () => { e = await withTimeout(Engine.create({ threads: 3, inlineThreshold: 0 }), 30_000, 'create'); });
afterAll(async () => { await withTimeout(e.dispose(), T, 'dispose'); });

const slow = (v: number) => { const t = performance.now(); while (performance.now() - t < 0.02); return v; };

describe('engine.stats()', () => {
  it('counts completed, failed and cancelled ops of both forms, and pending ones', async () => {
    const s0 = e.stats();
    const x = e.from([1, 2, 3, 4]);
    e.sumSync(x);
    await withTimeout(e.sum(x), T, 'sum');
    expect(() => e.addSync(x, e.from([1]))).toThrow(RangeError);
    expect((await settle(e.histogram(x, { bin: 3 } as any), T, 'histogram')).ok).toBe(false);
    expect(() => e.sumSync(x, { signal: AbortSignal.abort() })).toThrow();
    const big = e.alloc('f64', 65_536); // 16 chunks: most are still unclaimed when the abort comes
    const ac = new AbortController();
    const running = e.map(slow, big, { signal: ac.signal });
    const queued = e.sum(x);
    const mid = e.stats();
    expect(mid.opsPending - s0.opsPending).toBe(2);
    expect(mid.queueDepth).toBeGreaterThanOrEqual(1);
    ac.abort();
    await settle(running, T, 'running');
    await withTimeout(queued, T, 'queued');
    const s1 = e.stats();
    expect(s1.opsCompleted - s0.opsCompleted).toBe(3);
    expect(s1.opsFailed - s0.opsFailed).toBe(2);
    expect(s1.opsCancelled - s0.opsCancelled).toBe(2);
    expect(s1.opsPending).toBe(0);
    expect(s1.queueDepth).toBe(0);
  });

  it('reports heap bytes in use and their peak, and the memory size', () => {
    const s0 = e.stats();
    const a = e.alloc('f64', 1 << 20);
    const s1 = e.stats();
    expect(s1.bytesInUse - s0.bytesInUse).toBe(8 << 20);
    expect(s1.bytesInUse).toBe(e.bytesInUse);
    e.free(a);
    const s2 = e.stats();
    expect(s2.bytesInUse).toBe(s0.bytesInUse);
    expect(s2.peakBytes).toBeGreaterThanOrEqual(s1.bytesInUse);
    expect(s2.memoryBytes).toBe(e.memory.buffer.byteLength);
    expect(s2.maximumBytes).toBeGreaterThanOrEqual(s2.memoryBytes);
    expect(s2.threads).toBe(3);
    expect(s2.workersReplaced).toBe(0);
  });
});
