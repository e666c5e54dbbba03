/**
 * Cache of compiled kernel modules: a Map for this process and a folder of
 * `<sha256>.wasm` files for the next one. A hit must not load the compiler
 * (importing `assemblyscript/asc` alone takes about a second), so everything
 * here uses only node built-ins.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const defaultCacheDir = (): string => join(tmpdir(), 'wasmpar-cache');

/** sha256 over everything that changes the output; `parts` must be JSON-serialisable. */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

const memory = new Map<string, unknown>();

export function getMemory<T>(key: string): T | undefined {
  return memory.get(key) as T | undefined;
}

export function setMemory<T>(key: string, entry: T): void {
  memory.set(key, entry);
}

export function clearMemoryCache(): void {
  memory.clear();
}

/**
 * Returns the cached bytes, or undefined when the file is missing or does not
 * validate (a torn or corrupted file is treated as a miss and rewritten later).
 */
export function readDisk(dir: string, key: string): Uint8Array | undefined {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(join(dir, `${key}.wasm`)));
  } catch {
    return undefined;
  }
  return WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>) ? bytes : undefined;
}

/**
 * Writes through a unique temp file and rename, so a concurrent reader (another
 * process compiling the same source) sees either no file or a whole one.
 * Failures are swallowed: the cache is an optimisation, never a reason to fail.
 */
export function writeDisk(dir: string, key: string, bytes: Uint8Array): boolean {
  const file = join(dir, `${key}.wasm`);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    return true;
  } catch {
    try { unlinkSync(tmp); } catch { /* never written */ }
    return false;
  }
}
