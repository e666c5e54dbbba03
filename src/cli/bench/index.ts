/**
 * `wasmpar bench`: runs the workloads against every contender available here,
 * prints a table (or the JSON report) on stdout, shows progress on stderr, and
 * writes <out>/latest.json, latest.md and latest.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseBenchArgs, USAGE } from './args.js';
import { Progress } from './progress.js';
import { loadWorkloads, selectWorkloads } from './registry.js';
import { markdown, terminalTable } from './report-table.js';
import { svgChart } from './report-svg.js';
import { runBench, type BenchReport } from './run.js';

export interface BenchFiles {
  json: string;
  md: string;
  svg: string;
}

export function writeReport(report: BenchReport, dir: string): BenchFiles {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const files = { json: resolve(out, 'latest.json'), md: resolve(out, 'latest.md'), svg: resolve(out, 'latest.svg') };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.md, markdown(report));
  writeFileSync(files.svg, svgChart(report));
  return files;
}

/** The subcommand (src/cli/main.ts): resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  if (args.help) { console.log(USAGE); return 0; }
  const workloads = selectWorkloads(await loadWorkloads(), args.filter);
  const progress = new Progress(process.stderr);
  progress.log(`wasmpar bench: ${workloads.length} workload(s), ${args.threads} threads, ${args.quick ? 'quick' : 'full'} run; results in ${resolve(args.out)}`);
  const command = ['npx wasmpar bench', ...argv].join(' ');
  const report = await runBench(workloads, { quick: args.quick, threads: args.threads, rounds: args.rounds, budgetMs: args.budgetMs, size: args.size }, progress, command);
  const files = writeReport(report, args.out);
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else console.log(terminalTable(report));
  progress.log(`wrote ${files.json}, ${files.md}, ${files.svg}`);
  return 0;
}
