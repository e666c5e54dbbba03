/**
 * The execArgv for every Worker wasmpar starts (numeric and task pools).
 *
 * `undefined` (the default) lets a worker inherit the parent's options as they
 * are: Node copies them without re-parsing, so V8 and process-wide flags
 * (--max-old-space-size, --expose-gc, --stack-size, --title, --v8-pool-size,
 * --abort-on-uncaught-exception...) are fine. An explicit list is needed only
 * when the parent read its entry from a string (`node --input-type=module -e`):
 * --input-type makes a worker refuse its file. Node rejects an explicit list
 * holding any V8 or process-wide flag, so each remaining flag is kept only if a
 * Worker accepts it — probed once per process (an accepted probe is a worker
 * that starts, with no code, and is terminated at once).
 */
import { Worker } from 'node:worker_threads';

const ENTRY_WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

let cached: { argv: string[] | undefined } | undefined;

function workerAccepts(flags: string[]): boolean {
  try {
    const w = new Worker('', { eval: true, execArgv: flags, stdout: true, stderr: true });
    w.unref();
    void w.terminate();
    return true;
  } catch {
    return false;
  }
}

export function workerExecArgv(): string[] | undefined {
  if (cached) return cached.argv;
  const argv = process.execArgv;
  if (!argv.some((a) => a.startsWith('--input-type'))) {
    cached = { argv: undefined };
    return undefined;
  }
  const keep: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (ENTRY_WITH_VALUE.has(a)) { i++; continue; }
    if (/^(--input-type|--eval|--print)=/.test(a) || /^-[a-z]*[ep]$/.test(a)) { if (!a.includes('=')) i++; continue; }
    const next = argv[i + 1];
    if (workerAccepts([a])) keep.push(a);
    // A flag whose value is the next word (`--import ./x.mjs`).
    else if (next !== undefined && !next.startsWith('-') && workerAccepts([a, next])) { keep.push(a, next); i++; }
  }
  cached = { argv: keep };
  return keep;
}
