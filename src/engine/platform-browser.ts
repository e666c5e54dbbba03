/**
 * The browser host: navigator.hardwareConcurrency, the built-in kernels embedded
 * in the bundle, module Workers (threads-browser.ts). Shared memory needs a
 * cross-origin isolated page (COOP: same-origin + COEP: require-corp), so that
 * is checked first, with a message that says which headers to send.
 */
import kernelsWasmBase64 from '../../build/kernels-wasm.js';
import { EnvironmentError } from '../errors.js';
import { WorkerPool } from '../runtime/pool.js';
import { startBrowserThread } from '../runtime/threads-browser.js';
import type { Platform } from './platform.js';
import type { WasmModule } from '../memory/wasm-types.js';

let compiled: Promise<WasmModule> | undefined;

function requireIsolation(): void {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  if (typeof g.SharedArrayBuffer !== 'function' || g.crossOriginIsolated === false) {
    throw new EnvironmentError('wasmpar needs SharedArrayBuffer, which browsers give only to cross-origin isolated pages: serve the page with '
      + '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"');
  }
}

/**
 * The built-in kernels come embedded (base64, build/kernels-wasm.js) rather than
 * fetched from `new URL('../../build/kernels.wasm', import.meta.url)`: a
 * bundler or a dev server that re-bundles the package moves this file away
 * from build/, and the URL then resolves to the app's HTML fallback page.
 */
function loadBuiltin(): Promise<WasmModule> {
  const text = atob(kernelsWasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return WebAssembly.compile(bytes);
}

export const browserPlatform: Platform = {
  defaultThreads: () => Math.max(1, (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 1),
  builtinModule: () => {
    requireIsolation();
    compiled ??= loadBuiltin();
    compiled.catch(() => { compiled = undefined; });
    return compiled;
  },
  startPool: (options, modules) => WorkerPool.start(startBrowserThread, options, modules),
};
