/**
 * The one timing loop: interleaved rounds. The machine may be shared and noisy,
 * so instead of timing one contender to completion and then the next (a burst
 * of load would then hit one side only), every contender runs briefly in each
 * round, the order rotated by round. A contender's figure is the median over
 * rounds of its per-round median; its ratio to wasmpar is the median of the
 * per-round ratios, so both sides of a ratio saw the same stretch of time.
 */
import type { Runner } from './runner.js';

/** The fewest reps a round takes, however slow one rep is. */
const MIN_REPS = 1;
/** The most reps a round takes, however fast one rep is (round trips are µs). */
const MAX_REPS = 100_000;

export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : 0.5 * (v[m - 1]! + v[m]!);
}

/**
 * A Runner around a local function: one untimed warm-up call at the first
 * round (JIT, page faults, pool start-up), then calls until the budget is spent.
 * `batch` ops per call (for ops too short to time one by one).
 */
export function local(fn: () => unknown, options: { batch?: number; dispose?: () => unknown } = {}): Runner {
  const batch = options.batch ?? 1;
  let warm = false;
  return {
    async time(budgetMs) {
      if (!warm) { await fn(); warm = true; }
      const out: number[] = [];
      const until = performance.now() + budgetMs;
      while (out.length < MAX_REPS) {
        const t0 = performance.now();
        await fn();
        const t1 = performance.now();
        out.push((t1 - t0) / batch);
        if (out.length >= MIN_REPS && t1 >= until) break;
      }
      return out;
    },
    dispose: options.dispose ? async () => { await options.dispose!(); } : undefined,
  };
}

export interface RoundsResult {
  /** Per contender: the median ms per op of each round. */
  perRound: Map<string, number[]>;
}

/**
 * Runs `rounds` rounds over `runners`; `onStep` is told before each contender runs
 * (for the progress line). A runner that throws in a round is reported through
 * `onError` and drops out of the later rounds.
 */
export async function interleave(
  runners: Map<string, Runner>,
  { rounds, budgetMs, onStep, onError }: {
    rounds: number;
    budgetMs: number;
    onStep?: (round: number, name: string) => void;
    onError?: (name: string, err: unknown) => void;
  },
): Promise<RoundsResult> {
  const names = [...runners.keys()];
  const perRound = new Map(names.map((n) => [n, [] as number[]]));
  const failed = new Set<string>();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      if (failed.has(name)) continue;
      onStep?.(r, name);
      try {
        perRound.get(name)!.push(median(await runners.get(name)!.time(budgetMs)));
      } catch (err) {
        failed.add(name);
        perRound.get(name)!.length = 0;
        onError?.(name, err);
      }
    }
  }
  for (const name of failed) perRound.delete(name);
  return { perRound };
}

/** Median over rounds of ref[r] / subject[r]: the subject's speed relative to ref (> 1: the subject is faster). */
export function speedRatio(subject: readonly number[], ref: readonly number[]): number {
  const n = Math.min(subject.length, ref.length);
  const per: number[] = [];
  for (let i = 0; i < n; i++) per.push(ref[i]! / subject[i]!);
  return median(per);
}

/** Spread of the per-round medians: (max - min) / median, as a fraction. */
export function spread(values: readonly number[]): number {
  const v = values.filter(Number.isFinite);
  if (v.length < 2) return 0;
  return (Math.max(...v) - Math.min(...v)) / median(v);
}
