/**
 * The vector-math maps: map-exp, map-log, map-sin, map-cos, map-tanh,
 * map-sigmoid, map-pow and their -f32 forms, one workload per (function,
 * dtype) on the inputs of math-inputs.ts. `native` is C with glibc's libmvec
 * (vectorized through `omp simd`), `libm` the same loop calling scalar libm.
 */
import { CHUNKS_URL, chunks, count, libmForm, nativeForm, peerForms, plainJs, pythonForms, shared, wasmForms } from '../forms.js';
import { fillRamp, MATH_INPUTS, MATH_OPS, mathName, type MathOp } from '../math-inputs.js';
import type { Workload } from '../types.js';
import { mathMap } from '../js-chunks.js';

const MB = 1 << 20;

function workload(op: MathOp, f32: boolean): Workload {
  const name = mathName(op, f32);
  const dt = f32 ? 'f32' : 'f64';
  const inputs = MATH_INPUTS[op];
  const fill = (x: Float64Array | Float32Array, b: Float64Array | Float32Array) => {
    fillRamp(x, inputs.x);
    if (inputs.y) fillRamp(b, inputs.y);
  };
  const sigmoid = op === 'sigmoid' ? ' (numpy, numexpr and C: 1/(1 + exp(-x)))' : '';
  return {
    name,
    title: `${op === 'pow' ? 'pow(x, y)' : `map('${op}')`} ${dt} over ${inputs.range}`,
    unit: 'Melem/s',
    size: { quick: 2 * MB, full: 8 * MB },
    work: (n) => n / 1e6,
    describe: (n) => `${count(n)} ${dt}`,
    notes: `native: glibc libmvec through \`omp simd\`; libm: scalar glibc ${op === 'sigmoid' ? 'exp' : op}${f32 ? 'f' : ''} per element${sigmoid}.`,
    contenders: {
      ...wasmForms((engine, n) => {
        const x = engine.alloc(dt, n), b = engine.alloc(dt, n), y = engine.alloc(dt, n);
        fill(x, b);
        const run = op === 'pow' ? () => engine.powSync(x, b, { out: y }) : () => engine.mapSync(op, x, { out: y });
        return { op: run, free: [x, b, y] };
      }),
      'plain-js': plainJs((n) => {
        const T = f32 ? Float32Array : Float64Array;
        const x = new T(n), b = new T(n), y = new T(n);
        fill(x, b);
        return () => mathMap(op, x, b, y, 0, n);
      }),
      ...peerForms((pool, ctx, n) => {
        const arr = () => (f32 ? shared(Float32Array, n) : shared(Float64Array, n));
        const x = arr(), b = arr(), y = arr();
        fill(x, b);
        const parts = chunks(n, ctx.threads);
        return () => Promise.all(parts.map(([s, e]) => pool.call(CHUNKS_URL, 'mathMap', [op, x, b, y, s, e])));
      }),
      native: nativeForm(name),
      libm: libmForm(name),
      ...pythonForms(name, ['numpy', 'numexpr']),
    },
  };
}

export default MATH_OPS.flatMap((op) => [workload(op, false), workload(op, true)]);
