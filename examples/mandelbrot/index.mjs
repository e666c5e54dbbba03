// Renders the Mandelbrot set with a user kernel compiled at run time, on every
// thread of a wasmpar engine, and writes a PNG.
//
//   node examples/mandelbrot/index.mjs [--size 1600x1200] [--iter 1000] [--threads N]
//                                      [--chunk ROWS] [--out mandelbrot.png] [--direct]
//
// --direct skips the engine: it compiles the kernel and runs it on this thread
// only (useful to compare, and to check the kernel without workers).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderDirect, toPng, view } from './render.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const [width, height] = arg('size', '1600x1200').split('x').map(Number);
const maxIter = Number(arg('iter', '1000'));
const outFile = arg('out', 'mandelbrot.png');
const direct = process.argv.includes('--direct');
const source = readFileSync(fileURLToPath(new URL('./kernel.ts', import.meta.url)), 'utf8');
const v = view(width, height);

let counts, label;
if (direct) {
  const { compileAssemblyScript } = await import('../../dist/kernels/compile.js');
  const t0 = performance.now();
  const { bytes, cached } = await compileAssemblyScript(source);
  const t1 = performance.now();
  counts = await renderDirect(bytes, width, height, maxIter, v);
  const t2 = performance.now();
  label = `direct, 1 thread: compile ${(t1 - t0).toFixed(1)} ms (cached: ${cached}), render ${(t2 - t1).toFixed(1)} ms`;
} else {
  const { Engine } = await import('wasmpar');
  const threads = arg('threads') ? Number(arg('threads')) : undefined;
  const engine = await Engine.create({ threads });
  try {
    const t0 = performance.now();
    const mod = await engine.compile(source);
    const t1 = performance.now();
    const out = engine.alloc('u32', width * height);
    // Small chunks (a few rows) so the expensive rows through the set spread over all threads.
    const chunkSize = Number(arg('chunk', String(Math.max(1, Math.ceil(height / (engine.threads * 32))))));
    await engine.parallelFor(mod.mandelbrot, height, out, width, height, v.x0, v.y0, v.dx, v.dy, maxIter, { chunkSize });
    const t2 = performance.now();
    counts = out.slice();
    engine.free(out);
    label = `${engine.threads} thread(s), chunks of ${chunkSize} rows: compile ${(t1 - t0).toFixed(1)} ms, render ${(t2 - t1).toFixed(1)} ms`;
  } finally {
    await engine.dispose();
  }
}

writeFileSync(outFile, toPng(counts, width, height, maxIter));
console.log(`${outFile}: ${width}x${height}, maxIter ${maxIter}; ${label}`);
