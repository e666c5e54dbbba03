/** The built-in kernels (build/kernels.wasm), compiled once per process and shared by every engine. */
import { readFile } from 'node:fs/promises';
import { EnvironmentError } from '../errors.js';
import type { WasmModule } from '../memory/wasm-types.js';

let compiled: Promise<WasmModule> | undefined;

export function builtinModule(): Promise<WasmModule> {
  compiled ??= (async () => {
    const url = new URL('../../build/kernels.wasm', import.meta.url);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(url);
    } catch (cause) {
      compiled = undefined;
      throw new EnvironmentError(`wasmpar: cannot read ${url.pathname}; run \`npm run build\` first`, { cause });
    }
    return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  })();
  return compiled;
}
