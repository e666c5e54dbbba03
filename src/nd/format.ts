/**
 * numpy-style printing of small arrays: `[[1. 2.]\n [3. 4.]]`, values padded to
 * one width, floats trimmed as numpy's default (1., 2.5), arrays over 1000
 * elements summarised with '...' keeping 3 items at each edge.
 */
interface Printable {
  readonly data: ArrayLike<number>;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

const THRESHOLD = 1000;
const EDGE = 3;

function formatFloats(values: number[]): string[] {
  const finite = values.filter((v) => Number.isFinite(v));
  const big = finite.some((v) => v !== 0 && (Math.abs(v) >= 1e16 || Math.abs(v) < 1e-4));
  if (big) return values.map((v) => (Number.isFinite(v) ? v.toExponential(Math.min(8, shortestDigits(v))).replace(/e([+-])(\d)$/, 'e$10$2') : special(v)));
  // Fixed point with the fewest decimals (≤ 8) that round-trip each value, then pad right.
  const decimals = (v: number) => {
    for (let d = 0; d < 8; d++) if (Number(v.toFixed(d)) === v) return d;
    return 8;
  };
  return values.map((v) => {
    if (!Number.isFinite(v)) return special(v);
    const d = decimals(v);
    const s = v.toFixed(d);
    return d === 0 ? `${s}.` : s.replace(/0+$/, '');
  });
}

function shortestDigits(v: number): number {
  for (let d = 0; d < 8; d++) if (Number(v.toExponential(d)) === v) return d;
  return 8;
}

function special(v: number): string { return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'; }

export function formatArray(a: Printable): string {
  const summarise = a.shape.reduce((p, d) => p * d, 1) > THRESHOLD;
  const float = a.dtype === 'f64' || a.dtype === 'f32';
  // Collect the printed values first: padding depends on all of them.
  const values: number[] = [];
  const walk = (d: number, k: number): void => {
    if (d === a.shape.length) { values.push(a.data[k]!); return; }
    const n = a.shape[d]!;
    for (let i = 0; i < n; i++) {
      if (summarise && n > 2 * EDGE && i === EDGE) i = n - EDGE;
      walk(d + 1, k + i * a.strides[d]!);
    }
  };
  walk(0, a.offset);
  const text = float ? formatFloats(values) : values.map(String);
  let width = 0, frac = 0;
  const parts = text.map((t) => { const i = t.indexOf('.'); return i < 0 || /e/.test(t) ? [t, ''] : [t.slice(0, i), t.slice(i)]; });
  for (const [w, f] of parts) { width = Math.max(width, w!.length); frac = Math.max(frac, f!.length); }
  const cells = parts.map(([w, f]) => w!.padStart(width) + f!.padEnd(frac));
  let next = 0;
  const render = (d: number, indent: string): string => {
    if (d === a.shape.length) return cells[next++]!;
    const n = a.shape[d]!;
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      if (summarise && n > 2 * EDGE && i === EDGE) { items.push('...'); i = n - EDGE; }
      items.push(render(d + 1, indent + ' '));
    }
    const sep = d === a.shape.length - 1 ? ' ' : '\n'.repeat(a.shape.length - d - 1) + indent + ' ';
    return `[${items.join(sep)}]`;
  };
  return render(0, '');
}
