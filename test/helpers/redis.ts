/**
 * A real Redis for the scale-out tests: Debian's redis-server on a free
 * loopback port, no persistence, stopped (and waited for) by stop(). Also
 * starts `wasmpar worker` processes and makes sure none outlives the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** Why the suite cannot run here, or undefined. Under CI a missing server is a failure, not a skip. */
export function redisMissing(): string | undefined {
  if (existsSync(REDIS_SERVER)) return undefined;
  const why = `${REDIS_SERVER} not found (apt-get install redis-server)`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
  return why;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when `child` prints a line matching `re`; rejects if it exits first or `ms` pass. */
function waitForOutput(child: ChildProcess, re: RegExp, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (re.test(seen)) done();
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited (code ${code}) before it was ready:\n${seen}`));
    const timer = setTimeout(() => done(new Error(`watchdog: ${what} not ready within ${ms} ms:\n${seen}`)), ms);
    function done(err?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Ends a child: `signal` first, SIGKILL after `graceMs`; resolves once it has exited. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}

export interface RedisServer {
  port: number;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForOutput(child, /Ready to accept connections/, 10_000, 'redis-server');
  return { port, url: `redis://127.0.0.1:${port}`, process: child, stop: () => stopProcess(child) };
}

const cli = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

export interface WorkerProcess {
  process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `wasmpar worker` (the built CLI) and resolves once it says it is ready. */
export async function startWorker(args: string[], options: { cwd?: string } = {}): Promise<WorkerProcess> {
  let out = '';
  const child = spawn(process.execPath, [cli, 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await waitForOutput(child, /wasmpar worker: ready/, 20_000, 'wasmpar worker');
  return { process: child, output: () => out, stop: (signal) => stopProcess(child, signal) };
}
