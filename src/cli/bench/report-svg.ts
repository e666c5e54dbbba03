/**
 * The chart: for each workload, one bar per contender that ran, its length the
 * throughput on a log scale. Every workload's scale is anchored at its wasmpar
 * throughput (the dashed 1× line), so that one axis serves workloads measured
 * in different units; each bar is labelled with its absolute throughput and
 * its ratio. Hand-written SVG, no dependencies.
 */
import { fmtRatio, header } from './report-table.js';
import { fmtNumber, type BenchReport } from './run.js';
import type { ContenderName } from './types.js';

const COLORS: Record<ContenderName, string> = {
  wasmpar: '#d62728', 'wasm-1t': '#ff9896', 'plain-js': '#7f7f7f', piscina: '#1f77b4', tinypool: '#17becf', workerpool: '#aec7e8',
  native: '#2ca02c', 'native-1t': '#bcbd22', libm: '#98df8a', numpy: '#9467bd', numexpr: '#c5b0d5', 'tfjs-wasm': '#8c564b',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const W = 980, LEFT = 96, PLOT = 560, BAR = 13, GAP = 3, HEAD = 20, SPACE = 12, TOP = 78;

export function svgChart(report: BenchReport): string {
  const ratios = report.workloads.flatMap((w) => w.results.filter((r) => r.status === 'ran' && r.vsWasmpar! > 0).map((r) => Math.log10(r.vsWasmpar!)));
  const lo = Math.max(-4, Math.min(-1, Math.floor(Math.min(...ratios, 0))));
  const hi = Math.min(3, Math.max(1, Math.ceil(Math.max(...ratios, 0))));
  const x = (ratio: number) => LEFT + ((Math.min(hi, Math.max(lo, Math.log10(ratio))) - lo) / (hi - lo)) * PLOT;
  const parts: string[] = [];
  let y = TOP;
  for (const w of report.workloads) {
    const ran = w.results.filter((r) => r.status === 'ran' && r.throughput !== undefined);
    parts.push(`<text x="8" y="${y + 14}"><tspan class="w">${esc(w.name)}</tspan><tspan class="s" dx="8">${esc(`${w.title} · ${w.size} · ${w.unit}`)}</tspan></text>`);
    y += HEAD;
    if (!ran.length) { parts.push(`<text x="${LEFT}" y="${y + 10}" class="s">no contender ran</text>`); y += BAR + GAP; }
    for (const r of ran) {
      const rel = r.vsWasmpar ?? 1;
      const end = x(rel);
      const label = `${fmtNumber(r.throughput!)} ${w.unit}${r.contender === 'wasmpar' ? '' : ` · ${fmtRatio(rel)}`}`;
      parts.push(
        `<text x="${LEFT - 6}" y="${y + BAR - 3}" class="c" text-anchor="end">${esc(r.contender)}</text>`,
        `<rect x="${LEFT}" y="${y}" width="${Math.max(1, end - LEFT).toFixed(1)}" height="${BAR}" fill="${COLORS[r.contender]}"><title>${esc(`${r.contender}: ${label}`)}</title></rect>`,
        `<text x="${(end + 4).toFixed(1)}" y="${y + BAR - 3}" class="v">${esc(label)}</text>`,
      );
      y += BAR + GAP;
    }
    y += SPACE;
  }
  const height = y + 24;
  const grid: string[] = [];
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d).toFixed(1);
    const label = d === 0 ? '1× wasmpar' : `${10 ** d >= 1 ? 10 ** d : (10 ** d).toFixed(-d)}×`;
    grid.push(
      `<line x1="${gx}" y1="${TOP - 6}" x2="${gx}" y2="${y}" class="${d === 0 ? 'one' : 'g'}"/>`,
      `<text x="${gx}" y="${TOP - 10}" class="a" text-anchor="middle">${label}</text>`,
      `<text x="${gx}" y="${y + 14}" class="a" text-anchor="middle">${label}</text>`,
    );
  }
  const [h1, h2] = header(report);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    '<style>.w{font-size:13px;font-weight:600}.s{font-size:11px;fill:#555}.c{font-size:11px}.v{font-size:10.5px;fill:#333}.a{font-size:10px;fill:#666}.g{stroke:#ddd;stroke-width:1}.one{stroke:#d62728;stroke-width:1.2;stroke-dasharray:4 3}.t{font-size:16px;font-weight:700}.m{font-size:10.5px;fill:#555}</style>',
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="22" class="t">wasmpar bench — throughput per contender, log scale, relative to wasmpar</text>`,
    `<text x="8" y="38" class="m">${esc(h1!)}</text>`,
    `<text x="8" y="52" class="m">${esc(h2!)}</text>`,
    ...grid,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
