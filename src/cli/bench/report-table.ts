/**
 * The report as text: the Markdown file (summary grid, then per-workload
 * details) and the table printed on stdout (the same grid, aligned).
 */
import { fmtNumber, type BenchReport, type ContenderResult, type WorkloadResult } from './run.js';

/** 0.087×, 0.52×, 1.38×, 12× */
export const fmtRatio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${x >= 10 ? x.toFixed(0) : x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}×`);

function fmtTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

function cell(r: ContenderResult, w: WorkloadResult): string {
  if (r.status === 'n/a') return '';
  if (r.status !== 'ran') return r.status;
  if (r.contender === 'wasmpar') return `${fmtNumber(r.throughput!)} ${w.unit}`;
  return fmtRatio(r.vsWasmpar);
}

/** The contenders that ran somewhere, in report order. */
const columns = (report: BenchReport) => report.contenders.filter((c) => c.status === 'ran').map((c) => c.name);

function grid(report: BenchReport): string[][] {
  const cols = columns(report);
  const head = ['workload', 'size', ...cols];
  const rows = report.workloads.map((w) => [w.name, w.size, ...cols.map((c) => cell(w.results.find((r) => r.contender === c)!, w))]);
  return [head, ...rows];
}

export function header(report: BenchReport): string[] {
  const m = report.machine;
  return [
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node} (V8 ${m.v8}); wasmpar ${m.wasmpar}`,
    `${report.mode} run, ${report.threads} threads, ${report.rounds} interleaved rounds of ~${report.budgetMs} ms per contender, ${report.elapsedSeconds} s; load average ${m.loadavg.join(' ')} before, ${report.loadavgAfter.join(' ')} after`,
  ];
}

const LEGEND = 'wasmpar column: throughput (median over rounds); other columns: that contender\'s speed relative to wasmpar in the same rounds (median of per-round ratios, so a burst of load in one round moves it less than it moves the medians; > 1× = faster than wasmpar); blank: no form of this workload for that contender.';

function skippedLines(report: BenchReport): string[] {
  return report.contenders.filter((c) => c.status === 'skipped').map((c) => `${c.name}: skipped — ${c.reason}`);
}

/** Per workload: skips and failures that are not already a whole-contender skip. */
function partialSkips(report: BenchReport): string[] {
  const whole = new Set(report.contenders.filter((c) => c.status === 'skipped').map((c) => c.name));
  return report.workloads.flatMap((w) => w.results.filter((r) => (r.status === 'skipped' || r.status === 'failed') && !whole.has(r.contender)).map((r) => `${w.name} / ${r.contender}: ${r.status} — ${r.reason}`));
}

export function terminalTable(report: BenchReport): string {
  const g = grid(report);
  const widths = g[0]!.map((_, i) => Math.max(...g.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [
    ...header(report),
    '',
    line(g[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...g.slice(1).map(line),
    '',
    LEGEND,
    ...skippedLines(report),
    ...partialSkips(report),
  ].join('\n');
}

const mdRow = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;

function mdGrid(report: BenchReport): string[] {
  const g = grid(report);
  return [mdRow(g[0]!), mdRow(g[0]!.map((_, i) => (i < 2 ? '---' : '---:'))), ...g.slice(1).map(mdRow)];
}

/** The summary grid as a Markdown table, with the legend and the skipped contenders (the README embeds this). */
export function markdownGrid(report: BenchReport): string {
  return [
    ...mdGrid(report),
    '',
    LEGEND,
    ...[...skippedLines(report), ...partialSkips(report)].map((l) => `- ${l}`),
  ].join('\n');
}

export function markdown(report: BenchReport): string {
  const out = [
    '# wasmpar bench',
    '',
    ...header(report).map((l) => `${l}  `),
    '',
    ...mdGrid(report),
    '',
    LEGEND,
    '',
    '## Contenders',
    '',
    ...report.contenders.map((c) => `- \`${c.name}\`: ${c.status === 'ran' ? `ran${c.version ? ` (${c.version})` : ''}` : `skipped — ${c.reason}`}`),
    ...partialSkips(report).map((l) => `- ${l}`),
    '',
    '## Details',
  ];
  for (const w of report.workloads) {
    out.push('', `### ${w.name}: ${w.title} (${w.size})`, '');
    if (w.notes) out.push(w.notes, '');
    out.push(mdRow(['contender', 'time per op', w.unit, 'spread', 'vs wasmpar']), mdRow(['---', '---:', '---:', '---:', '---:']));
    for (const r of w.results) {
      if (r.status === 'n/a') continue;
      if (r.status !== 'ran') { out.push(mdRow([r.contender, r.status, r.reason ?? '', '', ''])); continue; }
      out.push(mdRow([r.contender, fmtTime(r.msPerOp), fmtNumber(r.throughput!), `±${Math.round((r.spread ?? 0) * 50)}%`, fmtRatio(r.vsWasmpar)]));
    }
  }
  out.push('', `spread: half the range of the per-round medians, relative to their median. Reproduce: \`${report.command}\``, '');
  return out.join('\n');
}
