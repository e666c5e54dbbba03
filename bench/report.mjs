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
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { Bench } from 'tinybench';

const here = dirname(fileURLToPath(import.meta.url));
export const QUICK = process.env.BENCH_QUICK === '1';

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/**
 * Runs `tasks` ({ name, fn, batch? }) for `rounds` rounds; each round is one short
 * tinybench run with the task order rotated. `fn` may be async. A task with
 * `batch: k` does k operations per call; its times are divided by k.
 * `between(round)` runs before each round (e.g. an external reference), with
 * its own timings returned by the caller. Returns { name: [ms per op, per round] }.
 */
export async function interleave(tasks, { rounds = QUICK ? 3 : 7, time = QUICK ? 60 : 150, iterations = 8, warmupTime = 20, before } = {}) {
  const perTask = Object.fromEntries(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    if (before) await before(r);
    const order = tasks.map((_, i) => tasks[(i + r) % tasks.length]);
    const bench = new Bench({ time, iterations, warmupTime, warmupIterations: 3, throws: true });
    for (const t of order) bench.add(t.name, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const t = tasks.find((x) => x.name === task.name);
      perTask[t.name].push(task.result.latency.p50 / (t.batch ?? 1));
    }
  }
  return perTask;
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
 * Rows: { op, wasmpar, reference, ratio, target, pass } where times are strings
 * or ms numbers, and pass is true | false | undefined (no target: shown as "info").
 */
export function markdownTable(rows) {
  const head = ['op', 'wasmpar', 'reference', 'ratio', 'target', 'pass/fail'];
  const cell = (v) => (typeof v === 'number' ? fmtTime(v) : v ?? '—');
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${[r.op, cell(r.wasmpar), cell(r.reference), typeof r.ratio === 'number' ? fmtRatio(r.ratio) : r.ratio ?? '—', r.target ?? '—',
      r.pass === undefined ? 'info' : r.pass ? 'PASS' : 'FAIL'].join(' | ')} |`),
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
