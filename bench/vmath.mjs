// Single-thread throughput of the table-free map kernels vs a plain JS loop
// over Math.* (1M elements, best of several runs), f64 and f32 (the f32 rows
// also show the kernel's speed against the f64 kernel on the same values).
// Run: node bench/vmath.mjs
import { readFileSync } from 'node:fs';

const bytes = readFileSync(new URL('../build/kernels.wasm', import.meta.url));
const memory = new WebAssembly.Memory({ initial: 1024, maximum: 65536, shared: true });
const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const N = 1 << 20, X = 1 << 16, O = X + N * 8, X2 = O + N * 8;
const x = new Float64Array(memory.buffer, X, N), out = new Float64Array(memory.buffer, O, N);
const x2 = new Float64Array(memory.buffer, X2, N);
const jsOut = new Float64Array(N);
const xf = new Float32Array(memory.buffer, X2 + N * 8, N), outf = new Float32Array(memory.buffer, X2 + N * 12, N);
const jsOutF = new Float32Array(N);

function best(fn, reps = 7) {
  let t = Infinity;
  for (let r = 0; r < reps; r++) { const t0 = process.hrtime.bigint(); fn(); t = Math.min(t, Number(process.hrtime.bigint() - t0) / 1e9); }
  return N / t;
}
const rows = [];
const cases = [
  ['sin', () => { for (let i = 0; i < N; i++) x[i] = (Math.random() - 0.5) * 200; }, Math.sin],
  ['cos', () => { for (let i = 0; i < N; i++) x[i] = (Math.random() - 0.5) * 200; }, Math.cos],
  ['exp', () => { for (let i = 0; i < N; i++) x[i] = (Math.random() - 0.5) * 100; }, Math.exp],
  ['log', () => { for (let i = 0; i < N; i++) x[i] = Math.random() * 1e6; }, Math.log],
  ['tanh', () => { for (let i = 0; i < N; i++) x[i] = (Math.random() - 0.5) * 10; }, Math.tanh],
  ['sigmoid', () => { for (let i = 0; i < N; i++) x[i] = (Math.random() - 0.5) * 20; }, (v) => 1 / (1 + Math.exp(-v))],
];
for (const [op, fill, f] of cases) {
  fill();
  const wasm = best(() => ex[`${op}_f64`](0, N, X, O));
  const js = best(() => { for (let i = 0; i < N; i++) jsOut[i] = f(x[i]); });
  rows.push({ op: `${op}_f64`, 'wasm Melem/s': (wasm / 1e6).toFixed(1), 'JS Melem/s': (js / 1e6).toFixed(1), ratio: (wasm / js).toFixed(2) });
  xf.set(x);
  const wasmF = best(() => ex[`${op}_f32`](0, N, xf.byteOffset, outf.byteOffset));
  const jsF = best(() => { for (let i = 0; i < N; i++) jsOutF[i] = f(xf[i]); });
  rows.push({ op: `${op}_f32`, 'wasm Melem/s': (wasmF / 1e6).toFixed(1), 'JS Melem/s': (jsF / 1e6).toFixed(1), ratio: (wasmF / jsF).toFixed(2), 'vs f64 kernel': (wasmF / wasm).toFixed(2) });
}
for (let i = 0; i < N; i++) { x[i] = Math.random() * 10; x2[i] = (Math.random() - 0.5) * 20; }
const wasm = best(() => ex.pow_f64(0, N, X, X2, O));
const js = best(() => { for (let i = 0; i < N; i++) jsOut[i] = Math.pow(x[i], x2[i]); });
rows.push({ op: 'pow_f64', 'wasm Melem/s': (wasm / 1e6).toFixed(1), 'JS Melem/s': (js / 1e6).toFixed(1), ratio: (wasm / js).toFixed(2) });
const yf = new Float32Array(memory.buffer, X2 + N * 16, N);
xf.set(x); yf.set(x2);
const wasmF = best(() => ex.pow_f32(0, N, xf.byteOffset, yf.byteOffset, outf.byteOffset));
const jsF = best(() => { for (let i = 0; i < N; i++) jsOutF[i] = Math.pow(xf[i], yf[i]); });
rows.push({ op: 'pow_f32', 'wasm Melem/s': (wasmF / 1e6).toFixed(1), 'JS Melem/s': (jsF / 1e6).toFixed(1), ratio: (wasmF / jsF).toFixed(2), 'vs f64 kernel': (wasmF / wasm).toFixed(2) });
console.table(rows);
