// The browser build in real headless Chromium: the demo's static server
// (examples/browser/server.mjs: COOP/COEP for SharedArrayBuffer, MIME types)
// serves the repo root, the page at test/browser/ imports /dist/browser.js and
// runs the suite in main.js, and the results come back through page.evaluate.
// Without /usr/bin/chromium or playwright-core it is skipped with the reason
// printed, or fails under CI=true (helpers/chromium.ts). Every wait has a watchdog.
import { it, expect, beforeAll, afterAll } from 'vitest';
import type { Server } from 'node:http';
import { startServer } from '../examples/browser/server.mjs';
import { describeBrowser, launchChromium, withTimeout } from './helpers/chromium.js';

const T = 120_000;

// A user kernel module for engine.load in the page, compiled here by the Node
// build (the browser entry has no compiler).
const KERNELS = `
export function axpb(start: i32, end: i32, x: usize, y: usize, a: f64, b: f64): void {
  for (let i = start; i < end; i++) store<f64>(y + (<usize>i << 3), a * load<f64>(x + (<usize>i << 3)) + b);
}
export function sum_f64(start: i32, end: i32, x: usize): f64 {
  let s = 0.0;
  for (let i = start; i < end; i++) s += load<f64>(x + (<usize>i << 3));
  return s;
}
`;

interface Check { name: string; ok: boolean; detail: string }
interface Report {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  checks: Check[];
  sums: Array<{ threads: number; n: number; sum: number }>;
  worker?: { ok: boolean; threads?: number; sumSync?: number; ref?: number; sumAsync?: number; mapSyncOk?: boolean; error?: string };
  error: string | null;
}

describeBrowser('browser build in headless Chromium', () => {
  let server: Server | undefined;
  let browser: import('playwright-core').Browser | undefined;
  let report: Report;
  const pageErrors: string[] = [];
  let engineWorkers = 0;

  beforeAll(async () => {
    const { compileAssemblyScript } = await import('../dist/kernels/compile.js');
    const { bytes } = await withTimeout(compileAssemblyScript(KERNELS, { cacheDir: false }), T, 'compile fixture');
    let url: string;
    ({ server, url } = await startServer({ routes: { '/fixture/kernels.wasm': bytes } }));
    browser = await withTimeout(launchChromium(), T, 'launch chromium');
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    page.on('worker', (w) => { if (w.url().endsWith('/dist/runtime/worker-browser.js')) engineWorkers++; });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
    await withTimeout(page.goto(`${url}/test/browser/index.html`), T, 'page load');
    await page.waitForFunction(() => (window as unknown as { wasmparReady?: boolean }).wasmparReady === true, undefined, { timeout: 60_000 });
    report = await withTimeout(page.evaluate(() => (window as unknown as { wasmparSuite: () => Promise<Report> }).wasmparSuite()), T, 'suite');
  }, 4 * T);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await new Promise<void>((resolve) => server ? server.close(() => resolve()) : resolve());
  });

  it('the page is cross-origin isolated and the suite ran to the end', () => {
    expect(report.error, `${report.error}\npage errors: ${pageErrors.join('\n')}`).toBeNull();
    expect(report.crossOriginIsolated).toBe(true);
    expect(report.checks.length).toBeGreaterThan(50);
  });

  it('every op matches its JS reference on 2 and 3 threads (sizes 0, 1, 1021, 1e6)', () => {
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    expect(failed).toEqual([]);
  });

  it('sum is bit-identical across thread counts', () => {
    for (const n of [0, 1, 1021, 1_000_000]) {
      const sums = report.sums.filter((s) => s.n === n);
      expect(sums.map((s) => s.threads).sort()).toEqual([2, 3]);
      expect(Object.is(sums[0]!.sum, sums[1]!.sum), `n=${n}: ${sums.map((s) => s.sum).join(' vs ')}`).toBe(true);
    }
  });

  it('dead workers are replaced (an error event, a kernel calling self.close())', () => {
    // 1 + 2 + 2 workers for the engines with 2, 3 and 3 threads, plus at least
    // one replacement per kind of death (the crash checks above verify the results).
    expect(report.checks.filter((c) => c.name.startsWith('crash:')).length).toBe(4);
    expect(engineWorkers).toBeGreaterThanOrEqual(7);
  });

  it('the *Sync forms work inside a dedicated Worker (nested engine workers)', () => {
    const w = report.worker!;
    expect(w.error).toBeUndefined();
    expect(w.ok).toBe(true);
    expect(w.threads).toBe(2);
    expect(w.mapSyncOk).toBe(true);
    expect(Object.is(w.sumSync, w.sumAsync)).toBe(true);
    expect(Math.abs(w.sumSync! - w.ref!)).toBeLessThan(1e-6);
  });
});
