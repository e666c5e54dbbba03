/**
 * The `native` contender: compiles the C server (native-source.ts) into the
 * wasmpar cache folder when a C compiler with OpenMP exists, once per source,
 * flags and compiler version, then runs it for the whole bench.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../errors.js';
import { defaultCacheDir } from '../../kernels/compile-cache.js';
import { NATIVE_FLAGS, NATIVE_SOURCE } from './native-source.js';
import { probe, RemoteServer } from './remote.js';
import { Skip, type Runner } from './runner.js';

export interface NativeBuild {
  binary: string;
  command: string;
  compiler: string;
}

/** Compiles (or finds in the cache) the C server; throws Skip with the reason when it cannot. */
export function buildNative(cacheDir = join(defaultCacheDir(), 'bench')): NativeBuild {
  const cc = process.env.CC || 'cc';
  const probeCc = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (probeCc.error || probeCc.status !== 0) throw new Skip(`no C compiler (${cc}) on PATH; set CC to use one`);
  const compiler = probeCc.stdout.split('\n')[0]!.trim();
  // WASMPAR_NATIVE_FLAGS replaces the flags, e.g. '-O3 -march=native -mno-avx512f -ffast-math -fopenmp' to compare with AVX2 libmvec.
  const flags = process.env.WASMPAR_NATIVE_FLAGS?.trim() ? process.env.WASMPAR_NATIVE_FLAGS.trim().split(/\s+/) : NATIVE_FLAGS;
  const key = createHash('sha256').update(JSON.stringify([NATIVE_SOURCE, flags, compiler])).digest('hex').slice(0, 16);
  mkdirSync(cacheDir, { recursive: true });
  const binary = join(cacheDir, `native-${key}`);
  const src = `${binary}.c`;
  const command = [cc, ...flags, src, '-o', binary, '-lm'].join(' ');
  if (existsSync(binary)) return { binary, command, compiler };
  writeFileSync(src, NATIVE_SOURCE);
  const tmp = `${binary}.${process.pid}.tmp`;
  const r = spawnSync(cc, [...flags, src, '-o', tmp, '-lm'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Skip(`${cc} ${flags.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  renameSync(tmp, binary); // atomic: a concurrent bench never runs a half-written binary
  return { binary, command, compiler };
}

export class NativeServer {
  readonly build: NativeBuild;
  #server: RemoteServer;

  constructor(build: NativeBuild, threads: number) {
    this.build = build;
    this.#server = new RemoteServer(build.binary, [], {
      ...process.env, OMP_NUM_THREADS: String(threads), OMP_PROC_BIND: process.env.OMP_PROC_BIND ?? 'false', OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'passive',
    });
  }

  /** A Runner for one workload; `args` are the extra numbers the C side reads (Mandelbrot's view). */
  runner(workload: string, n: number, threads: number, args: number[] = []): Promise<Runner> {
    return probe({
      time: async (budgetMs) => {
        const reply = await this.#server.request([workload, n, threads, budgetMs, ...args].join(' '));
        const [kind, ...rest] = reply.split(' ');
        if (kind === 'ms') return rest.map(Number);
        if (kind === 'skip') throw new Skip(rest.join(' '));
        throw new EnvironmentError(`native: ${rest.join(' ') || reply}`);
      },
    });
  }

  close(): void {
    this.#server.close();
  }
}
