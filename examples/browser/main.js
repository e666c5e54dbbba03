// The browser demo: the Mandelbrot kernel of examples/mandelbrot/ (AssemblyScript,
// compiled by serve.mjs) run by wasmpar's browser engine on every core, beside a
// 1-thread engine for comparison. `window.demo` lets test/browser-demo.test.ts
// drive it and compare the picture with the plain-JS reference, computed here.
import { Engine } from '/dist/browser.js';
import { renderJs, view } from '/examples/mandelbrot/view.mjs';

const params = new URLSearchParams(location.search);
const [W, H] = (params.get('size') ?? '800x600').split('x').map(Number);
const $ = (id) => document.getElementById(id);
const canvas = $('view');
canvas.width = W;
canvas.height = H;
const ctx = canvas.getContext('2d');
const image = ctx.createImageData(W, H);
const pixels = new Uint32Array(image.data.buffer);

const HOME = { centerX: -0.75, centerY: 0, spanX: 3.5 };
const state = { ...HOME, maxIter: Number(params.get('iter') ?? $('iter').value) };
if (![...$('iter').options].some((o) => o.value === String(state.maxIter))) $('iter').add(new Option(String(state.maxIter)));
$('iter').value = String(state.maxIter);

/** RGBA (little-endian u32) per escape count: black inside the set, a log ramp outside (as examples/mandelbrot/render.mjs). */
function palette(maxIter) {
  const lut = new Uint32Array(maxIter + 1);
  const scale = 1 / Math.log(maxIter + 1);
  for (let n = 0; n < maxIter; n++) {
    const t = Math.log(n + 1) * scale;
    const r = Math.round(255 * Math.min(1, 9 * (1 - t) * t * t * t));
    const g = Math.round(255 * Math.min(1, 15 * (1 - t) * (1 - t) * t * t));
    const b = Math.round(255 * Math.min(1, 8.5 * (1 - t) ** 3 * t + t * t));
    lut[n] = 0xff000000 | (b << 16) | (g << 8) | r;
  }
  lut[maxIter] = 0xff000000;
  return lut;
}

async function setUp() {
  const kernelUrl = new URL('./mandelbrot.wasm', import.meta.url);
  const all = await Engine.create();                  // navigator.hardwareConcurrency threads
  const one = await Engine.create({ threads: 1 });    // the same SIMD kernel on this thread only
  const side = async (engine) => ({ engine, mod: await engine.load(kernelUrl), out: engine.alloc('u32', W * H) });
  return { all: await side(all), one: await side(one) };
}

function currentView() {
  return view(W, H, { centerX: state.centerX, centerY: state.centerY, spanX: state.spanX });
}

async function render({ engine, mod, out }, v) {
  // A few rows per chunk, so the costly rows through the set spread over all threads.
  const chunkSize = Math.max(1, Math.ceil(H / (engine.threads * 32)));
  const t0 = performance.now();
  await engine.parallelFor(mod.mandelbrot, H, out, W, H, v.x0, v.y0, v.dx, v.dy, state.maxIter, { chunkSize });
  return performance.now() - t0;
}

let sides;
let lut = palette(state.maxIter);
let running = null;
let again = false;
const last = { msAll: NaN, msOne: NaN, view: null, maxIter: state.maxIter };

/** Render the current view (one frame at a time; a request during a frame re-renders once after it). */
function frame() {
  if (running) { again = true; return running; }
  running = (async () => {
    do {
      again = false;
      const v = currentView();
      if (lut.length !== state.maxIter + 1) lut = palette(state.maxIter);
      last.msAll = await render(sides.all, v);
      const counts = sides.all.out;
      for (let i = 0; i < counts.length; i++) pixels[i] = lut[counts[i]];
      ctx.putImageData(image, 0, 0);
      last.msOne = $('compare').checked ? await render(sides.one, v) : NaN;
      last.view = v;
      last.maxIter = state.maxIter;
      showStats();
    } while (again);
  })().finally(() => { running = null; });
  return running;
}

function showStats() {
  const fmt = (ms) => (Number.isNaN(ms) ? '—' : `${ms.toFixed(1)} ms`);
  $('threads').textContent = `${sides.all.engine.threads} (navigator.hardwareConcurrency ${navigator.hardwareConcurrency})`;
  $('msAll').textContent = fmt(last.msAll);
  $('msOne').textContent = fmt(last.msOne);
  $('speedup').textContent = Number.isNaN(last.msOne) ? '—' : `${(last.msOne / last.msAll).toFixed(2)}×`;
  $('where').textContent = `center ${state.centerX.toPrecision(8)} ${state.centerY >= 0 ? '+' : '−'} ${Math.abs(state.centerY).toPrecision(8)}i, `
    + `width ${state.spanX.toExponential(2)}, ${state.maxIter} iterations`;
}

/** Zoom by `factor` (< 1 zooms in) keeping the point under pixel (px, py) where it is. */
function zoomAt(px, py, factor) {
  const v = currentView();
  const x = v.x0 + px * v.dx, y = v.y0 + py * v.dy;
  state.spanX *= factor;
  state.centerX = x + (state.centerX - x) * factor;
  state.centerY = y + (state.centerY - y) * factor;
  return frame();
}

function pixelOf(e) {
  const r = canvas.getBoundingClientRect();
  return [((e.clientX - r.left) / r.width) * W, ((e.clientY - r.top) / r.height) * H];
}

/** Compare both engines' last frame with the plain-JS reference of the same view. */
function check() {
  const ref = renderJs(W, H, last.maxIter, last.view);
  let mismatchesAll = 0, mismatchesOne = 0, inSet = 0;
  for (let i = 0; i < ref.length; i++) {
    if (sides.all.out[i] !== ref[i]) mismatchesAll++;
    if (sides.one.out[i] !== ref[i]) mismatchesOne++;
    if (ref[i] === last.maxIter) inSet++;
  }
  return { pixels: ref.length, mismatchesAll, mismatchesOne, inSet, distinct: new Set(ref).size, ...last, threads: sides.all.engine.threads };
}

async function main() {
  if (!crossOriginIsolated) throw new Error('this page is not cross-origin isolated: serve it with COOP/COEP (npm run demo:browser does)');
  sides = await setUp();
  canvas.addEventListener('click', (e) => zoomAt(...pixelOf(e), e.shiftKey ? 2 : 0.5));
  canvas.addEventListener('contextmenu', (e) => { e.preventDefault(); zoomAt(...pixelOf(e), 2); });
  canvas.addEventListener('wheel', (e) => { e.preventDefault(); zoomAt(...pixelOf(e), e.deltaY > 0 ? 1.25 : 0.8); }, { passive: false });
  $('iter').addEventListener('change', () => { state.maxIter = Number($('iter').value); frame(); });
  $('compare').addEventListener('change', () => frame());
  $('reset').addEventListener('click', () => { Object.assign(state, HOME); frame(); });
  await frame();
}

window.demo = {
  ready: main().catch((err) => { $('error').textContent = String(err && err.stack || err); throw err; }),
  frame, zoomAt, check,
};
