/**
 * Shared helpers for the developer bench suites (kernels, inline-threshold, ...):
 * interleaved rounds on the timing loop of `wasmpar bench`, the load other
 * processes put on the machine, quiet-round ratios, a markdown table, and
 * bench/results/<suite>.json. The product benchmark is `wasmpar bench`
 * (src/cli/bench/); these suites measure what only developers tune.
 *
 * Why rounds: the machine is shared and noisy. A burst of contention would hit one
 * side of a comparison only if each ran to completion in turn; running every task
 * briefly in each of several rounds, the order rotated, spreads it over both.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { interleave as timedRounds, local, median } from '../dist/cli/bench/timing.js';

export { median };

const here = dirname(fileURLToPath(import.meta.url));
export const QUICK = process.env.BENCH_QUICK === '1';

/** Rounds where other processes used more than this many cores are "busy". */
export const QUIET_CORES = 0.3;
const TICK = 100; // USER_HZ: /proc/stat and /proc/self/stat count in 1/100 s on Linux

function cpuTicks() {
  try {
    const total = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait
    const busy = total.reduce((a, b) => a + b, 0) - total[3] - total[4];
    // utime stime cutime cstime: this process's threads and the children it waited for (the C reference)
    const self = readFileSync('/proc/self/stat', 'utf8');
    const f = self.slice(self.lastIndexOf(')') + 2).split(' ');
    const mine = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { busy, mine, at: performance.now() };
  } catch {
    return null; // not Linux: no foreign-load figures
  }
}

/**
 * Measures how many cores OTHER processes kept busy while `fn` ran: the machine's
 * busy time minus ours, over the wall time. Returns [result, cores | NaN].
 */
export async function withForeignLoad(fn) {
  const a = cpuTicks();
  const result = await fn();
  const b = cpuTicks();
  if (!a || !b) return [result, NaN];
  const wall = (b.at - a.at) / 1000;
  return [result, Math.max(0, ((b.busy - a.busy) - (b.mine - a.mine)) / TICK / wall)];
}

/**
 * Runs `tasks` ({ name, fn, batch? }) for `rounds` rounds with the timing loop of
 * `wasmpar bench` (src/cli/bench/timing.ts: one warm-up call, then calls for about
 * `time` ms per task per round, the order rotated by round). `fn` may be async.
 * A task with `batch: k` does k operations per call; its times are divided by k.
 * Returns { p50, min, load }, each { name: [one value per round] }: p50 is the
 * round's median ms per op, min its best sample, load the cores other processes
 * used meanwhile. `before` (optional, may be async) runs once at the start of every round:
 * suites measure out-of-process references there (a C or numexpr run), so those interleave
 * with the tasks too.
 */
export async function interleave(tasks, { rounds = QUICK ? 3 : 7, time = QUICK ? 60 : 150, before } = {}) {
  const min = Object.fromEntries(tasks.map((t) => [t.name, []]));
  // timedRounds times every task once per round, one after another: a round starts
  // at every tasks.length-th call.
  let calls = 0;
  const load = Object.fromEntries(tasks.map((t) => [t.name, []]));
  const runners = new Map(tasks.map((t) => {
    const runner = local(t.fn, { batch: t.batch });
    return [t.name, {
      async time(budgetMs) {
        if (before && calls++ % tasks.length === 0) await before();
        const [samples, cores] = await withForeignLoad(() => runner.time(budgetMs));
        min[t.name].push(Math.min(...samples));
        load[t.name].push(cores);
        return samples;
      },
    }];
  }));
  const { perRound } = await timedRounds(runners, { rounds, budgetMs: time, onError: (name, err) => { throw new Error(`${name}: ${err?.message ?? err}`); } });
  return { p50: Object.fromEntries(perRound), min, load };
}

/**
 * Median over rounds of ref[r] / subject[r] (> 1: the subject is faster), over
 * the rounds where both sides ran quietly when there are at least 2 such rounds.
 * Returns { ratio, used, quiet }.
 */
export function quietRatio(subject, subjectLoad, ref, refLoad, maxCores = QUIET_CORES) {
  const n = Math.min(subject.length, ref.length);
  const all = [], quiet = [];
  for (let i = 0; i < n; i++) {
    const r = ref[i] / subject[i];
    all.push(r);
    if (!(subjectLoad?.[i] > maxCores) && !(refLoad?.[i] > maxCores)) quiet.push(r);
  }
  return quiet.length >= 2 ? { ratio: median(quiet), used: quiet.length, quiet: true } : { ratio: median(all), used: all.length, quiet: false };
}

/** Median over rounds of ref[r] / subject[r]: > 1 means the subject is faster. */
export function ratioOfMedians(subject, ref) {
  const n = Math.min(subject.length, ref.length);
  const per = [];
  for (let i = 0; i < n; i++) per.push(ref[i] / subject[i]);
  return median(per);
}

export function fmtTime(ms) {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toFixed(2)} µs`;
  return `${(ms * 1e6).toFixed(0)} ns`;
}

export function fmtRatio(x) {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '—';
}

/**
 * Rows: { op, wasmpar, reference, ratio, target, pass, note? } where times are strings
 * or ms numbers, and pass is true | false | undefined (no target: shown as "info").
 */
export function markdownTable(rows) {
  const head = ['op', 'wasmpar', 'reference', 'ratio', 'target', 'pass/fail', 'rounds'];
  const cell = (v) => (typeof v === 'number' ? fmtTime(v) : v ?? '—');
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${[r.op, cell(r.wasmpar), cell(r.reference), typeof r.ratio === 'number' ? fmtRatio(r.ratio) : r.ratio ?? '—', r.target ?? '—',
      r.pass === undefined ? 'info' : r.pass ? 'PASS' : 'FAIL', r.note ?? ''].join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** Host facts that make a result file interpretable later. */
export function environment() {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    loadavg: os.loadavg(),
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

export function writeResults(suite, data) {
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.json`);
  writeFileSync(file, JSON.stringify({ suite, environment: environment(), ...data }, null, 2) + '\n');
  return file;
}
