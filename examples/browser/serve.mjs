// `npm run demo:browser`: serves the demo page with COOP/COEP, and the Mandelbrot
// kernel (examples/mandelbrot/kernel.ts) as /examples/browser/mandelbrot.wasm.
//
//   node examples/browser/serve.mjs [--port 8080]
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

/** The kernel: build/mandelbrot.wasm if the build made it, else compiled here from the example's source. */
async function kernelBytes() {
  try {
    return await readFile(fileURLToPath(new URL('../../build/mandelbrot.wasm', import.meta.url)));
  } catch {
    const { compileAssemblyScript } = await import('../../dist/kernels/compile.js');
    const source = await readFile(fileURLToPath(new URL('../mandelbrot/kernel.ts', import.meta.url)), 'utf8');
    return (await compileAssemblyScript(source)).bytes;
  }
}

/** The demo's server: the repo root, plus /examples/browser/mandelbrot.wasm, the example's kernel. */
export async function startDemo({ port = 0 } = {}) {
  const bytes = await kernelBytes();
  const { server, url } = await startServer({ port, routes: { '/examples/browser/mandelbrot.wasm': bytes } });
  return { server, url: `${url}/examples/browser/` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const { url } = await startDemo({ port: i > 0 ? Number(process.argv[i + 1]) : 8080 });
  console.log(`wasmpar browser demo: ${url}  (Ctrl-C to stop)`);
}
