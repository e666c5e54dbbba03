// `npm run demo:browser`: compiles the Mandelbrot kernel (examples/mandelbrot/kernel.ts,
// cached after the first time) and serves the demo page with COOP/COEP.
//
//   node examples/browser/serve.mjs [--port 8080]
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

/** The demo's server: the repo root, plus /examples/browser/mandelbrot.wasm compiled from the example kernel. */
export async function startDemo({ port = 0 } = {}) {
  const { compileAssemblyScript } = await import('../../dist/kernels/compile.js');
  const source = await readFile(fileURLToPath(new URL('../mandelbrot/kernel.ts', import.meta.url)), 'utf8');
  const { bytes } = await compileAssemblyScript(source);
  const { server, url } = await startServer({ port, routes: { '/examples/browser/mandelbrot.wasm': bytes } });
  return { server, url: `${url}/examples/browser/` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const { url } = await startDemo({ port: i > 0 ? Number(process.argv[i + 1]) : 8080 });
  console.log(`wasmpar browser demo: ${url}  (Ctrl-C to stop)`);
}
