/**
 * Expression speed targets (issue 12), measured side by side in one run, n = 8M f64, 2 threads:
 *   1. evaluate('2*a + 3*b')            vs a native C OpenMP loop of the same expression   (>= 0.8x)
 *   2. 'a*b - 4.1*a > 2.5*b'            vs the same composed from wasmpar ops (>= 2x) and numexpr, 2 threads (>= 3x)
 *   3. 'sin(a)**2 + cos(b)**2'          vs the same composed from wasmpar ops (>= 2x) and numexpr, 2 threads (>= 3x)
 *      (a, b in [0, 1) as in the inputs; also, for information, over [0, 2π) against numexpr)
 *      (composed twice: with map('square'), which is what the expression runs, and with pow as `**` reads)
 *   4. 'sum(a*b)'                       vs dot(a, b)                                       (>= 0.9x)
 *   5. cached evaluate('a + b') on 1,000 f64 vs add(a, b)                                 (<= 2 µs more)
 *   6. the first evaluate of a new expression (compile included)                           (<= 5 ms)
 * and, for information, the first three on their generated kernel (the fused path) vs on the VM,
 * and the third vs its two map kernels alone (map sin + map cos: what it costs beyond them).
 * numexpr runs when /usr/bin/python3 (or WASMPAR_PYTHON) has it; otherwise its rows say skipped.
 *
 *   node bench/expr.mjs            (BENCH_QUICK=1 for a shorter run)
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/index.js';
import { setFusion } from '../dist/expr/fused.js';
import { buildNative, runNative } from './native/build.mjs';
import { interleave, markdownTable, median, QUICK, QUIET_CORES, quietRatio, withForeignLoad, writeResults } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const N = 8 * 1024 * 1024;
const N_SMALL = 1000;
const BATCH = 200;
const PYTHON = process.env.WASMPAR_PYTHON ?? '/usr/bin/python3';

const native = buildNative('expr');
if (!native.path) console.log(`native reference skipped: ${native.reason}`);
const probe = spawnSync(PYTHON, ['-c', 'import numexpr, numpy; print(numexpr.__version__)'], { encoding: 'utf8' });
const numexpr = probe.status === 0 ? { version: probe.stdout.trim() } : { skipped: `${PYTHON} has no numexpr` };
if (numexpr.skipped) console.log(`numexpr reference skipped: ${numexpr.skipped}`);
function runNumexpr(reps) {
  const r = spawnSync(PYTHON, [join(here, '_numexpr.py'), String(N), '2', String(reps)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`numexpr reference failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const e = await Engine.create({ threads: 2 });
const a = e.alloc('f64', N), b = e.alloc('f64', N), out = e.alloc('f64', N), mask = e.alloc('u8', N);
const t1 = e.alloc('f64', N), t2 = e.alloc('f64', N);
for (let i = 0; i < N; i++) { a[i] = (i % 1000) * 1e-3; b[i] = ((i * 7) % 1000) * 1e-3; }
const pa = e.alloc('f64', N), pb = e.alloc('f64', N);
for (let i = 0; i < N; i++) { pa[i] = (i % 6283) * 1e-3; pb[i] = ((i * 7) % 6283) * 1e-3; }
// Touch every page now so that page faults are not timed.
e.fillSync(out, 0); e.fillSync(mask, 0); e.fillSync(t1, 0); e.fillSync(t2, 0);
const sa = e.alloc('f64', N_SMALL), sb = e.alloc('f64', N_SMALL), so = e.alloc('f64', N_SMALL);
for (let i = 0; i < N_SMALL; i++) { sa[i] = Math.sin(i); sb[i] = Math.cos(i); }

let sink = 0;
let fresh = 0;
const smask = e.alloc('u8', N_SMALL);
const tasks = [
  { name: 'expr 2a+3b', fn: () => { e.evaluateSync('2*a + 3*b', { a, b }, { out }); } },
  { name: 'ops 2a+3b', fn: () => { e.multiplySync(a, 2, { out: t1 }); e.multiplySync(b, 3, { out: t2 }); e.addSync(t1, t2, { out }); } },
  { name: 'expr cmp', fn: () => { e.evaluateSync('a*b - 4.1*a > 2.5*b', { a, b }, { out: mask }); } },
  // wasmpar has no comparison op: the last step is a one-comparison expression.
  { name: 'ops cmp', fn: () => {
    e.multiplySync(a, b, { out: t1 }); e.multiplySync(a, 4.1, { out: t2 }); e.subtractSync(t1, t2, { out: t1 });
    e.multiplySync(b, 2.5, { out: t2 }); e.evaluateSync('x > y', { x: t1, y: t2 }, { out: mask });
  } },
  { name: 'expr trig', fn: () => { e.evaluateSync('sin(a)**2 + cos(b)**2', { a, b }, { out }); } },
  // a and b lie in [0, 1), where most steps of sin and cos skip the reduction: the same over [0, 2π).
  { name: 'expr trig period', fn: () => { e.evaluateSync('sin(a)**2 + cos(b)**2', { a: pa, b: pb }, { out }); } },
  // The same expressions on the VM (the fused path off): what the generated kernel gains.
  { name: 'vm 2a+3b', fn: () => { setFusion(false); try { e.evaluateSync('2*a + 3*b', { a, b }, { out }); } finally { setFusion(true); } } },
  { name: 'vm cmp', fn: () => { setFusion(false); try { e.evaluateSync('a*b - 4.1*a > 2.5*b', { a, b }, { out: mask }); } finally { setFusion(true); } } },
  { name: 'vm trig', fn: () => { setFusion(false); try { e.evaluateSync('sin(a)**2 + cos(b)**2', { a, b }, { out }); } finally { setFusion(true); } } },
  // The expression's transcendental work alone: what it costs beyond that is the expression's overhead.
  { name: 'maps sin, cos', fn: () => { e.mapSync('sin', a, { out: t1 }); e.mapSync('cos', b, { out: t2 }); } },
  { name: 'ops trig', fn: () => {
    e.mapSync('sin', a, { out: t1 }); e.mapSync('square', t1, { out: t1 });
    e.mapSync('cos', b, { out: t2 }); e.mapSync('square', t2, { out: t2 }); e.addSync(t1, t2, { out });
  } },
  // `**` spelled with engine.pow, as the expression reads (the expression itself squares: numpy's fast path).
  { name: 'ops trig pow', fn: () => {
    e.mapSync('sin', a, { out: t1 }); e.powSync(t1, 2, { out: t1 });
    e.mapSync('cos', b, { out: t2 }); e.powSync(t2, 2, { out: t2 }); e.addSync(t1, t2, { out });
  } },
  { name: 'expr sum(a*b)', fn: () => { sink += e.evaluateSync('sum(a*b)', { a, b }); } },
  { name: 'dot', fn: () => { sink += e.dotSync(a, b); } },
  { name: 'evaluate 1000', batch: BATCH, fn: () => { for (let i = 0; i < BATCH; i++) e.evaluateSync('a + b', { a: sa, b: sb }, { out: so }); } },
  // A new source every call: parse, type check, code generation, wasm compile, first run on 1,000 elements.
  { name: 'compile new', fn: () => { e.evaluateSync(`a*b - ${++fresh}*a > 2.5*b + sqrt(a)`, { a: sa, b: sb }, { out: smask }); } },
  { name: 'add 1000', batch: BATCH, fn: () => { for (let i = 0; i < BATCH; i++) e.addSync(sa, sb, { out: so }); } },
];

const refs = { c: [], cLoad: [], ne: [], neLoad: [] };
const reps = QUICK ? 5 : 11;
const t0 = performance.now();
const loadBefore = os.loadavg()[0];
const { p50: times, load: loads } = await interleave(tasks, {
  before: async () => {
    if (native.path) {
      const [r, load] = await withForeignLoad(() => runNative(native.path, N, 2, reps));
      refs.c.push(r); refs.cLoad.push(load);
    }
    if (!numexpr.skipped) {
      const [r, load] = await withForeignLoad(() => runNumexpr(reps));
      refs.ne.push(r); refs.neLoad.push(load);
    }
  },
});
const elapsed = (performance.now() - t0) / 1000;

const rows = [];
const W = (name) => [times[name], loads[name]];
const C = (key) => [refs.c.map((r) => r[key]), refs.cLoad];
const NE = (key) => [refs.ne.map((r) => r[key]), refs.neLoad];
function row(op, subject, ref, target, min) {
  const q = quietRatio(subject[0], subject[1], ref[0], ref[1]);
  const rounds = subject[0].length;
  rows.push({
    op, wasmpar: median(subject[0]), reference: median(ref[0]), ratio: q.ratio,
    note: q.quiet ? `${q.used}/${rounds} quiet rounds` : `busy machine: all ${rounds} rounds`,
    target, pass: min === undefined ? undefined : q.ratio >= min,
  });
}
const skipped = (op, why) => rows.push({ op, wasmpar: '', reference: `skipped: ${why}` });

if (native.path) row("evaluate('2*a + 3*b') vs C OpenMP loop, 2T", W('expr 2a+3b'), C('axpb_ms'), '≥ 0.8×', 0.8);
else skipped("evaluate('2*a + 3*b') vs C OpenMP loop", native.reason);
row("'2*a + 3*b' vs multiply, multiply, add", W('expr 2a+3b'), W('ops 2a+3b'));
row("'a*b - 4.1*a > 2.5*b' vs the same from wasmpar ops", W('expr cmp'), W('ops cmp'), '≥ 2×', 2);
if (!numexpr.skipped) row("'a*b - 4.1*a > 2.5*b' vs numexpr, 2T", W('expr cmp'), NE('cmp_ms'), '≥ 3×', 3);
else skipped("'a*b - 4.1*a > 2.5*b' vs numexpr", numexpr.skipped);
row("'sin(a)**2 + cos(b)**2' vs the same from wasmpar ops (map sin, map square, ...)", W('expr trig'), W('ops trig'), '≥ 2×', 2);
row("'sin(a)**2 + cos(b)**2' vs the same from wasmpar ops, ** as pow", W('expr trig'), W('ops trig pow'));
if (!numexpr.skipped) {
  row("'sin(a)**2 + cos(b)**2' vs numexpr, 2T", W('expr trig'), NE('trig_ms'), '≥ 3×', 3);
  row("'sin(a)**2 + cos(b)**2' vs numexpr, 2T, a and b over [0, 2π)", W('expr trig period'), NE('trig_period_ms'));
}
else skipped("'sin(a)**2 + cos(b)**2' vs numexpr", numexpr.skipped);
row("'sum(a*b)' vs dot(a, b)", W('expr sum(a*b)'), W('dot'), '≥ 0.9×', 0.9);
if (!numexpr.skipped) {
  row("'2*a + 3*b' vs numexpr, 2T", W('expr 2a+3b'), NE('axpb_ms'));
  row("'sum(a*b)' vs numexpr, 2T", W('expr sum(a*b)'), NE('dot_ms'));
}
if (native.path) {
  row("'a*b - 4.1*a > 2.5*b' vs C OpenMP loop, 2T", W('expr cmp'), C('cmp_ms'));
  row("'sin(a)**2 + cos(b)**2' vs C (glibc sin/cos, -ffast-math), 2T", W('expr trig'), C('trig_ms'));
}
row("'2*a + 3*b' fused kernel vs the VM", W('expr 2a+3b'), W('vm 2a+3b'));
row("'a*b - 4.1*a > 2.5*b' fused kernel vs the VM", W('expr cmp'), W('vm cmp'));
row("'sin(a)**2 + cos(b)**2' fused kernel (map kernels called per block) vs the VM", W('expr trig'), W('vm trig'));
row("'sin(a)**2 + cos(b)**2' vs map sin + map cos alone (its overhead)", W('expr trig'), W('maps sin, cos'));
const extraUs = (median(times['evaluate 1000']) - median(times['add 1000'])) * 1e3;
rows.push({ op: "cached evaluateSync('a + b') on 1,000 f64, extra over addSync (per call)", wasmpar: median(times['evaluate 1000']),
  reference: median(times['add 1000']), ratio: `+${extraUs.toFixed(2)} µs`, target: '≤ 2 µs more', pass: extraUs <= 2 });
const compileMs = median(times['compile new']);
rows.push({ op: 'first evaluate of a new expression (parse, check, generate, compile, run on 1,000 f64)', wasmpar: compileMs, reference: '',
  ratio: '', target: '≤ 5 ms', pass: compileMs <= 5 });
const foreign = median(Object.values(loads).flat());

const table = markdownTable(rows);
const load = `load average ${loadBefore.toFixed(2)} → ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores`;
console.log(`\n## wasmpar expressions — n = ${N} f64, ${e.threads} threads, ${QUICK ? 'quick' : 'full'} run, ${times['expr 2a+3b'].length} interleaved rounds, ${elapsed.toFixed(1)} s, ${load}\n`);
console.log(table);
console.log('\nratio = reference time / wasmpar time (> 1: wasmpar faster); times are medians over rounds, the ratio is the median of');
console.log(`per-round ratios over the rounds where other processes used < ${QUIET_CORES} cores (all rounds if fewer than 2 were quiet).`);
console.log(`other processes used a median of ${foreign.toFixed(2)} cores during the measurements.`);
const file = writeResults('expr', {
  rows, table, load, foreignCores: foreign, rounds: times, foreignLoadPerRound: loads,
  native: native.path ? { command: native.command, rounds: refs.c } : { skipped: native.reason },
  numexpr: numexpr.skipped ? numexpr : { ...numexpr, rounds: refs.ne }, sizes: { N, N_SMALL, BATCH }, sink,
});
console.log(`results: ${file}`);
await e.dispose();
