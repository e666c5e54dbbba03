/**
 * The developer suites. The benchmark for users (workloads against plain JS, worker
 * pools, C and numpy, with a report) is `wasmpar bench` (src/cli/bench/, `npm run bench`).
 *
 * Runs every bench suite in bench/ (whoever wrote it), one after another, each in its own
 * process (suites start their own engines and worker threads; running them in
 * sequence keeps them from competing for the cores).
 *
 *   node bench/run.mjs                 all suites
 *   node bench/run.mjs core tasks      only these
 *   BENCH_QUICK=1 node bench/run.mjs   shorter runs
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
// Every bench/*.mjs is a suite except the shared helpers and the files suites
// load into their own workers (named *-worker.mjs) or import (named _*.mjs).
// The long tuning sweep last.
const HELPERS = new Set(['report', 'run']);
const isSuite = (f) => f.endsWith('.mjs') && !f.endsWith('-worker.mjs') && !f.startsWith('_') && !HELPERS.has(f.slice(0, -4));
const found = readdirSync(here).filter(isSuite).map((f) => f.slice(0, -4));
const rank = (s) => (s === 'inline-threshold' ? 1 : 0);
const SUITES = found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SUITES.includes(w));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
  process.exit(2);
}

const load = os.loadavg()[0];
console.log(`# wasmpar benchmarks — node ${process.version}, ${os.availableParallelism()} cores, load average ${load.toFixed(2)}`);
if (load > os.availableParallelism() * 0.5) {
  console.log('warning: the machine is busy; thread-scaling figures will be pessimistic (see bench/inline-threshold.mjs on spinning).');
}

const failed = [];
for (const suite of wanted.length ? wanted : SUITES) {
  const file = join(here, `${suite}.mjs`);
  console.log(`\n# ${suite}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) failed.push(`${suite} (exit ${r.status ?? r.signal})`);
}
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
