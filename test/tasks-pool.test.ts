import { afterAll, describe, expect, it } from 'vitest';
import { Pool } from '../dist/tasks/index.js';
import { collect, spin, watchdog } from './helpers/tasks.js';

const fixture = new URL('./helpers/task-module.mjs', import.meta.url);
const pool = new Pool({ workers: 2 });
afterAll(() => watchdog(pool.terminate(), 10_000, 'terminate'));

describe('Pool', () => {
  it('map is ordered, with default and explicit chunk sizes', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    expect(await watchdog(pool.map((x: number) => x * x, xs))).toEqual(xs.map((x) => x * x));
    expect(await watchdog(pool.map((x: number) => x * x, xs, { chunkSize: 7 }))).toEqual(xs.map((x) => x * x));
    expect(await watchdog(pool.map((x: number) => x, []))).toEqual([]);
  });

  it('map reads a sparse array\'s holes as undefined, and an array with its own iterator through that iterator', async () => {
    const sparse: (number | undefined)[] = new Array(6);
    sparse[0] = 1;
    sparse[2] = 3;
    sparse[5] = 6;
    for (const chunkSize of [undefined, 1, 2, 5]) {
      const got = await watchdog(pool.map((x: number | undefined) => (x === undefined ? 'hole' : x * 2), sparse, { chunkSize }));
      expect(got).toEqual([2, 'hole', 6, 'hole', 'hole', 12]);
      expect(Object.keys(got).length).toBe(6); // dense: every index is an own property
    }
    const odd = [1, 2, 3];
    odd[Symbol.iterator] = function* () { yield 10; yield 20; };
    expect(await watchdog(pool.map((x: number) => x + 1, odd))).toEqual([11, 21]);
    // Chunks are copied before map returns: changing the input afterwards changes nothing.
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const r = pool.map((x: number) => x, xs, { chunkSize: 3 });
    xs.fill(-1);
    expect(await watchdog(r)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('map passes each item as the one argument, arrays included; starmap spreads them', async () => {
    const items = [[1, 2], [], [3], undefined, null, 'ab'];
    expect(await watchdog(pool.map((...args: unknown[]) => args, items))).toEqual(items.map((x) => [x]));
    expect(await watchdog(pool.map((...args: unknown[]) => args.length, [1, 2, 3], { chunkSize: 2 }))).toEqual([1, 1, 1]);
    expect(await watchdog(pool.starmap((...args: unknown[]) => args.length, [[], [1], [1, 2], [1, 2, 3]]))).toEqual([0, 1, 2, 3]);
  });

  it('numbers keep their exact value both ways (-0, NaN, infinities, non-integers, past 2^53), mixed or not with other values', async () => {
    const special = [-0, 0, NaN, Infinity, -Infinity, 0.1, -1e-310, 2 ** 53 + 2, -(2 ** 60), Number.MAX_VALUE, Number.MIN_VALUE];
    for (const n of [0, 1, 15, 16, 17, 97, 1000]) {
      const xs = Array.from({ length: n }, (_, i) => special[i % special.length]! * (i % 3 === 2 ? -1 : 1));
      const id = (x: unknown) => x;
      for (const chunkSize of [undefined, 1, 16, 33]) {
        const got = await watchdog(pool.map(id, xs, { chunkSize }));
        expect(got.length).toBe(n);
        for (let i = 0; i < n; i++) expect(Object.is(got[i], xs[i])).toBe(true);
      }
      // A non-number anywhere (first, middle, last) keeps the batch as it is.
      for (const at of [0, n >> 1, n - 1]) {
        if (n === 0) continue;
        const mixed: unknown[] = xs.slice();
        mixed[at] = at % 2 ? 'str' : { at };
        expect(await watchdog(pool.map(id, mixed))).toEqual(mixed);
        // Results: numbers except one.
        const r = await watchdog(pool.map((x: number) => (x === 3 ? 'three' : x * 2), Array.from({ length: n }, (_, i) => i)));
        expect(r).toEqual(Array.from({ length: n }, (_, i) => (i === 3 ? 'three' : i * 2)));
      }
    }
    // A typed array as the input, and one as each item (not unpacked into numbers).
    expect(await watchdog(pool.map((x: number) => x / 2, new Float64Array([1, 2, 3])))).toEqual([0.5, 1, 1.5]);
    const arrays = Array.from({ length: 40 }, (_, i) => new Float64Array([i, -0]));
    const back = await watchdog(pool.map((a: Float64Array) => a, arrays));
    expect(back[39]).toBeInstanceOf(Float64Array);
    expect(Array.from(back[39]!)).toEqual([39, -0]);
  });

  it('a failing call in a batch of numbers: the calls before it completed, its error is the one reported', async () => {
    const xs = Array.from({ length: 200 }, (_, i) => i);
    const f = (x: number) => {
      if (x === 150) throw new RangeError(`bad ${x}`);
      return x + 0.5;
    };
    await expect(watchdog(pool.map(f, xs, { chunkSize: 200 }))).rejects.toThrow(/bad 150/);
  });

  it('starmap and apply', async () => {
    expect(await watchdog(pool.starmap((a: number, b: number) => a ** b, [[2, 3], [3, 2], [10, 0]]))).toEqual([8, 9, 1]);
    expect(await watchdog(pool.apply((a: number, b: string) => b.repeat(a), [3, 'ab']))).toBe('ababab');
  });

  it('map and starmap read an async iterable to its end (not as an empty list), in order', async () => {
    async function* items(n: number) {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, i % 3));
        yield i;
      }
    }
    for (const n of [0, 1, 7, 61]) {
      const want = Array.from({ length: n }, (_, i) => i * 3);
      expect(await watchdog(pool.map((x: number) => x * 3, items(n)))).toEqual(want);
      expect(await watchdog(pool.map((x: number) => x * 3, items(n), { chunkSize: 4 }))).toEqual(want);
      async function* pairs() {
        for await (const i of items(n)) yield [i, 3] as [number, number];
      }
      expect(await watchdog(pool.starmap((a: number, b: number) => a * b, pairs()))).toEqual(want);
    }
  });

  it('map submits a sync iterable at once: map(...) then close() still runs it', async () => {
    const p = new Pool({ workers: 1 });
    const r = p.map((x: number) => x + 1, new Set([1, 2, 3]));
    p.close();
    await watchdog(p.join(), 10_000, 'join');
    expect(await watchdog(r)).toEqual([2, 3, 4]);
  });

  it('imap yields in input order, imapUnordered in completion order', async () => {
    const delays = [300, 10, 150, 0];
    const ordered = await collect(pool.imap((d: number) => ((end) => { while (Date.now() < end); return d; })(Date.now() + d), delays));
    expect(ordered).toEqual(delays);
    // Item 0 blocks until the caller has received 5 other results: only completion order gets there.
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const items = Array.from({ length: 20 }, (_, i) => i);
    const seen: number[] = [];
    await watchdog(
      (async () => {
        const task = ([i, g]: [number, Int32Array]) => {
          if (i === 0) Atomics.wait(g, 0, 0, 30_000);
          return i;
        };
        for await (const v of pool.imapUnordered(task, items.map((i) => [i, gate] as [number, Int32Array]))) {
          seen.push(v as number);
          if (seen.length === 5) {
            Atomics.store(gate, 0, 1);
            Atomics.notify(gate, 0);
          }
        }
      })(),
    );
    expect(seen[0]).not.toBe(0);
    expect(seen.indexOf(0)).toBeGreaterThanOrEqual(5);
    expect([...seen].sort((a, b) => a - b)).toEqual(items);
  });

  it('imap reads its input lazily and stops early', async () => {
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const got: number[] = [];
    await watchdog(
      (async () => {
        for await (const v of pool.imap((x: number) => x * 2, naturals(), { chunkSize: 3 })) {
          got.push(v as number);
          if (got.length === 10) break;
        }
      })(),
    );
    expect(got).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(pulled).toBeLessThan(200);
  });

  it("an input that throws: imap/imapUnordered yield the results of the items read before it, then its error (Python's imap)", async () => {
    for (const n of [1, 2, 5]) {
      function* failing() {
        for (let i = 0; i < n; i++) yield i;
        throw new RangeError(`input failed after ${n}`);
      }
      for (const chunkSize of [1, 2, 7]) {
        for (const method of ['imap', 'imapUnordered'] as const) {
          const got: unknown[] = [];
          const err = await watchdog((async () => {
            for await (const v of pool[method]((x: number) => x * 10, failing(), { chunkSize })) got.push(v);
          })().catch((e: unknown) => e));
          const what = `${method}, ${n} items, chunkSize ${chunkSize}`;
          expect(err, what).toBeInstanceOf(RangeError);
          expect((err as Error).message, what).toBe(`input failed after ${n}`);
          expect([...got].sort((a, b) => (a as number) - (b as number)), what).toEqual(Array.from({ length: n }, (_, i) => i * 10));
        }
      }
    }
    expect(await watchdog(pool.map((x: number) => x + 1, [1, 2]))).toEqual([2, 3]);
  });

  it('a task error rejects map with the same class, message, remote stack and own properties', async () => {
    const err = await watchdog(
      pool.map((x: number) => {
        if (x === 5) {
          class ParseError extends Error {}
          const e = new ParseError(`bad ${x}`) as Error & { line?: number };
          e.name = 'ParseError';
          e.line = 42;
          throw e;
        }
        return x;
      }, [1, 2, 3, 4, 5, 6], { chunkSize: 2 }).catch((e: unknown) => e),
    ) as Error & { line: number };
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ParseError');
    expect(err.constructor.name).toBe('ParseError');
    expect(err.message).toBe('bad 5');
    expect(err.line).toBe(42);
    expect(err.stack).toMatch(/eval/);
    const te = await watchdog(pool.apply(() => { throw new TypeError('nope'); }).catch((e: unknown) => e));
    expect(te).toBeInstanceOf(TypeError);
  });

  it("a task error keeps its class when the class does not set `name`, and an AggregateError keeps its errors", async () => {
    const http = (await watchdog(pool.apply(() => {
      class HttpError extends Error {
        status = 404;
      }
      throw new HttpError('not found');
    }).catch((e: unknown) => e))) as Error & { status: number };
    expect(http.constructor.name).toBe('HttpError');
    expect(http.name).toBe(new Error('x').name); // inherited, as on the worker
    expect(http).toBeInstanceOf(Error);
    expect([http.message, http.status]).toEqual(['not found', 404]);
    // A subclass of a built-in that keeps the built-in's name is still an instance of it.
    const bad = (await watchdog(pool.apply(() => {
      class BadShape extends RangeError {}
      throw new BadShape('shape');
    }).catch((e: unknown) => e))) as Error;
    expect(bad).toBeInstanceOf(RangeError);
    expect([bad.constructor.name, bad.name, bad.message]).toEqual(['BadShape', 'RangeError', 'shape']);
    for (const n of [0, 1, 3]) {
      const agg = (await watchdog(pool.apply((k: number) => {
        throw new AggregateError(Array.from({ length: k }, (_, i) => (i % 2 ? new TypeError(`e${i}`) : new Error(`e${i}`))), 'several');
      }, [n]).catch((e: unknown) => e))) as AggregateError;
      expect(agg).toBeInstanceOf(AggregateError);
      expect(agg.message).toBe('several');
      expect(agg.errors.map((e: Error) => [e.constructor.name, e.message])).toEqual(
        Array.from({ length: n }, (_, i) => [i % 2 ? 'TypeError' : 'Error', `e${i}`]),
      );
    }
  });

  it('refuses closures with a clear message', async () => {
    const factor = 3;
    const err = (await watchdog(pool.map((x: number) => x * factor, [1, 2]).catch((e: unknown) => e))) as Error;
    expect(err).toBeInstanceOf(ReferenceError);
    expect(err.message).toMatch(/factor is not defined/);
    expect(err.message).toMatch(/self-contained/);
    expect(err.message).toMatch(/\{ module, name \}/);
    await expect(() => pool.apply(Math.sqrt as never, [4])).rejects.toThrow(TypeError);
  });

  it('an argument or a result that cannot be cloned is a TypeError (both ways), and the pool goes on', async () => {
    for (const run of [() => pool.map((v: unknown) => v, [() => 1]), () => pool.apply((v: unknown) => v, [Symbol('s')])]) {
      const err = (await watchdog(run().catch((e: unknown) => e))) as Error;
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toMatch(/a task argument could not be sent to a worker thread: .*could not be cloned/);
    }
    const back = (await watchdog(pool.apply(() => () => 1).catch((e: unknown) => e))) as Error;
    expect(back).toBeInstanceOf(TypeError);
    expect(back.message).toMatch(/a task result could not be sent back/);
    expect(await watchdog(pool.map((x: number) => x + 1, [1, 2]))).toEqual([2, 3]);
  });

  it('runs module-reference tasks that use imports, and async task functions', async () => {
    const hashes = await watchdog(pool.map({ module: fixture, name: 'sha256' }, ['a', 'b']));
    expect(hashes[0]).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    expect(await watchdog(pool.map({ module: fixture.href, name: 'slowDouble' }, [1, 2, 3]))).toEqual([2, 4, 6]);
    expect(await watchdog(pool.map(async (x: number) => { await new Promise((r) => setTimeout(r, 1)); return -x; }, [1, 2]))).toEqual([-1, -2]);
    const missing = await watchdog(pool.apply({ module: fixture, name: 'nothing' }).catch((e: unknown) => e));
    expect((missing as Error).message).toMatch(/no exported function named 'nothing'/);
  });

  it('passes shared-memory typed arrays by reference', async () => {
    const shared = new Float64Array(new SharedArrayBuffer(8 * 4));
    await watchdog(pool.apply((a: Float64Array) => { for (let i = 0; i < a.length; i++) a[i] = i + 0.5; }, [shared]));
    expect(Array.from(shared)).toEqual([0.5, 1.5, 2.5, 3.5]);
  });

  it('a worker that exits rejects its task with WorkerCrashError and is replaced', async () => {
    const err = (await watchdog(pool.apply(() => process.exit(7)).catch((e: unknown) => e))) as Error & { code: string };
    expect(err.name).toBe('WorkerCrashError');
    expect(err.code).toBe('ERR_WORKER_CRASH');
    expect(err.message).toMatch(/code 7/);
    const xs = Array.from({ length: 100 }, (_, i) => i);
    expect(await watchdog(pool.map((x: number) => x + 1, xs))).toEqual(xs.map((x) => x + 1));
    // A crash in the middle of a map does not hang the rest.
    const crash = await watchdog(
      pool.map((x: number) => (x === 50 ? process.exit(1) : x), xs, { chunkSize: 10 }).catch((e: unknown) => e),
    );
    expect((crash as Error).name).toBe('WorkerCrashError');
    expect(await watchdog(pool.map((x: number) => x, [1, 2, 3]))).toEqual([1, 2, 3]);
  });

  it('initializer runs in every worker before its tasks', async () => {
    await using p = new Pool({ workers: 2, initializer: { module: fixture, name: 'setGreeting' }, initargs: ['hello'] });
    expect(await watchdog(p.map({ module: fixture, name: 'greet' }, ['a', 'b', 'c']))).toEqual(['hello, a', 'hello, b', 'hello, c']);
    await using g = new Pool({ workers: 1, initializer: (v: number) => { (globalThis as Record<string, unknown>).base = v; }, initargs: [100] });
    expect(await watchdog(g.map((x: number) => (globalThis as unknown as { base: number }).base + x, [1, 2]))).toEqual([101, 102]);
    await using bad = new Pool({ workers: 1, initializer: () => { throw new Error('no db'); } });
    await expect(watchdog(bad.apply((x: number) => x, [1]))).rejects.toThrow(/initializer failed: no db/);
  });

  it('maxTasksPerWorker replaces workers', async () => {
    await using p = new Pool({ workers: 1, maxTasksPerWorker: 2 });
    const ids = await watchdog(p.map(() => (globalThis as Record<string, unknown>).__id ??= Math.random(), [1, 2, 3, 4, 5, 6], { chunkSize: 1 }));
    expect(new Set(ids).size).toBe(3);
  });

  it('close/join finishes queued work; terminate rejects it; both refuse new work', async () => {
    const p = new Pool({ workers: 2 });
    const work = p.map(spin, [[30, 1]] as never).catch(() => null);
    const r = p.starmap(spin, [[50, 'a'], [50, 'b'], [50, 'c']]);
    p.close();
    await expect(p.map((x: number) => x, [1])).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(await watchdog(r)).toEqual(['a', 'b', 'c']);
    await watchdog(p.join());
    await work;
    const q = new Pool({ workers: 1 });
    const pending = q.starmap(spin, [[200, 1], [200, 2], [200, 3]]).catch((e: unknown) => e);
    await new Promise((res) => setTimeout(res, 50));
    await watchdog(q.terminate());
    expect(await pending).toMatchObject({ code: 'ERR_DISPOSED' });
    await expect(q.apply((x: number) => x, [1])).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    await expect(new Pool({ workers: 1 }).join()).rejects.toThrow(/close\(\) or terminate\(\)/);
  });

  it("close() while imap / imapUnordered loops are still reading their input: they finish (Python submits a whole imap at the call)", async () => {
    for (const [method, workers, chunkSize] of [['imap', 1, 1], ['imap', 2, 3], ['imapUnordered', 3, 1]] as const) {
      const p = new Pool({ workers });
      const n = 4 * Math.max(4, workers * 4) + 3; // past the loop's window of chunks in flight
      function* input() { for (let i = 0; i < n; i++) yield i; }
      const started = p[method]((x: number) => x + 1, input(), { chunkSize });
      const notYet = p[method]((x: number) => x * 2, Array.from({ length: 11 }, (_, i) => i)); // no next() before close()
      const got: number[] = [];
      const loop = (async () => {
        for await (const v of started) {
          got.push(v as number);
          if (got.length === 1) {
            p.close();
            expect(() => p.imap((x: number) => x, [1]), 'a new call after close()').toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
          }
        }
      })();
      await watchdog(loop, 20_000, `${method} loop`);
      const rest = await collect(notYet);
      await watchdog(p.join(), 20_000, 'join');
      const what = `${method}, ${workers} workers, chunkSize ${chunkSize}`;
      expect([...got].sort((a, b) => a - b), what).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect([...rest].sort((a, b) => (a as number) - (b as number)), what).toEqual(Array.from({ length: 11 }, (_, i) => i * 2));
      await expect(p.map((x: number) => x, [1])).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    }
  });

  it('close() during an imap over an endless input: the loop still gets its results and can stop; join() then ends', async () => {
    const p = new Pool({ workers: 2 });
    function* naturals() { for (let i = 0; ; i++) yield i; }
    const got: number[] = [];
    await watchdog((async () => {
      for await (const v of p.imap((x: number) => x * 3, naturals(), { chunkSize: 2 })) {
        got.push(v as number);
        if (got.length === 5) p.close();
        if (got.length === 60) break;
      }
    })(), 20_000, 'imap loop');
    await watchdog(p.join(), 20_000, 'join');
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => i * 3));
  });

  it('validates its arguments', () => {
    expect(() => new Pool({ workers: 0 })).toThrow(RangeError);
    expect(() => new Pool({ maxTasksPerWorker: 1.5 })).toThrow(RangeError);
    expect(() => new Pool({ engine: {} as never })).toThrow(TypeError);
    expect(new Pool({ engine: { threads: 3 } }).workers).toBe(3);
    return expect(pool.map((x: number) => x, [1], { chunkSize: 0 })).rejects.toThrow(RangeError);
  });

  it('a bad argument names the method it was given to', async () => {
    const id = (x: number) => x;
    const typo = { chunksize: 2 } as never;
    await expect(pool.map(id, [1], typo)).rejects.toThrow(/^Pool\.map: unknown option 'chunksize'.*'chunkSize'/);
    await expect(pool.starmap(id, [[1]], typo)).rejects.toThrow(/^Pool\.starmap: unknown option 'chunksize'/);
    expect(() => pool.imap(id, [1], typo)).toThrow(/^Pool\.imap: unknown option 'chunksize'/);
    expect(() => pool.imapUnordered(id, [1], typo)).toThrow(/^Pool\.imapUnordered: unknown option 'chunksize'/);
    expect(() => pool.imapUnordered(id, 5 as never)).toThrow(/^imapUnordered: iterable must be an iterable/);
    expect(() => pool.imap(id, 5 as never)).toThrow(/^imap: iterable must be an iterable/);
    await expect(pool.map(id, 5 as never)).rejects.toThrow(TypeError);
  });
});
