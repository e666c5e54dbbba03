import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Executor, Future, asCompleted, wait } from '../dist/tasks/index.js';
import { collect, spin, watchdog } from './helpers/tasks.js';

const ex = new Executor({ maxWorkers: 2 });
afterAll(() => watchdog(ex.shutdown({ cancelFutures: true }), 10_000, 'shutdown'));

/** A task that blocks its worker until the caller opens the gate (no timing assumptions). */
const gated = (g: Int32Array, v: unknown) => {
  Atomics.wait(g, 0, 0, 30_000);
  return v;
};
const newGate = () => {
  const g = new Int32Array(new SharedArrayBuffer(4));
  gates.push(g);
  return g;
};
const open = (g: Int32Array) => {
  Atomics.store(g, 0, 1);
  Atomics.notify(g, 0);
};
const untilTrue = (cond: () => boolean) =>
  new Promise<void>((r) => {
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t);
        r();
      }
    }, 5);
  });
const gates: Int32Array[] = [];
// A failed assertion must not leave workers blocked for the next test.
afterEach(() => gates.splice(0).forEach(open));

describe('Executor and Future', () => {
  it('submit returns an awaitable Future with result/exception/done', async () => {
    const f = ex.submit((a: number, b: number) => a + b, 2, 3);
    expect(f).toBeInstanceOf(Future);
    expect(await watchdog(f)).toBe(5);
    expect(await f.result()).toBe(5);
    expect(await f.exception()).toBeUndefined();
    expect(f.done()).toBe(true);
    expect(f.running()).toBe(false);
    const bad = ex.submit(() => { throw new RangeError('r'); });
    expect(await watchdog(bad.exception())).toBeInstanceOf(RangeError);
    await expect(bad.result()).rejects.toThrow('r');
  });

  it('cancel succeeds only while queued; states follow', async () => {
    const g = newGate();
    try {
      // 2 workers each take one task (an unmeasured task is never queued behind a
      // busy worker); everything blocks on the gate, so the tail stays queued.
      const fs = Array.from({ length: 8 }, (_, i) => ex.submit(gated, g, i));
      await watchdog(untilTrue(() => fs.filter((f) => f.running()).length === 2));
      await new Promise((r) => setTimeout(r, 20));
      expect(fs.filter((f) => f.running()).length).toBe(2);
      const last = fs[7];
      expect(last.running()).toBe(false);
      expect(last.cancel()).toBe(true);
      expect(last.cancelled()).toBe(true);
      expect(last.done()).toBe(true);
      expect(fs[0].cancel()).toBe(false);
      expect(fs[0].cancelled()).toBe(false);
      await expect(last.result()).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
      let cbArg: unknown;
      last.addDoneCallback((f) => (cbArg = f));
      expect(cbArg).toBe(last); // immediately, since it is done
      open(g);
      expect(await watchdog(Promise.all(fs.slice(0, 7)))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    } finally {
      open(g);
    }
  });

  it('result({ timeout }) throws TimeoutError and the future keeps running', async () => {
    const g = newGate();
    const f = ex.submit(gated, g, 'late');
    await expect(f.result({ timeout: 50 })).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(f.done()).toBe(false);
    open(g);
    expect(await watchdog(f.result())).toBe('late');
    expect(() => f.result({ timeout: -1 })).toThrow(RangeError);
  });

  for (const wait of [true, false]) {
    it(`shutdown({ wait: ${wait} }) while a map loop is still reading its input: the loop finishes (Python's map submits it all at the call)`, async () => {
      const e = new Executor({ maxWorkers: 2 });
      const n = 23; // past the window of 2 × maxWorkers
      const got: number[] = [];
      let shut: Promise<void> | undefined;
      await watchdog((async () => {
        for await (const v of e.map((x: number, y: number) => x + y, Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, () => 100))) {
          got.push(v as number);
          if (got.length === 1) shut = e.shutdown({ wait });
        }
      })(), 20_000, 'map loop');
      await watchdog(shut!, 20_000, 'shutdown');
      expect(got).toEqual(Array.from({ length: n }, (_, i) => i + 100));
      expect(() => e.submit((x: number) => x, 1)).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    });
  }

  it('shutdown() with a bufferSize map still reading (Python 3.14 buffersize): the loop ends with DisposedError', async () => {
    const e = new Executor({ maxWorkers: 1 });
    const got: unknown[] = [];
    const err = await watchdog((async () => {
      for await (const v of e.map((x: number) => x, Array.from({ length: 20 }, (_, i) => i), { bufferSize: 2 })) {
        got.push(v);
        if (got.length === 1) void e.shutdown();
      }
    })().catch((x: unknown) => x), 20_000, 'map loop');
    expect(err).toMatchObject({ code: 'ERR_DISPOSED' });
    expect(got.length).toBeLessThan(20);
  });

  it('addDoneCallback is called with the future when it finishes', async () => {
    const f = ex.submit((x: number) => x, 1);
    const got = await watchdog(new Promise<unknown[]>((r) => f.addDoneCallback((x) => r([x]))));
    expect(got[0]).toBe(f);
  });

  it("a done future refuses setResult/setException with a StateError and keeps its outcome (Python's InvalidStateError)", async () => {
    const finished = new Future<number>();
    finished.setResult(1);
    expect(() => finished.setResult(2)).toThrow(expect.objectContaining({ code: 'ERR_STATE', message: expect.stringMatching(/setResult.*finished/) }));
    expect(() => finished.setException(new Error('late'))).toThrow(/setException.*finished/);
    await expect(watchdog(finished.result(), 5_000)).resolves.toBe(1);
    const cancelled = new Future<number>();
    expect(cancelled.cancel()).toBe(true);
    expect(() => cancelled.setResult(2)).toThrow(/setResult.*cancelled/);
    expect(cancelled.cancelled()).toBe(true);
  });

  it('asCompleted yields finished ones first, each once, then in completion order', async () => {
    const g = newGate();
    const first = ex.submit((x: number) => x, 'done-already');
    await watchdog(first);
    const slow = ex.submit(gated, g, 'slow');
    const quick = ex.submit((x: number) => x, 'quick');
    const order: Future<unknown>[] = [];
    await watchdog(
      (async () => {
        for await (const f of asCompleted([slow, first, quick, first])) {
          order.push(f);
          if (f === quick) open(g);
        }
      })(),
    );
    expect(order).toEqual([first, quick, slow]);
  });

  it('asCompleted throws TimeoutError saying how many are unfinished; accepts a Map', async () => {
    const g = newGate();
    const a = ex.submit((x: number) => x, 1);
    const b = ex.submit(gated, g, 2);
    const m = new Map<Future<unknown>, string>([[a, 'a'], [b, 'b']]);
    const seen: string[] = [];
    const err = await watchdog(
      (async () => {
        try {
          for await (const f of asCompleted(m, { timeout: 200 })) seen.push(m.get(f)!);
        } catch (e) {
          return e as Error;
        }
      })(),
    );
    expect(seen).toEqual(['a']);
    expect(err).toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(err!.message).toMatch(/^1 \(of 2\) futures unfinished/);
    open(g);
    await watchdog(b);
  });

  it('wait: FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, timeout', async () => {
    const g = newGate();
    const slow = ex.submit(gated, g, 's');
    const ok = ex.submit((x: number) => x, 1);
    let r = await watchdog(wait([slow, ok], { returnWhen: 'FIRST_COMPLETED' }));
    expect(r.done.has(ok)).toBe(true);
    expect(r.notDone.has(slow)).toBe(true);
    const boom = ex.submit(() => { throw new Error('boom'); });
    r = await watchdog(wait([slow, ok, boom], { returnWhen: 'FIRST_EXCEPTION' }));
    expect([...r.done]).toEqual(expect.arrayContaining([ok, boom]));
    expect(r.notDone).toEqual(new Set([slow]));
    r = await watchdog(wait([slow, ok], { timeout: 50 }));
    expect(r.notDone).toEqual(new Set([slow]));
    open(g);
    r = await watchdog(wait([slow, ok, boom]));
    expect(r.done.size).toBe(3);
    expect(r.notDone.size).toBe(0);
    await expect(wait([ok], { returnWhen: 'SOON' as never })).rejects.toThrow(TypeError);
  });

  it('map is ordered, zips iterables, chunks, and puts an error at its position', async () => {
    expect(await collect(ex.map((a: number, b: number) => a * b, [1, 2, 3, 4], [10, 20, 30]))).toEqual([10, 40, 90]);
    expect(await collect(ex.map((x: number) => x + 1, Array.from({ length: 50 }, (_, i) => i), { chunkSize: 8 }))).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const got: number[] = [];
    const err = await watchdog(
      (async () => {
        try {
          for await (const v of ex.map((x: number) => { if (x === 3) throw new Error('three'); return x; }, [0, 1, 2, 3, 4, 5], { chunkSize: 2 })) got.push(v as number);
        } catch (e) {
          return e as Error;
        }
      })(),
    );
    expect(got).toEqual([0, 1, 2]);
    expect(err!.message).toBe('three');
  });

  it('map consumes its input lazily and cancels what has not started when the consumer stops', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield i;
      }
    }
    const got: number[] = [];
    await watchdog(
      (async () => {
        for await (const v of ex.map((x: number) => x * 3, source(), { bufferSize: 4 })) {
          got.push(v as number);
          if (got.length === 5) break;
        }
      })(),
    );
    expect(got).toEqual([0, 3, 6, 9, 12]);
    expect(pulled).toBeLessThanOrEqual(5 + 4 + 1);
    const ctl = new AbortController();
    const it = ex.map((x: number) => x, [1, 2, 3], { signal: ctl.signal });
    ctl.abort();
    await expect(collect(it)).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
  });

  it("map({ timeout }) (Python's): a result not ready that many ms after the call is a TimeoutError; the rest is cancelled", async () => {
    const g = newGate();
    const got: unknown[] = [];
    const err = await watchdog((async () => {
      try {
        for await (const v of ex.map((gate: Int32Array | null, x: number) => { if (gate) Atomics.wait(gate, 0, 0, 30_000); return x; }, [null, g, null], [1, 2, 3], { timeout: 50 })) got.push(v);
      } catch (e) { return e; }
      return undefined;
    })());
    expect(got).toEqual([1]);
    expect(err).toMatchObject({ name: 'TimeoutError', code: 'ERR_TIMEOUT' });
    expect((err as Error).message).toMatch(/^Executor\.map: a result was not ready within 50 ms/);
    open(g);
    expect(await watchdog(collect(ex.map((x: number) => x + 1, [1, 2, 3], { timeout: 20_000 })))).toEqual([2, 3, 4]);
    expect(() => ex.map((x: number) => x, [1], { timeout: -1 })).toThrow(RangeError);
  });

  it("backend 'async' runs promise functions on this thread with at most maxWorkers in flight", async () => {
    await using io = new Executor({ backend: 'async', maxWorkers: 3 });
    let inFlight = 0;
    let peak = 0;
    const local = 'closures are fine here';
    const job = async (i: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return `${local}:${i}`;
    };
    const fs = Array.from({ length: 10 }, (_, i) => io.submit(job, i));
    const out = await watchdog(Promise.all(fs));
    expect(out[9]).toBe('closures are fine here:9');
    expect(peak).toBe(3);
    expect(await collect(io.map(job, [1, 2]))).toEqual([`${local}:1`, `${local}:2`]);
  });

  it('shutdown: waits, cancels queued futures on request, refuses new work', async () => {
    const e2 = new Executor({ maxWorkers: 1 });
    const g = newGate();
    const head = e2.submit(gated, g, 'h');
    const tail = Array.from({ length: 5 }, (_, i) => e2.submit(spin, 1, i));
    await watchdog(new Promise<void>((r) => { const t = setInterval(() => { if (head.running()) { clearInterval(t); r(); } }, 5); }));
    const done = e2.shutdown({ cancelFutures: true });
    expect(() => e2.submit((x: number) => x, 1)).toThrow(/after shutdown/);
    open(g);
    await watchdog(done);
    expect(await head).toBe('h');
    expect(tail.some((f) => f.cancelled())).toBe(true);
    for (const f of tail) expect(f.done()).toBe(true);
  });

  it('a timeout beyond what setTimeout can wait (Infinity, 2^31 ms, 1e12 ms) waits, rather than firing after 1 ms', async () => {
    const aex = new Executor({ maxWorkers: 2, backend: 'async' });
    try {
      for (const timeout of [Infinity, 2 ** 31, 1e12]) {
        // Settles on a later macrotask (after a 1 ms overflowed timer would already have fired).
        const later = () => aex.submit(async (v: number) => { await new Promise((r) => setTimeout(r, 20)); return v; }, timeout);
        expect(await watchdog(later().result({ timeout }))).toBe(timeout);
        expect(await watchdog(later().exception({ timeout }))).toBe(undefined);
        const { done, notDone } = await watchdog(wait([later(), later()], { timeout }));
        expect([done.size, notDone.size]).toEqual([2, 0]);
        const seen: number[] = [];
        for await (const f of asCompleted([later()], { timeout })) seen.push(await f.result());
        expect(seen).toEqual([timeout]);
      }
    } finally {
      await watchdog(aex.shutdown(), 10_000, 'shutdown');
    }
  });

  it('heals after a worker crash', async () => {
    const f = ex.submit(() => process.exit(2));
    expect(await watchdog(f.exception())).toMatchObject({ code: 'ERR_WORKER_CRASH' });
    expect(await watchdog(ex.submit((x: number) => x * 2, 21))).toBe(42);
  });
});
