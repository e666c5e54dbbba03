// The compile cache stays bounded: least recently used modules go first, in
// memory and on disk, and temp files left by a writer that died are removed.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MEMORY_ENTRIES, clearMemoryCache, getMemory, pruneDisk, readDisk, setMemory, writeDisk,
} from '../dist/kernels/compile-cache.js';

const dirs: string[] = [];
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'wasmpar-cache-test-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

// The smallest valid module: magic and version.
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
const key = (i: number) => i.toString(16).padStart(64, '0');
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('compile cache bounds', () => {
  it('pruneDisk keeps the most recently used modules, stale temp files go, other files stay', () => {
    const dir = tempDir();
    for (let i = 0; i < 6; i++) {
      const f = join(dir, `${key(i)}.wasm`);
      writeFileSync(f, EMPTY_MODULE);
      utimesSync(f, minutesAgo(60 - i), minutesAgo(60 - i)); // key(5) is the newest
    }
    writeFileSync(join(dir, 'old.wasm.1.x.tmp'), 'x');
    utimesSync(join(dir, 'old.wasm.1.x.tmp'), minutesAgo(30), minutesAgo(30));
    writeFileSync(join(dir, 'fresh.wasm.2.y.tmp'), 'y');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    // A read is a use: key(0), the oldest, becomes the newest.
    expect(readDisk(dir, key(0))).toEqual(EMPTY_MODULE);
    pruneDisk(dir, 3);
    expect(readdirSync(dir).sort()).toEqual([`${key(0)}.wasm`, `${key(4)}.wasm`, `${key(5)}.wasm`, 'fresh.wasm.2.y.tmp', 'notes.txt'].sort());
  });

  it('writeDisk prunes after writing; a folder under the bound is left alone', () => {
    const dir = tempDir();
    for (let i = 0; i < 5; i++) expect(writeDisk(dir, key(i), EMPTY_MODULE)).toBe(true);
    expect(readdirSync(dir)).toHaveLength(5);
    pruneDisk(dir, 5);
    expect(readdirSync(dir)).toHaveLength(5);
    pruneDisk(join(dir, 'missing'), 1); // no folder: nothing to do, no throw
  });

  it('the memory cache evicts the least recently used entry past its bound', () => {
    clearMemoryCache();
    for (let i = 0; i < MEMORY_ENTRIES; i++) setMemory(key(i), i);
    expect(getMemory(key(0))).toBe(0); // used: now the most recent
    setMemory(key(MEMORY_ENTRIES), MEMORY_ENTRIES);
    expect(getMemory(key(1))).toBeUndefined(); // the least recently used went
    expect(getMemory(key(0))).toBe(0);
    expect(getMemory(key(MEMORY_ENTRIES))).toBe(MEMORY_ENTRIES);
    clearMemoryCache();
  });
});
