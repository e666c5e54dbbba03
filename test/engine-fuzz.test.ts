// Property tests (fast-check) over op × dtype × length × offset (unaligned views)
// × aliasing × threads (1–3) × sync/async, with guard bytes around every view
// (test/helpers/op-cases.ts): each case must equal the op on fresh arrays on one
// thread, write nothing outside its output, leak no scratch, and (where the op's
// semantics are settled) equal a JS reference.
// ~500 cases in `npm test`; `npm run test:fuzz` runs WASMPAR_FUZZ_RUNS (10,000) of them.
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../dist/index.js';
import { createEngines, disposeAll, withTimeout } from './helpers/engine-ref.js';
import { OPS, runCase, type Alias, type CaseParams } from './helpers/op-cases.js';

const RUNS = Number(process.env.WASMPAR_FUZZ_RUNS ?? 500);
const SEED = process.env.WASMPAR_FUZZ_SEED === undefined ? undefined : Number(process.env.WASMPAR_FUZZ_SEED);

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); }, 40_000);
afterAll(() => disposeAll(engines));

// Mostly short arrays (edge cases, fast), some around SIMD and chunk edges, a few past one chunk.
const length = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(63, 64, 65, 127, 1021, 4096, 4099, 16_385) },
  { weight: 1, arbitrary: fc.integer({ min: 32_769, max: 70_001 }) },
);

const caseArb = fc.record({
  op: fc.constantFrom(...OPS),
  dtypePick: fc.nat(),
  n: length,
  seed: fc.nat({ max: 2 ** 30 }),
  alias: fc.constantFrom<Alias>('fresh', 'disjoint', 'same', 'shift'),
  shift: fc.integer({ min: -4, max: 4 }).filter((s) => s !== 0),
  target: fc.nat({ max: 3 }),
  jitter: fc.array(fc.nat({ max: 17 }), { minLength: 2, maxLength: 2 }),
  sync: fc.boolean(),
  engine: fc.nat({ max: 2 }),
}).map(({ dtypePick, ...c }): CaseParams => ({ ...c, dtype: c.op.dtypes[dtypePick % c.op.dtypes.length]! }));

describe('fuzz: every op on guarded, offset, aliased views, 1–3 threads, both forms', () => {
  it(`${RUNS} random cases agree with fresh arrays and the JS references`, async () => {
    const started = Date.now();
    let count = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        count++;
        if (process.env.WASMPAR_FUZZ_TRACE) appendFileSync(process.env.WASMPAR_FUZZ_TRACE, `${JSON.stringify({ ...c, op: c.op.name })}\n`);
        await withTimeout(runCase(engines, c), 20_000, `${c.op.name} ${c.dtype} n=${c.n}`);
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
    );
    expect(count).toBeGreaterThanOrEqual(RUNS);
    if (process.env.WASMPAR_FUZZ_RUNS) console.log(`fuzz: ${count} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 3_600_000);
});
