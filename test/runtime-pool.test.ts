// The numeric worker pool seen from outside: a dispose that must settle while a
// crashed worker's replacement is starting, and Node flags that workers refuse.
import { describe, expect, it } from 'vitest';
import { distIndex, runNode, scriptFile } from './helpers/run-node.js';

describe('numeric pool lifecycle', () => {
  it('dispose() issued while a crashed worker\'s replacement is starting settles (3 threads)', async () => {
    // Nothing else keeps the event loop alive: a dispose that waits on an unref()ed
    // worker ends the process with the await unsettled (exit code 13).
    const file = scriptFile(`
      import { Engine } from '${distIndex}';
      globalThis.__main = true;
      const e = await Engine.create({ threads: 3, inlineThreshold: 0 });
      const x = e.from(Float64Array.from({ length: 400_000 }, (_, i) => i % 10));
      const crash = (v) => { if (v === 7 && !globalThis.__main) process.exit(1); let s = v; for (let i = 0; i < 20; i++) s = Math.sqrt(s + i); return v; };
      const op = e.map(crash, x).then(() => 'ok', (err) => err.code);
      await new Promise((r) => setTimeout(r, 30));
      let settled = false;
      process.on('exit', () => { if (!settled) console.log('UNSETTLED'); });
      await e.dispose();
      settled = true;
      console.log('disposed', await op);
    `);
    const r = await runNode([file], { timeout: 20_000 });
    expect(r.stdout.trim()).toBe('disposed ERR_WORKER_CRASH');
    expect(r.code).toBe(0);
  });
});

describe('Node flags that a worker refuses in an explicit execArgv', () => {
  const flags = ['--max-old-space-size=1024', '--expose-gc', '--stack-size=2000', '--title=wasmpar-test', '--abort-on-uncaught-exception', '--v8-pool-size=2'];
  const program = `
    import { Engine, Pool } from '${distIndex}';
    const e = await Engine.create({ threads: 2, inlineThreshold: 0 });
    const s = await e.sum(e.from([1, 2, 3, 4]));
    await e.dispose();
    const pool = new Pool({ workers: 2 });
    const r = await pool.map((x) => x * 2, [1, 2, 3]);
    await pool.terminate();
    console.log(JSON.stringify([s, r]));
  `;
  it('Engine.create and new Pool() work under every such flag (entry from a file)', async () => {
    const file = scriptFile(program);
    const r = await runNode([...flags, file], { timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('[10,[2,4,6]]');
  });
  it('... and with the entry read from a string (node --input-type=module -e)', async () => {
    const r = await runNode([...flags, '--input-type=module', '-e', program], { timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('[10,[2,4,6]]');
  });
});
