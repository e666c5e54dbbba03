// The math tables (src/runtime/math-tables.ts): the kernels' offsets
// (assembly/math-tables.ts) agree with the engine's, the checked-in files are
// what scripts/gen-math-tables.py makes, and every engine's memory holds the
// words before its first kernel runs, below the heap and above the partials.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/index.js';
import * as data from '../dist/runtime/math-tables-data.js';
import { mathTableBytes } from '../dist/runtime/math-tables.js';
import { HEAP_BASE } from '../dist/memory/heap.js';
import { MAX_CHUNKS, PARTIALS_BYTE } from '../dist/runtime/protocol.js';
import { PYTHON } from './numpy/oracle.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const GENERATED = ['src/runtime/math-tables-data.ts', 'assembly/math-tables.ts'];

/** `export const NAME: usize = 123;` (or `: i32`) lines of the kernels' file. */
function assemblyConsts(type: 'usize' | 'i32'): Record<string, number> {
  const text = readFileSync(join(root, 'assembly/math-tables.ts'), 'utf8');
  return Object.fromEntries([...text.matchAll(new RegExp(`^export const (\\w+): ${type} = (\\d+);$`, 'gm'))].map((m) => [m[1]!, Number(m[2])]));
}
const assemblyOffsets = () => assemblyConsts('usize');
const EXP_N = assemblyConsts('i32').EXP_N!;

describe('math tables', () => {
  it('the kernels and the engine use the same offsets', () => {
    const asm = assemblyOffsets();
    const ts = Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === 'number'));
    expect(Object.keys(asm).length).toBeGreaterThanOrEqual(3);
    expect(asm).toEqual(ts);
  });

  it('sit between the reduction partials and the heap, and every table inside the region', () => {
    expect(PARTIALS_BYTE + MAX_CHUNKS * 8).toBeLessThanOrEqual(data.MATH_TABLES_BYTE);
    expect(data.MATH_TABLES_END).toBeLessThanOrEqual(HEAP_BASE);
    expect(data.MATH_TABLES_BYTE + mathTableBytes().length).toBeLessThanOrEqual(data.MATH_TABLES_END);
    for (const [name, off] of Object.entries(assemblyOffsets())) {
      if (name.startsWith('MATH_TABLES_')) continue;
      expect(off % 64, name).toBe(0);
      expect(off, name).toBeGreaterThanOrEqual(data.MATH_TABLES_BYTE);
      expect(off, name).toBeLessThan(data.MATH_TABLES_BYTE + mathTableBytes().length);
    }
  });

  it('exp table: 2^(i/N) = hi * (1 + tail), hi carried with the i bits taken out', () => {
    expect([128, 256, 512, 1024]).toContain(EXP_N);
    const shift = BigInt(52 - Math.log2(EXP_N));
    const f = new Float64Array(mathTableBytes().slice().buffer);
    const u = new BigUint64Array(f.buffer);
    const base = (data.EXP_TABLE - data.MATH_TABLES_BYTE) / 8;
    for (let i = 0; i < EXP_N; i++) {
      const tail = f[base + 2 * i]!;
      const hiBits = (u[base + 2 * i + 1]! + (BigInt(i) << shift)) & 0xffffffffffffffffn;
      const hi = new Float64Array(new BigUint64Array([hiBits]).buffer)[0]!;
      const exact = 2 ** (i / EXP_N); // within an ulp or so: enough to catch a misplaced word
      expect(Math.abs(hi - exact) / exact, `i = ${i}`).toBeLessThan(2 ** -51);
      expect(Math.abs(tail), `i = ${i}`).toBeLessThanOrEqual(2 ** -53);
    }
  });

  it('the checked-in files are the generator\'s output', () => {
    const out = mkdtempSync(join(tmpdir(), 'wasmpar-tables-'));
    try {
      execFileSync(PYTHON, [join(root, 'scripts/gen-math-tables.py'), '--out', out], { cwd: root, timeout: 120_000 });
      for (const f of GENERATED) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(root, f), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 150_000);

  for (const threads of [1, 2, 3]) {
    it(`an engine's memory holds the words (threads: ${threads}), and exp reads them`, async () => {
      const engine = await Engine.create({ threads });
      try {
        const want = mathTableBytes();
        expect(new Uint8Array(engine.memory.buffer, data.MATH_TABLES_BYTE, want.length)).toEqual(want);
        // Before anything else ran: exp at the table's every index gives 2^(i/N) e^0 to within an ulp.
        const x = Float64Array.from({ length: EXP_N }, (_, i) => (i * Math.LN2) / EXP_N);
        const y = engine.mapSync('exp', x);
        for (let i = 0; i < EXP_N; i++) expect(Math.abs(y[i]! - Math.exp(x[i]!)) / Math.exp(x[i]!)).toBeLessThan(2 ** -51);
      } finally {
        await engine.dispose();
      }
    });
  }
});
