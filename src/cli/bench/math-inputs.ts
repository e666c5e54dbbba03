/**
 * The vector-math map workloads (map-exp, map-log, ..., map-pow-f32): each
 * function's inputs, shared by every side. Element i of an input is
 * (i mod m + c)·step + lo, so every contender (JS, C, Python) fills the same
 * values from this one table; native-source.ts and python-source.ts
 * interpolate it into their code. f32 workloads round the same values to f32.
 */
export const MATH_OPS = ['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'pow'] as const;
export type MathOp = (typeof MATH_OPS)[number];

/** [m, c, step, lo]: i -> (i % m + c) * step + lo. */
export type Ramp = readonly [number, number, number, number];

export const MATH_INPUTS: Record<MathOp, { x: Ramp; y?: Ramp; range: string }> = {
  exp: { x: [2000, 0, 1e-2, -10], range: '[-10, 10)' },
  log: { x: [100000, 1, 1e-3, 0], range: '(0, 100]' },
  sin: { x: [6283, 0, 1e-3, 0], range: '[0, 2π)' },
  cos: { x: [6283, 0, 1e-3, 0], range: '[0, 2π)' },
  tanh: { x: [1000, 0, 1e-2, -5], range: '[-5, 5)' },
  sigmoid: { x: [2000, 0, 1e-2, -10], range: '[-10, 10)' },
  // A prime period for y, so that every base meets many exponents.
  pow: { x: [1000, 1, 1e-2, 0], y: [1009, 0, 1e-2, -5], range: 'x in (0, 10], y in [-5, 5.09)' },
};

/** The workload name: map-<op> (f64) or map-<op>-f32. */
export const mathName = (op: MathOp, f32: boolean) => `map-${op}${f32 ? '-f32' : ''}`;

/** Fills `out` with a ramp (typed-array stores round to f32 where they must). */
export function fillRamp(out: { length: number; [i: number]: number }, [m, c, step, lo]: Ramp): void {
  for (let i = 0; i < out.length; i++) out[i] = ((i % m) + c) * step + lo;
}
