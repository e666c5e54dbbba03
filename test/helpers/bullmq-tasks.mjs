// Tasks for the bullmq suite, by module reference (a file: URL, the same path on this machine's workers).
import { appendFileSync, readFileSync } from 'node:fs';

/** Appends `tag` and the worker process id to `path`, spins `ms`, appends again: shows what ran where. */
export function mark(path, tag, ms) {
  appendFileSync(path, `${tag} start ${process.pid}\n`);
  const end = Date.now() + ms;
  while (Date.now() < end);
  appendFileSync(path, `${tag} end ${process.pid}\n`);
  return tag;
}

/** Fails on its first run (counted in `path`), succeeds after. */
export function flaky(path) {
  appendFileSync(path, 'x');
  if (readFileSync(path, 'utf8').length < 2) throw new Error('first try fails');
  return 'ok';
}

/** Waits for its AbortSignal (cooperative cancellation), then notes it in `path`. */
export async function untilAborted(path) {
  const { taskContext } = await import('wasmpar');
  const { signal } = taskContext();
  appendFileSync(path, 'waiting\n');
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  appendFileSync(path, 'stopped cooperatively\n');
  return 'stopped';
}
