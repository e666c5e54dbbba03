/** Runs a Node script in a child process (for what must be seen from outside: exit codes, flags, a process that must end). */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface NodeRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The child is killed after `timeout` ms (the watchdog); the result then has `signal: 'SIGTERM'`. */
export function runNode(args: string[], options: { cwd?: string; timeout?: number; env?: Record<string, string> } = {}): Promise<NodeRun> {
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      args,
      { cwd: options.cwd ?? root, timeout: options.timeout ?? 30_000, encoding: 'utf8', env: { ...process.env, ...options.env } },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: string }) | null;
        resolveRun({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** Writes `source` to a fresh temporary .mjs file and returns its path. */
export function scriptFile(source: string, name = 'script.mjs'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wasmpar-')), name);
  writeFileSync(file, source);
  return file;
}

/** `import ... from` this URL to load the built package in a child script. */
export const distIndex = new URL('../../dist/index.js', import.meta.url).href;
