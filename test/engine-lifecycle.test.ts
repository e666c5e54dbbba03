// Lifecycle and faults: dispose with queued work, many concurrent async ops
// mixed with sync ones, AbortSignal, kernel errors, and a worker that dies
// (the pool heals). Nothing here may hang: every await has a watchdog.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, DisposedError, Engine, KernelError, WasmparError } from '../dist/index.js';
import { disposeAll, random, settle, sleep, withTimeout } from './helpers/engine-ref.js';

const T = 20_000;
let engines: Engine[];
beforeAll(async () => {
  engines = await withTimeout(Promise.all([Engine.create({ threads: 1 }), Engine.create({ threads: 3, inlineThreshold: 0 })]), 30_000, 'create');
});
afterAll(() => disposeAll(engines));

describe('dispose', () => {
  it('queued async ops reject with DisposedError, the running one completes, nothing hangs', async () => {
    const e = await withTimeout(Engine.create({ threads: 3, inlineThreshold: 0 }), T, 'create');
    const xs = Array.from({ length: 50 }, (_, i) => e.from(random('f64', 65537, i)));
    const ops = xs.map((x) => e.map('sin', x));
    const disposed = e.dispose();
    const results = await withTimeout(Promise.allSettled(ops), T, 'queued ops');
    let rejected = 0;
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') {
        expect(r.value[7]).toBeCloseTo(Math.sin(xs[i]![7]!), 12);
      } else {
        expect(r.reason).toBeInstanceOf(DisposedError);
        expect(r.reason.code).toBe('ERR_DISPOSED');
        rejected++;
      }
    }
    expect(rejected, 'ops still queued at dispose time reject').toBeGreaterThan(0);
    await withTimeout(disposed, T, 'dispose');
    await withTimeout(e.dispose(), T, 'second dispose is a no-op');
  });

  it('ops after dispose: async forms reject, sync forms throw DisposedError', async () => {
    const e = await withTimeout(Engine.create({ threads: 2 }), T, 'create');
    const x = e.from([1, 2, 3]);
    await withTimeout(e.dispose(), T, 'dispose');
    for (const call of [() => e.sum(x), () => e.add(x, x), () => e.map('abs', x), () => e.fill(x, 1), () => e.map((v) => v, x)]) {
      let p: Promise<unknown> | undefined;
      expect(() => { p = call(); }).not.toThrow();
      const r = await settle(p!, T, 'after dispose');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('ERR_DISPOSED');
    }
    expect(() => e.sumSync(x)).toThrow(DisposedError);
    expect(() => e.addSync(x, x)).toThrow(DisposedError);
  });

  it('[Symbol.asyncDispose] exists and disposes (await using)', async () => {
    const e = await withTimeout(Engine.create({ threads: 2 }), T, 'create');
    expect(typeof e[Symbol.asyncDispose]).toBe('function');
    await withTimeout(e[Symbol.asyncDispose](), T, 'asyncDispose');
    const r = await settle(e.sum(new Float64Array(3)), T, 'sum after asyncDispose');
    expect(r.ok).toBe(false);
  });

  it('a script that never calls dispose() still exits (workers are unref()ed)', async () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `import { Engine } from ${JSON.stringify(entry)};
      const e = await Engine.create({ threads: 3, inlineThreshold: 0 });
      const x = e.alloc('f64', 100000).fill(1);
      console.log(await e.sum(x), e.sumSync(x));`;
    // A file, not `node --input-type=module -e`: workers inherit execArgv, and
    // --input-type makes their start-up fail (see the report).
    const dir = mkdtempSync(join(tmpdir(), 'wasmpar-'));
    const file = join(dir, 'no-dispose.mjs');
    writeFileSync(file, script);
    const out = await withTimeout(new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [file], { timeout: 15_000 }, (err, stdout) => err ? reject(err) : resolve(stdout));
    }), 20_000, 'child process').finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(out.trim()).toBe('100000 100000');
  });
});

describe.each([['t1', 0], ['t3-noinline', 1]] as const)('concurrency on %s', (_label, ei) => {
  it('50 concurrent async ops over different arrays, mixed with sync ops, are all correct', async () => {
    const e = engines[ei]!;
    const n = 20_011;
    const xs = Array.from({ length: 50 }, (_, i) => e.from(random('f64', n, 100 + i)));
    const side = e.from(random('f64', 70_001, 9));
    const sideSum = e.sumSync(side);
    const pending: Array<Promise<unknown>> = [];
    const checks: Array<(v: any) => void> = [];
    for (const [i, x] of xs.entries()) {
      const k = i % 4;
      if (k === 0) { pending.push(e.add(x, 1)); checks.push((r) => expect(r[n - 1]).toBe(x[n - 1]! + 1)); }
      if (k === 1) { pending.push(e.map('abs', x)); checks.push((r) => expect(r[5]).toBe(Math.abs(x[5]!))); }
      if (k === 2) { pending.push(e.sum(x)); checks.push((r) => expect(Object.is(r, e.sumSync(x))).toBe(true)); }
      if (k === 3) { pending.push(e.map((v) => v * 2, x)); checks.push((r) => expect(r[n - 2]).toBe(x[n - 2]! * 2)); }
      // A sync op in between: it must wait for (and not corrupt) the async job in flight.
      if (i % 5 === 0) expect(Object.is(e.sumSync(side), sideSum)).toBe(true);
    }
    const results = await withTimeout(Promise.all(pending), T, '50 ops');
    results.forEach((r, i) => checks[i]!(r));
    expect(Object.is(await withTimeout(e.sum(side), T, 'sum'), sideSum)).toBe(true);
  });

  it('an already-aborted signal rejects with CancelledError and writes nothing', async () => {
    const e = engines[ei]!;
    const x = e.from(random('f64', 65537, 1));
    const out = e.alloc('f64', x.length).fill(-1);
    const ac = new AbortController();
    ac.abort();
    for (const call of [(): Promise<unknown> => e.add(x, x, { out, signal: ac.signal }), () => e.map('exp', x, { out, signal: ac.signal }),
      () => e.map((v) => v + 1, x, { out, signal: ac.signal }), () => e.sum(x, { signal: ac.signal })]) {
      const r = await settle(call(), T, 'aborted');
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(CancelledError);
        expect(r.error.code).toBe('ERR_CANCELLED');
      }
    }
    expect(out.every((v) => v === -1)).toBe(true);
  });

  it('a JS function that throws gives KernelError (ERR_KERNEL); the engine stays correct', async () => {
    const e = engines[ei]!;
    const x = e.from(Float64Array.from({ length: 65537 }, (_, i) => i % 1000));
    for (const sync of [false, true]) {
      const boom = (v: number) => { if (v === 777) throw new Error('boom'); return v; };
      let err: any;
      if (sync) { try { e.mapSync(boom, x); } catch (x2) { err = x2; } }
      else { const r = await settle(e.map(boom, x), T, 'boom'); err = r.ok ? undefined : r.error; }
      expect(err).toBeInstanceOf(KernelError);
      expect(err).toBeInstanceOf(WasmparError);
      expect(err.code).toBe('ERR_KERNEL');
      expect(err.message).toMatch(/boom/);
    }
    const r = await withTimeout(e.map((v) => v + 0.5, x), T, 'after kernel error');
    expect(r[64_999]).toBe((64_999 % 1000) + 0.5);
    expect(e.sumSync(x)).toBe(await withTimeout(e.sum(x), T, 'sum'));
  });

  it('an op queued behind another is cancelled when its signal aborts before it runs', async () => {
    const e = engines[ei]!;
    const x = e.from(random('f64', 65537, 3));
    const out = e.alloc('f64', x.length).fill(-1);
    const ac = new AbortController();
    const first = e.map('sin', x);
    const second = e.map('cos', x, { out, signal: ac.signal });
    ac.abort();
    await withTimeout(first, T, 'first');
    const r = await settle(second, T, 'second');
    // Inline engines may already have run it: either way no hang, and a rejection is a CancelledError.
    if (!r.ok) { expect(r.error).toBeInstanceOf(CancelledError); expect(out.every((v) => v === -1)).toBe(true); }
    else expect(ei).toBe(0);
  });
});

describe('cancellation mid-way', () => {
  // A slow JS function over many chunks: aborting from a timer must stop the job
  // between chunks. This needs the event loop to run while the op is in flight.
  it('aborting a big slow JS-function map rejects with CancelledError; the engine works afterwards', async () => {
    const e = engines[1]!;
    const x = e.alloc('f64', 100_000);
    const out = e.alloc('f64', x.length);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('test abort')), 20);
    const slow = (v: number) => { let s = 0; for (let i = 0; i < 2000; i++) s += Math.sqrt(v + i); return s; };
    const r = await settle(e.map(slow, x, { out, signal: ac.signal }), T, 'slow map');
    expect(r.ok, 'the op should have been cancelled mid-way').toBe(false);
    if (!r.ok) expect(r.error).toBeInstanceOf(CancelledError);
    const y = e.from([1, 4, 9]);
    expect([...await withTimeout(e.map('sqrt', y), T, 'after cancel')]).toEqual([1, 2, 3]);
  });
});

describe('worker crash', () => {
  for (const threads of [2, 3]) {
    it(`a worker that exits mid-job (threads ${threads}) rejects with a crash error; the pool heals`, async () => {
      const e = await withTimeout(Engine.create({ threads, inlineThreshold: 0 }), T, 'create');
      try {
        // The calling thread runs chunks too; process.exit there would kill the test
        // runner, so the function only exits on worker threads (no marker global there).
        (globalThis as any).__wasmparTestMain = true;
        const x = e.from(Float64Array.from({ length: 400_000 }, (_, i) => i % 10));
        const crash = (v: number) => {
          if (v === 7 && !(globalThis as any).__wasmparTestMain) process.exit(1);
          let s = v; for (let i = 0; i < 20; i++) s = Math.sqrt(s + i); return v;
        };
        // On a loaded machine the calling thread may run every chunk before a worker
        // wakes (no crash, r.ok): run the map again, a bounded number of times.
        let r = await settle(e.map(crash, x), T, 'crash');
        for (let attempt = 0; r.ok && attempt < 20; attempt++) r = await settle(e.map(crash, x), T, 'crash');
        expect(r.ok, 'a worker died while it held work').toBe(false);
        if (!r.ok) {
          expect(['ERR_WORKER_CRASH', 'ERR_KERNEL']).toContain(r.error.code);
          expect(r.error.code, 'ERR_WORKER_CRASH is the preferred code').toBe('ERR_WORKER_CRASH');
        }
        // Poll (up to 10 s) until the replacement worker has joined and results are right.
        const deadline = Date.now() + 10_000;
        let ok = false;
        while (!ok && Date.now() < deadline) {
          await sleep(50);
          const got = await settle(e.map((v) => v * 3, x), T, 'after crash');
          ok = got.ok && got.value[399_997] === 21 && got.value[5] === 15;
        }
        expect(ok, 'the engine computes correctly again').toBe(true);
        expect(e.stats().workersReplaced, 'stats() counts the replaced worker').toBeGreaterThanOrEqual(1);
        expect(e.stats().opsFailed).toBeGreaterThanOrEqual(1);
        for (let i = 0; i < 5; i++) {
          const s = await withTimeout(e.sum(x), T, 'sum after heal');
          expect(s).toBe(40_000 * 45);
          expect(e.sumSync(x)).toBe(s);
        }
      } finally {
        delete (globalThis as any).__wasmparTestMain;
        await withTimeout(e.dispose(), T, 'dispose after crash');
      }
    });
  }
});
