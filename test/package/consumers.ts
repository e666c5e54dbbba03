// The fresh projects the pack test installs the tarball into: what a user
// writes, nothing of the repo's configuration. The README's own Quick start and
// user-kernel examples are run (ESM) and type-checked (TypeScript) as printed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The first ```js block after the heading `heading` in the README. */
export function readmeBlock(heading: string): string {
  const at = README.indexOf(heading);
  if (at < 0) throw new Error(`README has no heading ${heading}`);
  const m = /```js\n([\s\S]*?)```/.exec(README.slice(at));
  if (!m) throw new Error(`README: no js block after ${heading}`);
  return m[1]!;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const TARBALL_DEP = (tarball: string) => ({ wasmpar: `file:${tarball}` });

export function esmConsumer(dir: string, tarball: string): void {
  write(dir, {
    'package.json': JSON.stringify({ name: 'esm-consumer', private: true, type: 'module', dependencies: TARBALL_DEP(tarball) }),
    'quick-start.js': readmeBlock('## Quick start'),
    'tasks.js': `import { Engine, parallel, delayed, Pool } from 'wasmpar';
const engine = await Engine.create({ threads: 2 });
const x = engine.from([1, 4, 9, 16]);
const roots = Array.from(await engine.map('sqrt', x));
await engine.dispose();
const squares = await parallel({ nJobs: 2 })([1, 2, 3].map((i) => delayed((v) => v * v)(i)));
const pool = new Pool({ workers: 2 });
try {
  console.log(JSON.stringify({ roots, squares, pooled: await pool.map((v) => v + 1, [1, 2, 3]) }));
} finally {
  await pool.terminate();
}
`,
  });
}

export function cjsConsumer(dir: string, tarball: string): void {
  write(dir, {
    'package.json': JSON.stringify({ name: 'cjs-consumer', private: true, dependencies: TARBALL_DEP(tarball) }),
    'index.js': `const { Engine, WasmparError } = require('wasmpar');
const { version } = require('wasmpar/package.json');
(async () => {
  const engine = await Engine.create({ threads: 2 });
  try {
    const x = engine.from([1, 2, 3, 4]);
    console.log(JSON.stringify({ version, sum: await engine.sum(x), errors: typeof WasmparError }));
  } finally {
    await engine.dispose();
  }
})();
`,
  });
}

export function tsConsumer(dir: string, tarball: string): void {
  // The README's user-kernel example, typed as a user would paste it (no casts).
  const kernels = readmeBlock('### Compiling AssemblyScript at run time');
  write(dir, {
    'package.json': JSON.stringify({ name: 'ts-consumer', private: true, type: 'module', dependencies: TARBALL_DEP(tarball) }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
        lib: ['es2022'], types: ['node'], rootDir: 'src', outDir: 'out', skipLibCheck: false,
      },
      include: ['src'],
    }),
    'src/quick-start.ts': readmeBlock('## Quick start'),
    'src/kernels.ts': `${kernels}
console.log(JSON.stringify({ y: Array.from(y), s }));
await engine.dispose();
`,
    'src/types.ts': `import { Engine, Executor, type Kernel, type Dtype } from 'wasmpar';
export async function typed(engine: Engine, kernel: Kernel): Promise<number> {
  const pages: number = engine.memory.buffer.byteLength / 65536;     // engine.memory is typed, not any
  const x: Float64Array = engine.alloc('f64', 8);
  const dtype: Dtype = 'u8';
  await engine.parallelFor(kernel, x.length, x, 2, { chunkSize: 4 });
  const ex = new Executor({ maxWorkers: 1 });
  for await (const r of ex.map((a: number, b: string) => b.repeat(a), [1, 2], ['x', 'y'])) console.log(r.length);
  await ex.shutdown();
  return pages + dtype.length;
}
`,
  });
}

export function viteConsumer(dir: string, tarball: string): void {
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  write(dir, {
    'package.json': JSON.stringify({ name: 'vite-consumer', private: true, type: 'module', dependencies: TARBALL_DEP(tarball) }),
    // The only configuration: the headers every page needs for SharedArrayBuffer.
    'vite.config.js': `export default { server: { headers: ${JSON.stringify(headers)} } };\n`,
    'index.html': `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>
<body><pre id="out">running</pre><script type="module" src="/main.js"></script></body></html>
`,
    'main.js': `import { Engine } from 'wasmpar';
const out = document.getElementById('out');
try {
  const engine = await Engine.create({ threads: 2 });
  const x = engine.from([1, 4, 9, 16]);
  const roots = Array.from(await engine.map('sqrt', x));
  const sum = await engine.sum(x);
  window.result = { ok: true, threads: engine.threads, roots, sum, isolated: crossOriginIsolated };
  await engine.dispose();
} catch (err) {
  window.result = { ok: false, error: String(err && err.stack || err) };
}
out.textContent = JSON.stringify(window.result);
`,
  });
}
