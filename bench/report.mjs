/**
 * Shared helpers for the bench suites: interleaved measurement rounds on top of
 * tinybench, medians and ratios, a markdown table, and bench/results/<suite>.json.
 *
 * Why rounds: the machine is shared and noisy, and tinybench runs one task to
 * completion before the next. A burst of contention would then hit one side of
 * a comparison only. Running every task briefly in each of several rounds, with
 * the task order rotated, spreads the noise over both sides; we then report the
 * median over rounds and the median of the per-round ratios.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { Bench } from 'tinybench';

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
 * Waits (up to `maxSeconds`, from BENCH_WAIT_QUIET, default 20) for a half
 * second in which other processes use fewer than QUIET_CORES cores, so that a
 * round starts when the machine is calm. Returns the foreign load last seen.
 */
export async function waitForQuiet(maxSeconds = Number(process.env.BENCH_WAIT_QUIET ?? 20)) {
  const until = performance.now() + maxSeconds * 1000;
  for (;;) {
    const [, cores] = await withForeignLoad(() => new Promise((r) => setTimeout(r, 500)));
    if (!(cores >= QUIET_CORES) || performance.now() > until) return cores;
  }
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/**
 * Runs `tasks` ({ name, fn, batch? }) for `rounds` rounds; in each round every
 * task gets one short tinybench run, in an order rotated by round. `fn` may be
 * async. A task with `batch: k` does k operations per call; its times are
 * divided by k. `before(round)` runs first in each round (e.g. an external
 * reference that records its own figures). Returns { p50, min, load }, each
 * { name: [one value per round] }: p50 is the round's median ms per op, min its
 * best sample, load the cores other processes used meanwhile.
 */
export async function interleave(tasks, { rounds = QUICK ? 3 : 7, time = QUICK ? 60 : 150, iterations = 8, warmupTime = 20, before } = {}) {
  const p50 = Object.fromEntries(tasks.map((t) => [t.name, []]));
  const min = Object.fromEntries(tasks.map((t) => [t.name, []]));
  const load = Object.fromEntries(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    await waitForQuiet();
    if (before) await before(r);
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[(i + r) % tasks.length];
      const bench = new Bench({ time, iterations, warmupTime, warmupIterations: 3, throws: true });
      bench.add(t.name, t.fn);
      const [, cores] = await withForeignLoad(() => bench.run());
      const lat = bench.tasks[0].result.latency;
      p50[t.name].push(lat.p50 / (t.batch ?? 1));
      min[t.name].push(lat.min / (t.batch ?? 1));
      load[t.name].push(cores);
    }
  }
  return { p50, min, load };
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
