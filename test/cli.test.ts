// The `wasmpar` command as a user runs it: the built bin file in a child process.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const PKG = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };

function wasmpar(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('wasmpar CLI', () => {
  it('package.json bin points at the shebang file', () => {
    expect(PKG.bin.wasmpar).toBe('./dist/cli/bin.js');
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('info --json reports this runtime and a working engine', async () => {
    const r = await wasmpar('info', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.wasmpar).toBe(PKG.version);
    expect(info.node).toBe(process.version);
    expect(info.v8).toBe(process.versions.v8);
    expect(info.support).toEqual({ simd: true, threads: true, waitAsync: true });
    expect(info.memory.defaultMaximumBytes).toBe(65536 * 65536);
    expect(info.engine.ok).toBe(true);
    expect(info.engine.threads).toBeGreaterThanOrEqual(1);
  });

  it('info prints a table', async () => {
    const r = await wasmpar('info');
    expect(r.code).toBe(0);
    for (const key of ['wasmpar', 'node', 'simd', 'threads', 'waitAsync', 'memory', 'engine']) expect(r.stdout).toMatch(new RegExp(`^${key}\\s`, 'm'));
  });

  it('--help lists the commands and exits 0; no command exits 2', async () => {
    const help = await wasmpar('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^\s+info\s/m);
    const none = await wasmpar();
    expect(none.code).toBe(2);
  });

  it('an unknown command or flag is a clear error with exit code 2', async () => {
    const cmd = await wasmpar('frobnicate');
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/unknown command "frobnicate"; the commands are: .*info/);
    const flag = await wasmpar('info', '--bogus');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/wasmpar info: Unknown option '--bogus' \(known flags: --json, --help\)/);
    const top = await wasmpar('--bogus');
    expect(top.code).toBe(2);
    expect(top.stderr).toMatch(/unknown flag --bogus/);
  });

  it('info --help prints the usage', async () => {
    const r = await wasmpar('info', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: wasmpar info/);
  });
});
