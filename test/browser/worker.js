// A dedicated Worker may block, so the *Sync ops work here (and the engine's own
// workers are nested Workers). Posts one report back to main.js.
import { Engine } from '/dist/browser.js';

const report = { ok: false };
try {
  const engine = await Engine.create({ threads: 2, inlineThreshold: 0 });
  const n = 1_000_000;
  const x = engine.alloc('f64', n);
  for (let i = 0; i < n; i++) x[i] = (i % 1000) / 1000;
  let ref = 0;
  for (let i = 0; i < n; i++) ref += x[i];
  const s = engine.sumSync(x);
  const sq = engine.mapSync((v) => v * v, x);
  let sqOk = true;
  for (let i = 0; i < n; i++) if (sq[i] !== x[i] * x[i]) { sqOk = false; break; }
  const asyncSum = await engine.sum(x);
  Object.assign(report, { ok: true, threads: engine.threads, sumSync: s, ref, sumAsync: asyncSum, mapSyncOk: sqOk });
  await engine.dispose();
} catch (err) {
  report.error = `${err && err.stack || err}`;
}
postMessage(report);
