/**
 * `wasmpar info`: what this machine and runtime give wasmpar — the features it
 * needs (WebAssembly SIMD, shared memory + Atomics, Atomics.waitAsync), the
 * threads and memory an Engine gets by default, the versions — and whether an
 * engine actually starts and computes here. Exit code 1 if it does not.
 */
import { availableParallelism, cpus, platform, arch } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Engine } from '../kernels/engine.js';
import { parseFlags } from './usage.js';
import { packageVersion } from './version.js';

const USAGE = `Usage: wasmpar info [--json]

Prints the threads, WebAssembly feature support (SIMD, threads, Atomics.waitAsync),
memory limits and versions that wasmpar sees on this machine, then starts an engine
and checks one computation. Exit code 1 if the engine cannot start here.

  --json   one JSON object on stdout instead of the table
  --help   this text`;

const PAGE = 65536;
const MiB = 1024 * 1024;

// The smallest module using a v128 (wasm-feature-detect's SIMD probe).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

export interface Info {
  wasmpar: string;
  node: string;
  v8: string;
  platform: string;
  cpu: { model: string; logicalCores: number };
  support: { simd: boolean; threads: boolean; waitAsync: boolean };
  memory: { defaultInitialBytes: number; defaultMaximumBytes: number; largestSharedMemoryBytes: number };
  engine: { ok: boolean; threads?: number; startMs?: number; error?: string };
}

function sharedMemoryWorks(): boolean {
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return m.buffer instanceof SharedArrayBuffer && typeof Atomics.wait === 'function';
  } catch {
    return false;
  }
}

/** The largest shared memory maximum this process can reserve (V8 reserves it up front). */
function largestSharedMemory(): number {
  for (let pages = 65536; pages >= 1; pages >>>= 1) {
    try {
      new WebAssembly.Memory({ initial: 1, maximum: pages, shared: true });
      return pages * PAGE;
    } catch { /* try half */ }
  }
  return 0;
}

async function engineCheck(): Promise<Info['engine']> {
  const t0 = performance.now();
  let engine: Engine | undefined;
  try {
    engine = await Engine.create();
    const startMs = performance.now() - t0;
    const n = 1_000_003;
    const x = engine.alloc('f64', n);
    for (let i = 0; i < n; i++) x[i] = i % 7;
    let ref = 0;
    for (let i = 0; i < n; i++) ref += x[i]!;
    const got = await engine.sum(x);
    if (got !== ref) return { ok: false, threads: engine.threads, error: `sum check failed: ${got} != ${ref}` };
    return { ok: true, threads: engine.threads, startMs: Math.round(startMs) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await engine?.dispose();
  }
}

export async function collectInfo(): Promise<Info> {
  const cpuList = cpus();
  return {
    wasmpar: packageVersion(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${arch()}`,
    cpu: { model: cpuList[0]?.model.trim() ?? 'unknown', logicalCores: availableParallelism() },
    support: {
      simd: WebAssembly.validate(SIMD_PROBE),
      threads: sharedMemoryWorks(),
      waitAsync: typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function',
    },
    memory: { defaultInitialBytes: 64 * MiB, defaultMaximumBytes: 65536 * PAGE, largestSharedMemoryBytes: largestSharedMemory() },
    engine: await engineCheck(),
  };
}

const yesNo = (b: boolean) => (b ? 'yes' : 'NO');
const size = (bytes: number) => (bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${bytes / MiB} MiB`);

export function formatInfo(i: Info): string {
  const rows: Array<[string, string]> = [
    ['wasmpar', i.wasmpar],
    ['node', `${i.node} (V8 ${i.v8})`],
    ['platform', `${i.platform}, ${i.cpu.model}, ${i.cpu.logicalCores} logical cores`],
    ['simd', yesNo(i.support.simd)],
    ['threads', `${yesNo(i.support.threads)} (shared WebAssembly.Memory + Atomics)`],
    ['waitAsync', `${yesNo(i.support.waitAsync)}${i.support.waitAsync ? '' : ' (the async ops need it)'}`],
    ['memory', `default ${size(i.memory.defaultInitialBytes)} initial, ${size(i.memory.defaultMaximumBytes)} maximum; `
      + `largest shared memory reservable here: ${size(i.memory.largestSharedMemoryBytes)}`],
    ['engine', i.engine.ok
      ? `ok: ${i.engine.threads} threads (caller included) started in ${i.engine.startMs} ms; a sum checked`
      : `FAILED: ${i.engine.error}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags('info', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) { console.log(USAGE); return 0; }
  const info = await collectInfo();
  console.log(values.json ? JSON.stringify(info, null, 2) : formatInfo(info));
  return info.engine.ok ? 0 : 1;
}
