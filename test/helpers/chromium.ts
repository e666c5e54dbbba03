// Headless Debian Chromium through playwright-core, for the browser suites
// (never a downloaded browser). When the browser cannot run here the suite says
// why, on stderr and in its title; under CI=true a missing browser is a failure,
// not a skip, so CI cannot pass without the browser tests having run.
import { describe, it } from 'vitest';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

type Playwright = typeof import('playwright-core');

async function loadPlaywright(): Promise<Playwright | undefined> {
  try { return await import('playwright-core'); } catch { return undefined; }
}

export const playwright = await loadPlaywright();

/** Why the browser suites cannot run here ('' when they can). */
export const browserSkipReason = !existsSync(CHROMIUM) ? `${CHROMIUM} not found (apt-get install -y chromium)`
  : !playwright ? 'playwright-core is not installed (npm install -D playwright-core)' : '';

const inCI = /^(1|true)$/i.test(process.env.CI ?? '');

/**
 * `describe` for a suite that needs Chromium: runs it when it can; otherwise
 * prints the reason and skips, or fails under CI=true.
 */
export function describeBrowser(title: string, body: () => void): void {
  if (browserSkipReason === '') { describe(title, body); return; }
  if (inCI) {
    describe(title, () => {
      it('has a browser to run in (CI=true: a missing browser fails)', () => {
        throw new Error(`the browser suite cannot run: ${browserSkipReason}`);
      });
    });
    return;
  }
  process.stderr.write(`\n[${title}] SKIPPED: ${browserSkipReason}\n`);
  describe.skip(`${title} (skipped: ${browserSkipReason})`, body);
}

export function launchChromium(): Promise<import('playwright-core').Browser> {
  return playwright!.chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const dog = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`watchdog: ${label} did not settle within ${ms} ms`)), ms); });
  return Promise.race([p, dog]).finally(() => clearTimeout(timer));
}
