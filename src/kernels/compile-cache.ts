/**
 * Cache of compiled kernel modules: a Map for this process and a folder of
 * `<sha256>.wasm` files for the next one. A hit must not load the compiler
 * (importing `assemblyscript/asc` alone takes about a second), so everything
 * here uses only node built-ins. Both are bounded, least recently used first
 * out: a program that compiles generated sources must not grow without end.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const defaultCacheDir = (): string => join(tmpdir(), 'wasmpar-cache');

/** sha256 over everything that changes the output; `parts` must be JSON-serialisable. */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Modules kept in memory, and files kept on disk (a module is a few KiB to a few hundred). */
export const MEMORY_ENTRIES = 256;
export const DISK_ENTRIES = 1024;
/** A temp file this old was left by a writer that died between write and rename. */
const STALE_TMP_MS = 10 * 60_000;

// A Map iterates in insertion order: re-inserting on every hit keeps the least
// recently used entry first.
const memory = new Map<string, unknown>();

export function getMemory<T>(key: string): T | undefined {
  const entry = memory.get(key);
  if (entry !== undefined) { memory.delete(key); memory.set(key, entry); }
  return entry as T | undefined;
}

export function setMemory<T>(key: string, entry: T): void {
  memory.delete(key);
  memory.set(key, entry);
  while (memory.size > MEMORY_ENTRIES) memory.delete(memory.keys().next().value!);
}

export function clearMemoryCache(): void {
  memory.clear();
}

/**
 * Returns the cached bytes, or undefined when the file is missing or does not
 * validate (a torn or corrupted file is treated as a miss and rewritten later).
 */
export function readDisk(dir: string, key: string): Uint8Array | undefined {
  const file = join(dir, `${key}.wasm`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch {
    return undefined;
  }
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) return undefined;
  // The modification time records the last use: pruning removes the oldest.
  const now = new Date();
  try { utimesSync(file, now, now); } catch { /* read-only cache: still a hit */ }
  return bytes;
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
  } catch {
    try { unlinkSync(tmp); } catch { /* never written */ }
    return false;
  }
  pruneDisk(dir, DISK_ENTRIES);
  return true;
}

/**
 * Keeps the `keep` most recently used modules in `dir` and deletes the rest, and
 * temp files older than a few minutes. Runs after each write (a write follows a
 * compile of a second or so, so a listing of the folder is cheap beside it).
 * Racing processes may both delete a file; a reader then just misses.
 */
export function pruneDisk(dir: string, keep: number): void {
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  const now = Date.now();
  const modules: Array<{ file: string; used: number }> = [];
  for (const name of names) {
    const file = join(dir, name);
    let used: number;
    try { used = statSync(file).mtimeMs; } catch { continue; }
    if (name.endsWith('.tmp')) {
      if (now - used > STALE_TMP_MS) try { unlinkSync(file); } catch { /* gone already */ }
    } else if (/^[0-9a-f]{64}\.wasm$/.test(name)) {
      modules.push({ file, used });
    }
  }
  if (modules.length <= keep) return;
  modules.sort((a, b) => b.used - a.used);
  for (const { file } of modules.slice(keep)) try { unlinkSync(file); } catch { /* gone already */ }
}
