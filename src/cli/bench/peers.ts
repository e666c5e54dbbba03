/**
 * The worker-pool peers (piscina, tinypool, workerpool), resolved from the
 * user's project first (they are not dependencies of wasmpar) and then from
 * wasmpar's own location. Each gets `threads` workers, started and warmed
 * before timing, and the same task file (peer-task.ts).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PeerTask } from './peer-task.js';
import { Skip } from './runner.js';

export type PeerName = 'piscina' | 'tinypool' | 'workerpool';

export interface PeerPool {
  readonly name: PeerName;
  readonly version: string;
  /** Calls `fn(...args)` exported by `module` in a worker. */
  call(module: string, fn: string, args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

/** The version in the package.json of `name` above its entry file (its "exports" may hide package.json). */
function versionAbove(entry: string, name: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? '?';
    } catch { /* keep going up */ }
  }
  return '?';
}

/** The path of `name`'s entry and its version, or Skip. */
export function resolvePeer(name: string): { path: string; version: string } {
  const froms = [join(process.cwd(), 'package.json'), import.meta.url];
  for (const from of froms) {
    try {
      const req = createRequire(from);
      const path = req.resolve(name);
      return { path, version: versionAbove(path, name) };
    } catch { /* next */ }
  }
  throw new Skip(`${name} is not installed (npm install -D ${name} in this project to compare)`);
}

const TASK_FILE = new URL('./peer-task.js', import.meta.url);
const WORKERPOOL_FILE = new URL('./peer-workerpool.js', import.meta.url);

type Ctor<T> = new (options: object) => T;

export async function createPeer(name: PeerName, threads: number): Promise<PeerPool> {
  const { path, version } = resolvePeer(name);
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown> & { default?: Record<string, unknown> };
  const pick = (key: string) => (mod[key] ?? mod.default?.[key] ?? mod.default) as unknown;
  const task = (module: string, fn: string, args: unknown[]): PeerTask => ({ module, fn, args });
  let pool: PeerPool;
  if (name === 'piscina' || name === 'tinypool') {
    const Pool = pick(name === 'piscina' ? 'Piscina' : 'Tinypool') as Ctor<{ run(t: PeerTask): Promise<unknown>; destroy(): Promise<void> }>;
    const p = new Pool({ filename: TASK_FILE.href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
    pool = { name, version, call: (m, f, a) => p.run(task(m, f, a)), close: () => p.destroy() };
  } else {
    const wp = pick('pool') as (script: string, options: object) => { exec(fn: string, args: unknown[]): Promise<unknown>; terminate(): Promise<void> };
    const p = wp(fileURLToPath(WORKERPOOL_FILE), {
      minWorkers: threads, maxWorkers: threads, workerType: 'thread', workerThreadOpts: { workerData: { workerpool: pathToFileURL(path).href } },
    });
    pool = { name, version, call: (m, f, a) => p.exec('run', [task(m, f, a)]), close: () => p.terminate() };
  }
  // Start every worker now: pools start threads lazily, and start-up is not what is measured.
  await Promise.all(Array.from({ length: threads * 2 }, () => pool.call(TASK_FILE.href, 'ping', [])));
  return pool;
}
