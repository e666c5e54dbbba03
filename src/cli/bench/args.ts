/** `wasmpar bench` flags, parsed with the CLI's shared helpers (a bad flag is a UsageError: exit 2). */
import os from 'node:os';
import { intFlag, parseFlags } from '../usage.js';

export interface BenchArgs {
  quick: boolean;
  filter?: string;
  threads: number;
  json: boolean;
  out: string;
  size?: number;
  rounds: number;
  budgetMs: number;
  help: boolean;
}

export const USAGE = `Usage: wasmpar bench [--quick] [--filter <workload>[,<workload>...]] [--threads <n>] [--json] [--out <dir>]
                     [--size <n>] [--rounds <n>] [--budget <ms>]

  --quick          smaller sizes, fewer and shorter rounds (about a minute)
  --filter w       only the workloads named w (or whose name contains w); comma-separated
  --threads n      threads for wasmpar and every parallel contender (default: available cores)
  --json           print the JSON report on stdout instead of the table
  --out dir        where latest.json, latest.md and latest.svg go (default: ./wasmpar-bench)
  --size n         override every workload's problem size (elements, matrix order, tasks)
  --rounds n       interleaved rounds (default 3 with --quick, else 7)
  --budget ms      time per contender per round (default 40 with --quick, else 200)

Contenders: wasmpar, wasm-1t (wasmpar on 1 thread), plain-js, piscina, tinypool, workerpool
(resolved from this project: npm install -D piscina tinypool workerpool), native (C with
OpenMP, when a C compiler exists; CC picks it), native-1t (the same C on 1 thread, for the
histograms), libm (the same C calling scalar libm, for the math maps), numpy and numexpr (python3 with numpy;
WASMPAR_PYTHON picks it), tfjs-wasm (@tensorflow/tfjs-core + tfjs-backend-wasm installed).`;

const OPTIONS = {
  quick: { type: 'boolean' },
  filter: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  size: { type: 'string' },
  rounds: { type: 'string' },
  budget: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values: v } = parseFlags('bench', argv, OPTIONS);
  const quick = v.quick === true;
  return {
    quick,
    filter: v.filter,
    threads: intFlag('bench', 'threads', v.threads, 1, 256) ?? os.availableParallelism(),
    json: v.json === true,
    out: v.out ?? 'wasmpar-bench',
    size: intFlag('bench', 'size', v.size, 1),
    rounds: intFlag('bench', 'rounds', v.rounds, 1, 1000) ?? (quick ? 3 : 7),
    budgetMs: intFlag('bench', 'budget', v.budget, 1, 60_000) ?? (quick ? 40 : 200),
    help: v.help === true,
  };
}
