/** `wasmpar bench` options: `--name value` or `--name=value`; unknown ones are an error naming the known ones. */
import os from 'node:os';

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

const FLAGS = ['quick', 'json', 'help'] as const;
const VALUES = ['filter', 'threads', 'out', 'size', 'rounds', 'budget'] as const;

export const USAGE = `usage: wasmpar bench [--quick] [--filter <workload>[,<workload>...]] [--threads <n>] [--json] [--out <dir>]
                     [--size <n>] [--rounds <n>] [--budget <ms>]

  --quick          smaller sizes and fewer, shorter rounds (about a minute)
  --filter w       only the workloads named w (or whose name contains w); comma-separated
  --threads n      threads for wasmpar and every parallel contender (default: available cores)
  --json           print the JSON report on stdout instead of the table
  --out dir        where latest.json, latest.md and latest.svg go (default: ./wasmpar-bench)
  --size n         override every workload's problem size (elements, matrix order, tasks)
  --rounds n       interleaved rounds (default 3 quick, 7 full)
  --budget ms      time per contender per round (default 40 quick, 200 full)`;

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bench: --${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const got: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new TypeError(`bench: unexpected argument ${JSON.stringify(a)}\n${USAGE}`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if ((FLAGS as readonly string[]).includes(name)) {
      if (eq >= 0) throw new TypeError(`bench: --${name} takes no value`);
      got[name] = true;
    } else if ((VALUES as readonly string[]).includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new TypeError(`bench: --${name} needs a value`);
      got[name] = v;
    } else {
      throw new TypeError(`bench: unknown option --${name}; known: ${[...FLAGS, ...VALUES].map((f) => `--${f}`).join(', ')}`);
    }
  }
  const quick = got.quick === true;
  return {
    quick,
    filter: got.filter as string | undefined,
    threads: got.threads ? positiveInt('threads', got.threads as string) : os.availableParallelism(),
    json: got.json === true,
    out: (got.out as string | undefined) ?? 'wasmpar-bench',
    size: got.size ? positiveInt('size', got.size as string) : undefined,
    rounds: got.rounds ? positiveInt('rounds', got.rounds as string) : quick ? 3 : 7,
    budgetMs: got.budget ? positiveInt('budget', got.budget as string) : quick ? 40 : 200,
    help: got.help === true,
  };
}
