// The package as users get it: `npm pack`, then the tarball installed offline
// into fresh ESM, CommonJS, TypeScript (no DOM lib) and Vite projects, each run;
// `npx wasmpar info` and `npx wasmpar bench` from the install; the Vite app in Chromium on the dev
// server and from `vite build`. Every child process and page wait has a timeout.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../examples/browser/server.mjs';
import { describeBrowser, launchChromium, withTimeout } from '../helpers/chromium.js';
import { cjsConsumer, esmConsumer, tsConsumer, viteConsumer } from './consumers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const T = 180_000;

interface Run { code: number; stdout: string; stderr: string }
function run(cmd: string, args: string[], cwd: string, timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, maxBuffer: 64 << 20, env: { ...process.env, NODE_OPTIONS: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr: stderr + (err && typeof err.code !== 'number' ? String(err) : '') });
    });
  });
}
const node = (args: string[], cwd: string) => run(process.execPath, args, cwd);
const ok = (r: Run, what: string) => { expect(r.code, `${what} failed:\n${r.stdout}\n${r.stderr}`).toBe(0); return r; };

/** A dev tool the consumer would install itself, linked from this repo's node_modules (the test runs offline). */
function linkDevTool(dir: string, name: string): void {
  const target = join(dir, 'node_modules', name);
  mkdirSync(join(target, '..'), { recursive: true });
  if (!existsSync(target)) symlinkSync(join(ROOT, 'node_modules', name), target);
}

let tmp: string;
let tarball: string;
let files: string[];
const installLogs: Record<string, Run> = {};

async function install(kind: string, make: (dir: string, tarball: string) => void): Promise<string> {
  const dir = join(tmp, kind);
  mkdirSync(dir);
  make(dir, tarball);
  installLogs[kind] = ok(await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], dir), `npm install (${kind})`);
  return dir;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'wasmpar-pack-'));
  // `npm test` / `npm run test:package` built dist/ just before: pack without rebuilding.
  const packed = ok(await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT), 'npm pack');
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(tmp, info!.filename);
  files = info!.files.map((f) => f.path);
}, T);

afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('the packed tarball', () => {
  it('holds what users need and nothing of the build', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/browser.js', 'dist/cli/bin.js',
      'dist/esm-only.cjs', 'build/kernels.wasm', 'build/kernels-wasm.js']) expect(files).toContain(f);
    expect(files.filter((f) => /\.(wat|map)$/.test(f) || /^(src|test|bench|examples|scripts)\//.test(f))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it("every subpath's types resolve also under TypeScript's legacy moduleResolution 'node' (typesVersions; TS < 7)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string }>; typesVersions?: Record<string, Record<string, string[]>> };
    for (const [sub, target] of Object.entries(pkg.exports)) {
      if (sub === '.' || !target.types) continue;
      expect(pkg.typesVersions?.['*']?.[sub.slice(2)], `typesVersions for ${sub}`).toEqual([target.types]);
      expect(files).toContain(target.types.slice(2));
    }
  });

  it('installs offline into ESM, CommonJS, TypeScript and Vite projects without install-script warnings', async () => {
    await install('esm', esmConsumer);
    await install('cjs', cjsConsumer);
    await install('ts', tsConsumer);
    await install('vite', viteConsumer);
    for (const [kind, r] of Object.entries(installLogs)) {
      expect(`${r.stdout}${r.stderr}`, kind).not.toMatch(/install-scripts|prepare/);
    }
    // No source maps ship (tsc's output is readable as it is), and no file points at one.
    const dist = join(tmp, 'esm/node_modules/wasmpar/dist');
    const js = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => /\.c?js$/.test(f));
    expect(js.length).toBeGreaterThan(20);
    expect(js.filter((f) => readFileSync(join(dist, f), 'utf8').includes('sourceMappingURL'))).toEqual([]);
  }, T);

  it('ESM: the README Quick start runs on this Node, and the task APIs work', async () => {
    const dir = join(tmp, 'esm');
    const quick = ok(await node(['quick-start.js'], dir), 'README quick start');
    const [sum, std] = quick.stdout.trim().split(' ').map(Number);
    expect(Number.isFinite(sum) && Number.isFinite(std)).toBe(true);
    const tasks = ok(await node(['tasks.js'], dir), 'tasks.js');
    expect(JSON.parse(tasks.stdout)).toEqual({ roots: [1, 2, 3, 4], squares: [1, 4, 9], pooled: [2, 3, 4] });
  }, T);

  it('CommonJS: require(\'wasmpar\') works on Node >= 20.19', async () => {
    const r = ok(await node(['index.js'], join(tmp, 'cjs')), 'require(wasmpar)');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(JSON.parse(r.stdout)).toEqual({ version: pkg.version, sum: 10, errors: 'function' });
  }, T);

  it('CommonJS where require(esm) is off: a clear ESM-only error', async () => {
    const r = await node(['--no-experimental-require-module', 'index.js'], join(tmp, 'cjs'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/wasmpar is an ES module package \(ESM-only\).*await import\('wasmpar'\)/);
  }, T);

  it('TypeScript: strict, nodenext, lib es2022, types node (no DOM): the README examples type-check and run', async () => {
    const dir = join(tmp, 'ts');
    linkDevTool(dir, 'typescript');
    linkDevTool(dir, '@types/node');
    linkDevTool(dir, 'assemblyscript'); // the optional peer engine.compile needs
    ok(await node([join(dir, 'node_modules/typescript/bin/tsc'), '-p', '.'], dir), 'tsc');
    const r = ok(await node(['out/kernels.js'], dir), 'README user kernels');
    expect(JSON.parse(r.stdout)).toEqual({ y: [3, 5, 7, 9], s: 30 });
  }, T);

  it('npx wasmpar info works from the installed tarball', async () => {
    const r = ok(await run('npm', ['exec', '--offline', '--', 'wasmpar', 'info', '--json'], join(tmp, 'esm')), 'npx wasmpar info');
    const info = JSON.parse(r.stdout) as { engine: { ok: boolean }; support: Record<string, boolean>; wasmpar: string };
    expect(info.engine.ok).toBe(true);
    expect(info.support).toEqual({ simd: true, threads: true, waitAsync: true });
  }, T);

  it('npx wasmpar bench --quick works from the installed tarball: the three report files name every contender', async () => {
    const dir = join(tmp, 'esm');
    // Two workloads, one round: the whole --quick run takes about a minute; this checks the installed command end to end.
    const r = ok(await run('npm', ['exec', '--offline', '--', 'wasmpar', 'bench', '--quick', '--filter', 'sum,tiny-tasks', '--rounds', '1', '--out', 'bench-out'], dir, 170_000), 'npx wasmpar bench');
    const report = JSON.parse(readFileSync(join(dir, 'bench-out/latest.json'), 'utf8')) as { contenders: Array<{ name: string; status: string; reason?: string }> };
    expect(report.contenders.map((c) => c.name)).toEqual(['wasmpar', 'wasm-1t', 'plain-js', 'piscina', 'tinypool', 'workerpool', 'native', 'native-1t', 'libm', 'numpy', 'numexpr', 'tfjs-wasm']);
    for (const c of report.contenders) if (c.status !== 'ran') expect(c.reason, c.name).toMatch(/\w/);
    expect(report.contenders.find((c) => c.name === 'wasmpar')?.status).toBe('ran');
    // The consumer installed no worker-pool peers: skipped, saying how to add them.
    expect(report.contenders.find((c) => c.name === 'piscina')?.reason).toMatch(/not installed.*npm install -D piscina/);
    expect(readFileSync(join(dir, 'bench-out/latest.md'), 'utf8')).toMatch(/^\| sum \|/m);
    expect(readFileSync(join(dir, 'bench-out/latest.svg'), 'utf8')).toMatch(/^<svg /);
    expect(r.stdout).toMatch(/^tiny-tasks\s/m);
  }, T);

  // `wasmpar bench --quick` takes about a minute: run by `npm run test:package` (WASMPAR_PACK_BENCH=1), not by `npm test`.
  const benchWanted = process.env.WASMPAR_PACK_BENCH === '1';
  it.runIf(benchWanted)('npx wasmpar bench --quick writes the three report files naming every contender', async (ctx) => {
    const dir = join(tmp, 'esm');
    const cli = readFileSync(join(dir, 'node_modules/wasmpar/dist/cli/main.js'), 'utf8');
    if (!/\bbench: \{/.test(cli)) {
      process.stderr.write('\n[pack test] SKIPPED bench: this build of the CLI has no bench command yet\n');
      ctx.skip();
    }
    const out = join(tmp, 'bench-out');
    ok(await run('npm', ['exec', '--offline', '--', 'wasmpar', 'bench', '--quick', '--out', out], dir, 600_000), 'npx wasmpar bench --quick');
    const json = readFileSync(join(out, 'latest.json'), 'utf8');
    for (const name of ['plain-js', 'wasm-1t', 'wasmpar', 'piscina', 'tinypool', 'workerpool', 'native', 'numpy', 'numexpr']) expect(json).toContain(`"${name}"`);
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toMatch(/wasmpar/);
    expect(readFileSync(join(out, 'latest.svg'), 'utf8')).toMatch(/^<svg|<\?xml/);
  }, 700_000);
  if (!benchWanted) process.stderr.write('\n[pack test] npx wasmpar bench --quick not run: it takes about a minute; `npm run test:package` runs it\n');

  describeBrowser('Vite app in Chromium', () => {
    async function loadInChromium(url: string): Promise<{ result: Record<string, unknown>; errors: string[] }> {
      const browser = await withTimeout(launchChromium(), T, 'launch chromium');
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await withTimeout(page.goto(url), 60_000, 'page load');
        // The dev server may reload the page once after optimizing dependencies.
        const result = await withTimeout((async () => {
          for (;;) {
            try {
              await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
              return await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
            } catch (err) {
              if (!/context was destroyed|navigation/i.test(String(err))) throw err;
            }
          }
        })(), 90_000, 'app result');
        return { result, errors };
      } finally {
        await browser.close().catch(() => {});
      }
    }
    const expected = { ok: true, threads: 2, roots: [1, 2, 3, 4], sum: 30, isolated: true };

    it('dev server (dependency pre-bundling on), no wasmpar-specific configuration', async () => {
      const dir = join(tmp, 'vite');
      const vite = await import('vite');
      const warnings: string[] = [];
      const logger = vite.createLogger('warn');
      const server = await vite.createServer({
        root: dir, logLevel: 'warn', server: { port: 0, host: '127.0.0.1' },
        customLogger: { ...logger, warn: (m: string) => { warnings.push(m); }, warnOnce: (m: string) => { warnings.push(m); } },
      });
      try {
        await server.listen();
        const { result, errors } = await loadInChromium(server.resolvedUrls!.local[0]!);
        expect(result, JSON.stringify(result)).toEqual(expected);
        expect(errors).toEqual([]);
        expect(warnings.filter((w) => /source ?map/i.test(w))).toEqual([]);
        expect(existsSync(join(dir, 'node_modules/.vite/deps/wasmpar.js'))).toBe(true); // it really was pre-bundled
      } finally {
        await server.close();
      }
    }, T);

    it('vite build, served with COOP/COEP', async () => {
      const dir = join(tmp, 'vite');
      const vite = await import('vite');
      await vite.build({ root: dir, logLevel: 'error' });
      const { server, url } = await startServer({ root: join(dir, 'dist') });
      try {
        const { result, errors } = await loadInChromium(`${url}/`);
        expect(result, JSON.stringify(result)).toEqual(expected);
        expect(errors).toEqual([]);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }, T);
  });
});
