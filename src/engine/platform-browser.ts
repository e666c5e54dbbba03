/**
 * The browser host: navigator.hardwareConcurrency, build/kernels.wasm fetched
 * next to the package, module Workers (threads-browser.ts). Shared memory needs a
 * cross-origin isolated page (COOP: same-origin + COEP: require-corp), so that
 * is checked first, with a message that says which headers to send.
 */
import { EnvironmentError } from '../errors.js';
import { WorkerPool } from '../runtime/pool.js';
import { startBrowserThread } from '../runtime/threads-browser.js';
import type { Platform } from './platform.js';

let compiled: Promise<WebAssembly.Module> | undefined;

function requireIsolation(): void {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  if (typeof g.SharedArrayBuffer !== 'function' || g.crossOriginIsolated === false) {
    throw new EnvironmentError('wasmpar needs SharedArrayBuffer, which browsers give only to cross-origin isolated pages: serve the page with '
      + '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"');
  }
}

async function loadBuiltin(): Promise<WebAssembly.Module> {
  const url = new URL('../../build/kernels.wasm', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new EnvironmentError(`wasmpar: fetching ${url.href} failed with HTTP ${response.status}`);
  // compileStreaming insists on Content-Type application/wasm; a server that
  // says otherwise still gets a working engine, just without streaming.
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(response.clone());
    } catch { /* fall through */ }
  }
  return WebAssembly.compile(await response.arrayBuffer());
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
