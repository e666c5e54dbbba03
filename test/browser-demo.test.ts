// The browser demo (examples/browser/) in headless Chromium: it must render the
// Mandelbrot set with every thread, match the plain-JS reference computed in
// the page pixel for pixel (the kernel's operation order is the reference's),
// keep doing so after zooming, and show its live figures. A screenshot is saved
// under test/artifacts/ for people to look at.
import { it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { startDemo } from '../examples/browser/serve.mjs';
import { describeBrowser, launchChromium, withTimeout } from './helpers/chromium.js';

const T = 120_000;
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

interface Check {
  pixels: number; mismatchesAll: number; mismatchesOne: number; inSet: number; distinct: number;
  msAll: number; msOne: number; maxIter: number; threads: number;
}
type DemoWindow = { demo: { ready: Promise<void>; zoomAt(x: number, y: number, f: number): Promise<void>; check(): Check } };

describeBrowser('browser demo (examples/browser) in headless Chromium', () => {
  let server: Server | undefined;
  let browser: import('playwright-core').Browser | undefined;
  let page: import('playwright-core').Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    let url: string;
    ({ server, url } = await withTimeout(startDemo(), T, 'start the demo server'));
    browser = await withTimeout(launchChromium(), T, 'launch chromium');
    page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
    await withTimeout(page.goto(`${url}?size=400x300&iter=300`), T, 'page load');
    await page.waitForFunction(() => 'demo' in window, undefined, { timeout: 60_000 });
    await withTimeout(page.evaluate(() => (window as unknown as DemoWindow).demo.ready), T, 'first frame');
  }, 4 * T);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await new Promise<void>((resolve) => server ? server.close(() => resolve()) : resolve());
  });

  it('renders the whole set on every thread, identical to the in-page JS reference', async () => {
    expect(pageErrors).toEqual([]);
    const c = await page.evaluate(() => (window as unknown as DemoWindow).demo.check());
    expect(c.pixels).toBe(400 * 300);
    expect(c.threads).toBeGreaterThanOrEqual(1);
    expect(c.mismatchesAll).toBe(0);
    expect(c.mismatchesOne).toBe(0);
    // A real picture: part of it in the set, many distinct escape counts.
    expect(c.inSet).toBeGreaterThan(0.1 * c.pixels);
    expect(c.inSet).toBeLessThan(0.5 * c.pixels);
    expect(c.distinct).toBeGreaterThan(20);
  });

  it('shows the live figures', async () => {
    const text = (id: string) => page.textContent(`#${id}`);
    expect(await text('threads')).toMatch(/^\d+ \(navigator\.hardwareConcurrency \d+\)$/);
    expect(await text('msAll')).toMatch(/^\d+\.\d ms$/);
    expect(await text('msOne')).toMatch(/^\d+\.\d ms$/);
    expect(await text('speedup')).toMatch(/^\d+\.\d\d×$/);
  });

  it('zooms on a click and still matches the reference; saves a screenshot', async () => {
    const before = await page.evaluate(() => (window as unknown as DemoWindow).demo.check());
    // Zoom into the seahorse valley twice through real clicks on the canvas.
    const box = (await page.locator('#view').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.36);
    await page.waitForFunction(() => !document.getElementById('where')!.textContent!.includes('width 3.50e+0'));
    await withTimeout(page.evaluate(() => (window as unknown as DemoWindow).demo.zoomAt(180, 150, 0.25)), T, 'zoom');
    const after = await page.evaluate(() => (window as unknown as DemoWindow).demo.check());
    expect(after.mismatchesAll).toBe(0);
    expect(after.mismatchesOne).toBe(0);
    expect(after.distinct).toBeGreaterThan(20);
    expect(await page.textContent('#where')).toMatch(/width 4\.38e-1/);
    expect(after.inSet).not.toBe(before.inSet);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}browser-demo.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
