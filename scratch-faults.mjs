import { spawn } from 'node:child_process';
import { BullmqClient } from './dist/tasks/backends/bullmq-client.js';
const url = 'redis://127.0.0.1:16399';
const start = (name) => new Promise((res) => {
  const c = spawn(process.execPath, ['dist/cli/bin.js', 'worker', '--redis', url, '--queue', 'f1', '--concurrency', '1', '--verbose', '--lock-duration', '1000', '--stalled-interval', '500']);
  c.stdout.on('data', (d) => { process.stdout.write(`[${name}] ${d}`); if (/ready/.test(d)) res(c); });
  c.stderr.on('data', (d) => process.stdout.write(`[${name} err] ${d}`));
});
const w1 = await start('w1');
const c = new BullmqClient({ connection: url, queue: 'f1' });
await c.ready();
const spin = { s: '(ms, v) => { const e = Date.now() + ms; while (Date.now() < e); return v; }' };
let t0 = performance.now();
const h = c.submit({ fns: [spin], calls: [[1500, 'A']] }, () => console.log('active at', performance.now() - t0));
await new Promise((r) => setTimeout(r, 400));
w1.kill('SIGKILL');
console.log('killed w1');
const w2 = await start('w2');
console.log('result', await h.promise, performance.now() - t0);
// redis down at start
t0 = performance.now();
const bad = new BullmqClient({ connection: 'redis://127.0.0.1:1', queue: 'x', connectTimeoutMs: 1000 });
try { await bad.submit({ fns: [spin], calls: [[1, 1]] }).promise; } catch (e) { console.log('down at start:', e.name, e.code, e.message, performance.now() - t0); }
await bad.close();
w2.kill('SIGTERM');
await c.close();
