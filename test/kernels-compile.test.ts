import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { compileAssemblyScript, inspectKernelModule, checkKernelRules, inspectAndCheck } from '../dist/kernels/compile.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const compileJs = pathToFileURL(join(root, 'dist/kernels/compile.js')).href;
let cacheDir: string;

beforeAll(() => { cacheDir = mkdtempSync(join(tmpdir(), 'wasmpar-test-cache-')); });
afterAll(() => { rmSync(cacheDir, { recursive: true, force: true }); });

const AXPY1 = `
export function axpy1(start: i32, end: i32, x: usize, y: usize, a: f64): void {
  for (let i = start; i < end; i++) {
    store<f64>(y + (<usize>i << 3), a * load<f64>(x + (<usize>i << 3)) + 1.0);
  }
}
export function sumsq(start: i32, end: i32, x: usize): f64 {
  let s = 0.0;
  for (let i = start; i < end; i++) { const v = load<f64>(x + (<usize>i << 3)); s += v * v; }
  return s;
}
`;

function instantiate(bytes: Uint8Array, pages = 4) {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('abort'); } } });
  return { memory, exports: instance.exports as Record<string, (...args: number[]) => number> };
}

describe('compileAssemblyScript', () => {
  it('compiles a kernel that runs against a shared memory, from several instances', async () => {
    const { bytes, info, cached } = await compileAssemblyScript(AXPY1, { cacheDir: false });
    expect(cached).toBe(false);
    expect(info.exports.map((e) => e.name).sort()).toEqual(['axpy1', 'sumsq']);
    expect(info.exports.find((e) => e.name === 'sumsq')).toEqual({ name: 'sumsq', params: ['i32', 'i32', 'i32'], results: ['f64'] });
    expect(info.memoryImport).toMatchObject({ module: 'env', name: 'memory', shared: true, maximum: 65536 });

    const { memory, exports } = instantiate(bytes);
    // A second instance over the same memory, like a second worker: must not disturb the data.
    const other = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: { memory } }).exports as typeof exports;
    for (const n of [0, 1, 7, 1000, 4099]) {
      const X = 65536, Y = X + 8 * 8192;
      const x = new Float64Array(memory.buffer, X, n);
      const y = new Float64Array(memory.buffer, Y, n);
      for (let i = 0; i < n; i++) x[i] = i * 0.5 - 3;
      const half = n >> 1;
      exports.axpy1(0, half, X, Y, 2.5);
      other.axpy1(half, n, X, Y, 2.5);
      for (let i = 0; i < n; i++) expect(y[i]).toBe(2.5 * x[i] + 1);
      let ref = 0;
      for (let i = 0; i < n; i++) ref += x[i] * x[i];
      expect(exports.sumsq(0, n, X)).toBe(ref);
    }
  });

  it('turns compiler diagnostics into a CompileError with line and column', async () => {
    const source = 'export function f(start: i32, end: i32): i32 {\n  let x = 1;\n  return y;\n}\n';
    const err = await compileAssemblyScript(source, { cacheDir: false }).catch((e) => e);
    expect(err.name).toBe('CompileError');
    expect(err.code).toBe('ERR_COMPILE');
    expect(err.message).toContain("ERROR TS2304: Cannot find name 'y'. in kernel.ts(3,10)");
    expect(err.message).toContain('return y;'); // asc's code frame follows
  });

  it('does not read an asconfig.json from the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmpar-asconfig-'));
    const cwd = process.cwd();
    try {
      // A config that would drop the shared memory import if asc picked it up.
      writeFileSync(join(dir, 'asconfig.json'), JSON.stringify({ options: { sharedMemory: false, importMemory: false, runtime: 'incremental' } }));
      process.chdir(dir);
      const { info } = await compileAssemblyScript(AXPY1 + '\n// asconfig probe', { cacheDir: false });
      expect(info.memoryImport?.shared).toBe(true);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a string (data segment)', 'const s = "hello";\nexport function f(start: i32, end: i32): i32 { return s.length + start; }', /data segment/],
    ['a static array (data segment)', 'const t: StaticArray<f64> = [1.5, 2.5];\nexport function f(start: i32, end: i32): f64 { return t[start & 1]; }', /data segment/],
    ['Math.sin (lookup table)', 'export function f(start: i32, end: i32, x: f64): f64 { return Math.sin(x); }', /data segment/],
    ['a top-level statement (start function)', 'let g: f64 = Math.sqrt(<f64>load<i32>(0));\nexport function f(start: i32, end: i32): f64 { return g; }', /start function/],
    ['a mutable global', 'let n = 0;\nexport function f(start: i32, end: i32): i32 { n += end - start; return n; }', /mutable global/],
    ['an i64 parameter', 'export function f(start: i32, end: i32, k: i64): void { store<i64>(1024, k); }', /parameter 3 is i64/],
    ['Math.random (host import)', 'export function f(start: i32, end: i32): f64 { return Math.random(); }', /imports env\.seed/],
    ['no kernel export', 'export function twice(x: f64): f64 { return 2 * x; }', /exports no kernel/],
  ])('refuses AssemblyScript with %s', async (_label, source, rule) => {
    const err = await compileAssemblyScript(source, { cacheDir: false }).catch((e) => e);
    expect(err.code).toBe('ERR_KERNEL_RULE');
    expect(err.message).toMatch(rule);
  });
});

describe('compile cache', () => {
  const source = AXPY1 + `\n// cache test ${process.pid} ${Date.now()}`;
  const script = (dir: string) => `
    import { compileAssemblyScript } from ${JSON.stringify(compileJs)};
    const t = performance.now();
    const r = await compileAssemblyScript(${JSON.stringify(source)}, { cacheDir: ${JSON.stringify(dir)} });
    console.log(JSON.stringify({ cached: r.cached, ms: performance.now() - t, kernels: r.info.exports.length }));
  `;
  const runChild = (dir: string) => {
    const file = join(dir, '..', `child-${process.pid}.mjs`);
    writeFileSync(file, script(dir));
    try {
      return JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 }).trim());
    } finally {
      rmSync(file, { force: true });
    }
  };

  it('hits in memory, then on disk in a new process; a corrupt file is recompiled and rewritten', async () => {
    const dir = join(cacheDir, 'c1');
    const first = await compileAssemblyScript(source, { cacheDir: dir });
    expect(first.cached).toBe(false);
    const again = await compileAssemblyScript(source, { cacheDir: dir });
    expect(again.cached).toBe('memory');
    expect(again.bytes).toEqual(first.bytes);

    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.wasm$/);

    const child = runChild(dir);
    expect(child).toMatchObject({ cached: 'disk', kernels: 2 });
    console.log(`cached compile in a new process: ${child.ms.toFixed(2)} ms`);

    const file = join(dir, files[0]);
    writeFileSync(file, first.bytes.subarray(0, 40)); // a torn write
    expect(runChild(dir)).toMatchObject({ cached: false, kernels: 2 });
    expect(new Uint8Array(readFileSync(file))).toEqual(first.bytes);
    expect(readdirSync(dir)).toHaveLength(1); // no temp files left behind
  });

  it('options are part of the key; cacheDir: false writes nothing', async () => {
    const dir = join(cacheDir, 'c2');
    const src = AXPY1 + `\n// options ${Date.now()}`;
    const o3 = await compileAssemblyScript(src, { cacheDir: dir });
    const o0 = await compileAssemblyScript(src, { cacheDir: dir, optimize: false });
    expect(o0.cached).toBe(false);
    expect(o0.bytes).not.toEqual(o3.bytes);
    expect(readdirSync(dir)).toHaveLength(2);
    const none = join(cacheDir, 'c3');
    await compileAssemblyScript(src + '\n// no disk', { cacheDir: false });
    expect(existsSync(none)).toBe(false);
  });
});

// ---- hand-assembled modules: the rules without the compiler ----------------

const leb = (n: number): number[] => {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
};
const str = (s: string) => [...leb(s.length), ...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const I32 = 0x7f, I64 = 0x7e, F64 = 0x7c;

interface Spec {
  memory?: 'import' | 'own' | 'unshared' | 'small' | 'none';
  params?: number[];
  extraImport?: boolean;
  start?: boolean;
  data?: boolean;
  mutableExport?: boolean;
  exportNames?: string[];
}

/** A module with one kernel `k(start, end, ...params)` (empty body) and the features asked for. */
function assemble(spec: Spec = {}): Uint8Array {
  const params = spec.params ?? [I32, I32];
  const memory = spec.memory ?? 'import';
  const types = [[0x60, ...vec(params.map((p) => [p])), 0], [0x60, 0, 0]];
  const imports: number[][] = [];
  if (memory === 'import') imports.push([...str('env'), ...str('memory'), 2, 3, 1, ...leb(65536)]);
  if (memory === 'unshared') imports.push([...str('env'), ...str('memory'), 2, 1, 1, ...leb(65536)]);
  if (memory === 'small') imports.push([...str('env'), ...str('memory'), 2, 3, 1, ...leb(256)]);
  if (spec.extraImport) imports.push([...str('env'), ...str('log'), 0, 1]);
  const nImportedFuncs = spec.extraImport ? 1 : 0;
  const bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, vec(types))];
  if (imports.length) bytes.push(...section(2, vec(imports)));
  bytes.push(...section(3, vec([[0], [1]])));
  if (memory === 'own') bytes.push(...section(5, vec([[0, 1]])));
  if (spec.mutableExport) bytes.push(...section(6, vec([[I32, 1, 0x41, 0, 0x0b]])));
  const exports = [[...str('k'), 0, nImportedFuncs]];
  for (const name of spec.exportNames ?? []) exports.push([...str(name), 0, nImportedFuncs + 1]);
  if (spec.mutableExport) exports.push([...str('counter'), 3, 0]);
  bytes.push(...section(7, vec(exports)));
  if (spec.start) bytes.push(...section(8, leb(nImportedFuncs + 1)));
  bytes.push(...section(10, vec([[2, 0, 0x0b], [2, 0, 0x0b]])));
  if (spec.data) bytes.push(...section(11, vec([[0, 0x41, ...leb(1024), 0x0b, ...str('xyz')]])));
  const out = new Uint8Array(bytes);
  expect(WebAssembly.validate(out)).toBe(true);
  return out;
}

describe('kernel rules on hand-assembled modules', () => {
  const rule = (spec: Spec) => {
    try { checkKernelRules(inspectKernelModule(assemble(spec))); } catch (e) { return e as Error & { code: string }; }
    return null;
  };

  it('accepts a minimal kernel module and reads its signature', () => {
    const info = inspectAndCheck(assemble({ params: [I32, I32, I32, F64], exportNames: ['helper_no_args'] }));
    expect(info.exports).toEqual([{ name: 'k', params: ['i32', 'i32', 'i32', 'f64'], results: [] }]);
    expect(info.otherExports).toMatchObject([{ name: 'helper_no_args', kind: 'function' }]);
    expect(info).toMatchObject({ dataSegments: 0, hasStart: false, definesMemory: false, otherImports: [] });
  });

  it.each<[string, Spec, RegExp]>([
    ['a data segment', { data: true }, /1 data segment/],
    ['a start function', { start: true }, /start function/],
    ['its own memory', { memory: 'own' }, /defines its own memory/],
    ['a non-shared memory import', { memory: 'unshared' }, /not shared/],
    ['a memory import with a small maximum', { memory: 'small' }, /at most 256 pages/],
    ['another import', { extraImport: true }, /imports env\.log/],
    ['an exported mutable global', { mutableExport: true }, /exports mutable global\(s\) counter/],
    ['an allocator export', { exportNames: ['__new'] }, /exports __new/],
    ['an i64 argument', { params: [I32, I32, I64] }, /parameter 3 is i64/],
  ])('refuses %s, naming the rule', (_label, spec, message) => {
    const err = rule(spec);
    expect(err?.code).toBe('ERR_KERNEL_RULE');
    expect(err?.message).toMatch(message);
  });

  it('names every broken rule at once', () => {
    const err = rule({ data: true, start: true });
    expect(err?.message).toMatch(/data segment[\s\S]*start function/);
  });

  it('rejects bytes that are not wasm', () => {
    expect(() => inspectKernelModule(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/Not a WebAssembly module/);
    const truncated = assemble().subarray(0, 30);
    expect(() => inspectAndCheck(truncated)).toThrow(expect.objectContaining({ code: 'ERR_KERNEL_RULE' }));
  });

  it.skipIf(!existsSync(join(root, 'build/kernels.wasm')))('passes the built-in kernels module', () => {
    const info = inspectAndCheck(new Uint8Array(readFileSync(join(root, 'build/kernels.wasm'))));
    expect(info.exports.length).toBeGreaterThan(0);
  });
});

describe('examples/mandelbrot kernel', () => {
  it('matches the JS reference on several sizes (SIMD pairs and the odd tail)', async () => {
    const render = await import(pathToFileURL(join(root, 'examples/mandelbrot/render.mjs')).href);
    const source = readFileSync(join(root, 'examples/mandelbrot/kernel.ts'), 'utf8');
    const { bytes, info } = await compileAssemblyScript(source, { cacheDir });
    expect(info.exports.map((e) => e.name)).toEqual(['mandelbrot']);
    for (const [w, h, iter] of [[1, 3, 50], [64, 48, 200], [129, 37, 500]]) {
      const got = await render.renderDirect(bytes, w, h, iter);
      expect(got).toEqual(render.renderJs(w, h, iter));
    }
    const png: Buffer = render.toPng(new Uint32Array(6), 3, 2, 10);
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });
});
