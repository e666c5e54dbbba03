/**
 * One bench run: for each workload, every contender it has a form for is set up
 * (or skipped, with the reason), then all are timed in interleaved rounds, and
 * each gets its median, spread and ratio to wasmpar from the same rounds.
 */
import { BenchContext } from './context.js';
import { machine, type Machine } from './machine.js';
import type { Progress } from './progress.js';
import { interleave, median, speedRatio, spread } from './timing.js';
import { CONTENDERS, Skip, type ContenderName, type Runner, type Workload } from './types.js';

export interface RunOptions {
  quick: boolean;
  threads: number;
  rounds: number;
  budgetMs: number;
  /** Overrides every workload's problem size (for tests and quick looks). */
  size?: number;
}

export type ResultStatus = 'ran' | 'skipped' | 'failed' | 'n/a';

export interface ContenderResult {
  contender: ContenderName;
  status: ResultStatus;
  reason?: string;
  /** Median over rounds of the round's median time per op. */
  msPerOp?: number;
  /** work(n) / time, in the workload's unit. */
  throughput?: number;
  /** (max - min) / median of the per-round medians. */
  spread?: number;
  /** Median over rounds of this contender's speed / wasmpar's speed (> 1: faster than wasmpar). */
  vsWasmpar?: number;
  rounds?: number[];
}

export interface WorkloadResult {
  name: string;
  title: string;
  unit: string;
  n: number;
  size: string;
  notes?: string;
  results: ContenderResult[];
}

export interface ContenderSummary {
  name: ContenderName;
  status: 'ran' | 'skipped';
  reason?: string;
  version?: string;
}

export interface BenchReport {
  tool: 'wasmpar bench';
  format: 1;
  date: string;
  /** The command line that produced this report. */
  command: string;
  mode: 'quick' | 'full';
  threads: number;
  rounds: number;
  budgetMs: number;
  elapsedSeconds: number;
  machine: Machine;
  loadavgAfter: number[];
  contenders: ContenderSummary[];
  facts: Record<string, string>;
  workloads: WorkloadResult[];
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

async function runWorkload(w: Workload, ctx: BenchContext, opts: RunOptions, progress: Progress, index: string): Promise<WorkloadResult> {
  const n = opts.size ?? (opts.quick ? w.size.quick : w.size.full);
  const results = new Map<ContenderName, ContenderResult>();
  const runners = new Map<string, Runner>();
  for (const c of CONTENDERS) {
    const factory = w.contenders[c];
    if (!factory) { results.set(c, { contender: c, status: 'n/a' }); continue; }
    progress.step(`${index} ${w.name}: setting up ${c}`);
    try {
      runners.set(c, await factory(ctx, n));
      results.set(c, { contender: c, status: 'ran' });
    } catch (err) {
      results.set(c, err instanceof Skip ? { contender: c, status: 'skipped', reason: err.message } : { contender: c, status: 'failed', reason: message(err) });
    }
  }
  const { perRound } = await interleave(runners, {
    rounds: opts.rounds,
    budgetMs: opts.budgetMs,
    onStep: (r, c) => progress.step(`${index} ${w.name}: round ${r + 1}/${opts.rounds}, ${c}`),
    onError: (c, err) => results.set(c as ContenderName, { contender: c as ContenderName, status: err instanceof Skip ? 'skipped' : 'failed', reason: message(err) }),
  });
  for (const runner of runners.values()) {
    try { await runner.dispose?.(); } catch { /* best effort */ }
  }
  const ref = perRound.get('wasmpar');
  for (const [c, rounds] of perRound) {
    const ms = median(rounds);
    Object.assign(results.get(c as ContenderName)!, {
      msPerOp: ms,
      throughput: w.work(n) / (ms / 1000),
      spread: spread(rounds),
      vsWasmpar: ref ? speedRatio(rounds, ref) : undefined,
      rounds,
    });
  }
  return { name: w.name, title: w.title, unit: w.unit, n, size: w.describe(n), notes: w.notes, results: CONTENDERS.map((c) => results.get(c)!) };
}

/** Per contender over the whole run: ran somewhere, or skipped with the first reason seen. */
function summarize(workloads: WorkloadResult[], facts: Record<string, string>): ContenderSummary[] {
  return CONTENDERS.map((name) => {
    const rs = workloads.map((w) => w.results.find((r) => r.contender === name)!);
    const version = name === 'wasmpar' || name === 'wasm-1t' ? undefined : facts[name];
    if (rs.some((r) => r.status === 'ran')) return { name, status: 'ran', version };
    const why = rs.find((r) => r.status === 'skipped' || r.status === 'failed')?.reason ?? 'no selected workload has a form for it';
    return { name, status: 'skipped', reason: why };
  });
}

export async function runBench(workloads: Workload[], opts: RunOptions, progress: Progress, command: string): Promise<BenchReport> {
  const t0 = performance.now();
  const m = machine();
  const ctx = new BenchContext({ threads: opts.threads, quick: opts.quick });
  const out: WorkloadResult[] = [];
  try {
    for (let i = 0; i < workloads.length; i++) {
      const w = workloads[i]!;
      const r = await runWorkload(w, ctx, opts, progress, `[${i + 1}/${workloads.length}]`);
      const wp = r.results.find((x) => x.contender === 'wasmpar');
      progress.log(`${w.name} (${r.size}): wasmpar ${wp?.throughput !== undefined ? `${fmtNumber(wp.throughput)} ${w.unit}` : wp?.status}`);
      out.push(r);
    }
  } finally {
    progress.done();
    await ctx.close();
  }
  return {
    tool: 'wasmpar bench', format: 1, date: new Date().toISOString(), command, mode: opts.quick ? 'quick' : 'full',
    threads: opts.threads, rounds: opts.rounds, budgetMs: opts.budgetMs,
    elapsedSeconds: Math.round((performance.now() - t0) / 100) / 10,
    machine: m, loadavgAfter: machine().loadavg, contenders: summarize(out, ctx.facts), facts: ctx.facts, workloads: out,
  };
}

/** 3 significant digits, no exponent for everyday magnitudes. */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}
