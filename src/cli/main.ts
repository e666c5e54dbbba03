/**
 * The `wasmpar` command: a table of subcommands, each a module imported only
 * when it runs (so `wasmpar info` never loads the benchmark or BullMQ).
 * A subcommand module exports `run(argv): Promise<number>` (the exit code) and
 * throws UsageError for a bad command line.
 */
import { UsageError } from './usage.js';

export interface Subcommand {
  /** One line for `wasmpar --help`. */
  summary: string;
  load(): Promise<{ run(argv: readonly string[]): Promise<number> }>;
}

/** Add a subcommand here: name → summary + lazy import. */
export const COMMANDS: Record<string, Subcommand> = {
  info: { summary: 'threads, SIMD/threads/waitAsync support, memory limits, versions (--json)', load: () => import('./info.js') },
  bench: { summary: 'benchmark wasmpar against plain JS, worker pools, C, numpy (--quick, --filter, --json, --out)', load: () => import('./bench/index.js') },
  worker: { summary: "run tasks sent with { backend: 'bullmq' } (--redis <url> --queue <name>)", load: () => import('./worker.js') },
};

export function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: wasmpar <command> [flags]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `wasmpar <command> --help` for the flags of one command.',
  ].join('\n');
}

/** Runs the command line (without `node` and the script path); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { packageVersion } = await import('./version.js');
    console.log(packageVersion());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (command === undefined) {
      const what = name.startsWith('-') ? `unknown flag ${name}` : `unknown command ${JSON.stringify(name)}`;
      throw new UsageError(`wasmpar: ${what}; the commands are: ${Object.keys(COMMANDS).join(', ')}`);
    }
    const mod = await command.load();
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      console.error(command ? `Run \`wasmpar ${name} --help\` for its flags.` : `\n${help()}`);
      return 2;
    }
    throw err;
  }
}
