/**
 * Compiles the native C reference into bench/native/bin/ when a C compiler with
 * OpenMP is available. Returns the binary's path, or null (with the reason) so
 * that suites can skip the native comparison cleanly instead of failing.
 *
 *   node bench/native/build.mjs        # build (or report why not) and print the path
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FLAGS = ['-O3', '-march=native', '-ffast-math', '-fopenmp'];

/** @returns {{ path: string | null, reason?: string, command?: string }} */
export function buildNative(name = 'axpy_sum') {
  const src = join(here, `${name}.c`);
  const out = join(here, 'bin', name);
  const cc = process.env.CC || 'cc';
  // -lm after the source: the expression reference calls sin/cos.
  const command = [cc, ...FLAGS, src, '-o', out, '-lm'].join(' ');
  // Rebuild only when the source is newer: the suites call this on every run.
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return { path: out, command };
  const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { path: null, reason: `no C compiler (${cc}) on PATH`, command };
  mkdirSync(join(here, 'bin'), { recursive: true });
  const r = spawnSync(cc, [...FLAGS, src, '-o', out, '-lm'], { encoding: 'utf8' });
  if (r.status !== 0) return { path: null, reason: `${cc} failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`, command };
  return { path: out, command };
}

/** Runs the reference: `{ axpy_ms, sum_ms, ... }` medians over `reps`, with OMP_NUM_THREADS = threads. */
export function runNative(path, n, threads, reps) {
  const r = spawnSync(path, [String(n), String(threads), String(reps)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OMP_PROC_BIND: process.env.OMP_PROC_BIND ?? 'false' },
  });
  if (r.status !== 0) throw new Error(`native reference failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const b = buildNative();
  if (b.path) console.log(b.path);
  else { console.log(`skipped: ${b.reason}`); }
}
