/**
 * numpy-style printing (`str(a)` with numpy's default print options): floats as numpy's
 * FloatingFormat (precision 8, 'maxprec', scientific when the non-zero magnitudes reach 1e8,
 * go below 1e-4 or span more than 1e3), values padded to one width, rows wrapped at 75
 * columns, arrays over 1000 elements summarised with '...' keeping 3 items at each edge,
 * size-0 arrays as `[]` and 0-d arrays as their scalar.
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
const LINE_WIDTH = 75;
const PRECISION = 8;

/** The shortest digits that read back as `v` in its dtype (numpy's dragon4 'unique'). */
function shortest(v: number, f32: boolean): { digits: string; exp: number } {
  let s = Math.abs(v).toExponential();
  if (f32) {
    for (let p = 0; p < 9; p++) {
      const t = Math.abs(v).toExponential(p);
      if (Math.fround(Number(t)) === Math.abs(v)) { s = t; break; }
    }
  }
  const [m, e] = s.split('e') as [string, string];
  return { digits: m.replace('.', ''), exp: Number(e) };
}

const sign = (v: number) => (v < 0 || Object.is(v, -0) ? '-' : '');

/** Positional digits with at most PRECISION decimals, trailing zeros trimmed: [int, frac]. */
function positional(v: number, f32: boolean): [string, string] {
  const { digits, exp } = shortest(v, f32);
  let int: string, frac: string;
  if (digits.length - 1 - exp > PRECISION) {
    [int, frac] = Math.abs(v).toFixed(PRECISION).split('.') as [string, string];
  } else if (exp >= 0) {
    const d = digits.padEnd(exp + 1, '0');
    int = d.slice(0, exp + 1); frac = d.slice(exp + 1);
  } else {
    int = '0'; frac = '0'.repeat(-exp - 1) + digits;
  }
  return [sign(v) + int, frac.replace(/0+$/, '')];
}

/** Scientific digits with at most PRECISION mantissa decimals, trimmed: [int, frac, exp]. */
function scientific(v: number, f32: boolean): [string, string, number] {
  let { digits, exp } = shortest(v, f32);
  if (digits.length - 1 > PRECISION) {
    const [m, e] = Math.abs(v).toExponential(PRECISION).split('e') as [string, string];
    digits = m.replace('.', ''); exp = Number(e);
  }
  if (v === 0) exp = 0;
  return [sign(v) + digits[0]!, digits.slice(1).replace(/0+$/, ''), exp];
}

function special(v: number): string { return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'; }

function formatFloats(values: number[], f32: boolean): string[] {
  const finite = values.filter((v) => Number.isFinite(v));
  const mags = finite.filter((v) => v !== 0).map(Math.abs);
  const max = Math.max(...mags), min = Math.min(...mags);
  const exp = mags.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
  let padLeft = 0, padRight = 0;
  let cell: (v: number) => string;
  if (finite.length === 0) {
    cell = () => '';
  } else if (exp) {
    const parts = finite.map((v) => scientific(v, f32));
    const precision = Math.max(...parts.map((p) => p[1].length));
    const expSize = Math.max(2, ...parts.map((p) => String(Math.abs(p[2])).length));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = expSize + 2 + precision;
    cell = (v) => {
      const [i, f, e] = scientific(v, f32);
      return `${i.padStart(padLeft)}.${f.padEnd(precision, '0')}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(expSize, '0')}`;
    };
  } else {
    const parts = finite.map((v) => positional(v, f32));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = Math.max(...parts.map((p) => p[1].length));
    cell = (v) => { const [i, f] = positional(v, f32); return `${i.padStart(padLeft)}.${f.padEnd(padRight)}`; };
  }
  if (finite.length !== values.length) {
    const inf = values.some((v) => v === -Infinity) ? 4 : 3;
    padLeft = Math.max(padLeft, 3 - (padRight + 1), inf - (padRight + 1));
  }
  return values.map((v) => (Number.isFinite(v) ? cell(v) : special(v).padStart(padLeft + padRight + 1)));
}

/** A 0-d array prints as numpy prints its scalar (Python's float repr rules). */
function formatScalar(v: number, float: boolean, f32: boolean): string {
  if (!float) return String(v);
  if (!Number.isFinite(v)) return special(v);
  const a = Math.abs(v);
  if (a === 0 || (a >= 1e-4 && a < 1e16)) {
    const [i, f] = positional(v, f32);
    return `${i}.${f || '0'}`;
  }
  const { digits, exp } = shortest(v, f32);
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign(v)}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

export function formatArray(a: Printable): string {
  const float = a.dtype === 'f64' || a.dtype === 'f32';
  const f32 = a.dtype === 'f32';
  const size = a.shape.reduce((p, d) => p * d, 1);
  if (a.shape.length === 0) return formatScalar(a.data[a.offset]!, float, f32);
  if (size === 0) return '[]';
  const summarise = size > THRESHOLD;
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
  let cells: string[];
  if (float) cells = formatFloats(values, f32);
  else {
    const width = Math.max(...values.map((v) => String(v).length));
    cells = values.map((v) => String(v).padStart(width));
  }
  let next = 0;
  // numpy's _formatArray: rows wrap before LINE_WIDTH with a hanging indent.
  const render = (d: number, indent: string, width: number): string => {
    if (d === a.shape.length) return cells[next++]!;
    const n = a.shape[d]!;
    const inner = indent + ' ';
    const summary = summarise && n > 2 * EDGE;
    let s = '';
    if (d === a.shape.length - 1) {
      const elemWidth = width - 1;
      let line = indent;
      const extend = (word: string, w: number) => {
        if (line.length + word.length > w && line.length > indent.length) { s += `${line.trimEnd()}\n`; line = indent; }
        line += word;
      };
      for (let i = 0; i < n; i++) {
        if (summary && i === EDGE) { extend('...', elemWidth); line += ' '; i = n - EDGE; }
        extend(render(d + 1, inner, width - 1), elemWidth);
        if (i < n - 1) line += ' ';
      }
      s += line;
    } else {
      const sep = '\n'.repeat(a.shape.length - d - 1);
      const rows: string[] = [];
      for (let i = 0; i < n; i++) {
        if (summary && i === EDGE) { rows.push(indent + '...'); i = n - EDGE; }
        rows.push(indent + render(d + 1, inner, width - 1));
      }
      s = rows.join(sep);
    }
    return `[${s.slice(indent.length)}]`;
  };
  return render(0, ' ', LINE_WIDTH);
}
