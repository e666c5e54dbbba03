// `wasmpar bench` as a user runs it (the built bin in a child process), on a tiny
// problem so that it takes seconds: it must write the three report files and name
// every contender, each either with figures or skipped with a reason. No timing
// is asserted (the machine is shared).
import { describe, it, expect, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENDERS } from '../src/cli/bench/types.js';
import { chunks } from '../src/cli/bench/forms.js';
import { mergeRuns } from '../src/cli/bench/js-chunks.js';
import { median, speedRatio, spread } from '../src/cli/bench/timing.js';

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function wasmpar(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Watchdog: the child is killed after 150 s (the C server compiles on a cold cache).
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 150_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

interface Report {
  threads: number;
  machine: { cpu: string; cores: number; loadavg: number[]; node: string };
  contenders: Array<{ name: string; status: string; reason?: string }>;
  workloads: Array<{ name: string; n: number; results: Array<{ contender: string; status: string; reason?: string; throughput?: number; vsWasmpar?: number; rounds?: number[] }> }>;
}

describe('wasmpar bench', () => {
  it('writes latest.json, latest.md and latest.svg naming every contender', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wasmpar-bench-test-'));
    dirs.push(cwd);
    const r = await wasmpar(['bench', '--quick', '--filter', 'sum,round-trip', '--size', '20000', '--rounds', '2', '--budget', '5', '--threads', '2'], cwd);
    expect(r.stderr).toContain('wasmpar bench:');
    expect(r.code).toBe(0);
    const out = join(cwd, 'wasmpar-bench');
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Report;
    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    const svg = readFileSync(join(out, 'latest.svg'), 'utf8');

    expect(report.threads).toBe(2);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.cores).toBeGreaterThanOrEqual(1);
    expect(report.machine.loadavg).toHaveLength(3);
    expect(report.contenders.map((c) => c.name)).toEqual([...CONTENDERS]);
    for (const c of report.contenders) {
      expect(['ran', 'skipped']).toContain(c.status);
      if (c.status === 'skipped') expect(c.reason, c.name).toMatch(/\w/);
      expect(md).toContain(`\`${c.name}\``);
    }
    expect(report.workloads.map((w) => w.name)).toEqual(['sum', 'round-trip']);
    const sum = report.workloads[0]!;
    expect(sum.n).toBe(20000);
    const wp = sum.results.find((x) => x.contender === 'wasmpar')!;
    expect(wp.status).toBe('ran');
    expect(wp.rounds).toHaveLength(2);
    expect(wp.throughput).toBeGreaterThan(0);
    expect(wp.vsWasmpar).toBe(1);
    expect(report.contenders.find((c) => c.name === 'tfjs-wasm')!.status).toBe('skipped'); // no matmul selected
    for (const x of sum.results) if (x.status === 'skipped' || x.status === 'failed') expect(x.reason, x.contender).toMatch(/\w/);

    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const c of report.contenders.filter((x) => x.status === 'ran')) expect(svg).toContain(`>${c.name}</text>`);
    // The stdout table has one row per workload and the wasmpar column.
    expect(r.stdout).toMatch(/^sum\s+20k f64\s+[\d,.]+ Melem\/s/m);
    expect(r.stdout).toMatch(/^round-trip\s/m);
  }, 160_000);

  it('rejects an unknown workload and an unknown flag with exit code 2, naming the known ones', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wasmpar-bench-test-'));
    dirs.push(cwd);
    const a = await wasmpar(['bench', '--filter', 'nope'], cwd);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--filter "nope" matches no workload; known: map-square');
    const b = await wasmpar(['bench', '--fast'], cwd);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--fast.*known flags: --quick, --filter/);
    const c = await wasmpar(['bench', '--threads', '0'], cwd);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('--threads must be an integer from 1');
  });

  it('statistics: median, per-round speed ratio, spread', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    // subject twice as fast as ref in every round -> 2
    expect(speedRatio([1, 2, 3], [2, 4, 6])).toBe(2);
    expect(spread([1, 1.5, 2])).toBeCloseTo(1 / 1.5);
    expect(spread([5])).toBe(0);
  });

  it('peer helpers: chunks cover [0, n) exactly; mergeRuns merges sorted runs', () => {
    for (const [n, k] of [[0, 4], [1, 4], [7, 3], [97, 8], [1000, 2]] as const) {
      const c = chunks(n, k);
      if (n === 0) { expect(c).toEqual([[0, 0]]); continue; }
      expect(c[0]![0]).toBe(0);
      expect(c.at(-1)![1]).toBe(n);
      for (let i = 1; i < c.length; i++) expect(c[i]![0]).toBe(c[i - 1]![1]);
      expect(c.length).toBe(Math.min(n, k));
    }
    for (const [n, k] of [[1, 1], [13, 3], [1000, 8], [1001, 5]] as const) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 7.3) * 100);
      const want = x.slice().sort();
      const parts = chunks(n, k);
      for (const [s, e] of parts) x.subarray(s, e).sort();
      const got = mergeRuns(x, new Float64Array(n), [0, ...parts.map(([, e]) => e)]);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});
