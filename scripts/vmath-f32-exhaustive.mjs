// Every f32 input of exp_f32 / log_f32 (or the ops named on the command line)
// against Math.* in f64, over the whole domain where the result is finite and
// non-zero: the largest distance in ulps from fround(Math.*) and the largest
// error in ulps of the result (fractional). Math's f64 error is ~2^-29 of an
// f32 ulp, so fround(Math.*) is the correctly rounded f32 except within that
// distance of a midpoint, where an error below 1 still bounds the distance.
// Run after `npm run build`:
//   node scripts/vmath-f32-exhaustive.mjs [exp] [log] [sigmoid] [tanh]
import { writeMathTables } from '../dist/runtime/math-tables.js';
import { readFileSync } from 'node:fs';

const bytes = readFileSync(new URL('../build/kernels.wasm', import.meta.url));
const memory = new WebAssembly.Memory({ initial: 1024, maximum: 65536, shared: true });
writeMathTables(memory); // as the engine does (exp reads its table from the memory)
const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const REF = { exp: Math.exp, log: Math.log, tanh: Math.tanh, sigmoid: (v) => 1 / (1 + Math.exp(-v)), sin: Math.sin, cos: Math.cos };
const CHUNK = 1 << 20, X = 1 << 16, O = X + CHUNK * 4;
const xs = new Float32Array(memory.buffer, X, CHUNK), xb = new Uint32Array(memory.buffer, X, CHUNK), out = new Float32Array(memory.buffer, O, CHUNK);
const f = new Float32Array(1), u = new Uint32Array(f.buffer), g = new Int32Array(f.buffer);
function ord(v) { f[0] = v; return g[0] < 0 ? -(g[0] & 0x7fffffff) : g[0]; }
/** The f32 ulp at |v| (the gap above it; subnormal spacing below 2^-126). */
function ulp32(v) { f[0] = Math.abs(v); u[0] = Math.min(u[0] & 0x7f800000, 0x7f000000); const e = f[0]; return e < 1.1754943508222875e-38 ? 1.401298464324817e-45 : e * 2 ** -23; }

for (const op of process.argv.length > 2 ? process.argv.slice(2) : ['exp', 'log']) {
  const ref = REF[op];
  let worst = 0, at = 0, dist = 0, distAt = 0;
  const t0 = Date.now();
  for (let base = 0; base < 2 ** 32; base += CHUNK) {
    for (let i = 0; i < CHUNK; i++) xb[i] = base + i;
    ex[`${op}_f32`](0, CHUNK, X, O);
    for (let i = 0; i < CHUNK; i++) {
      const x = xs[i];
      if (x !== x) continue;
      const want = ref(x), got = out[i];
      if (!Number.isFinite(want) || Math.abs(want) > 3.4028234663852886e38 || want === 0) continue;
      const cr = Math.fround(want);
      const err = Math.abs(got - want) / Math.min(ulp32(cr), ulp32(got));
      if (err > worst) { worst = err; at = x; }
      const d = Math.abs(ord(got) - ord(cr));
      if (d > dist) { dist = d; distAt = x; }
    }
  }
  console.log(`${op}_f32: at most ${dist} ulp from fround(Math.${op === 'sigmoid' ? 'exp' : op})${dist ? ` (x = ${distAt})` : ''}; max error ${worst.toFixed(4)} ulp at x = ${at} (every finite f32 input, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
