// One resolver for { module, name } task references (src/tasks/worker/module-ref.ts),
// the same answer on every backend: a path is taken from process.cwd(), a URL
// and a node: specifier as they are.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Executor, delayed, parallel } from '../dist/index.js';
import { root } from './helpers/run-node.js';
import { watchdog } from './helpers/tasks.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const relative = './test/helpers/task-module.mjs';
const refs = {
  'a path relative to process.cwd()': relative,
  'an absolute path': resolve(root, relative),
  'a file: URL': pathToFileURL(resolve(root, relative)),
  'a file: URL string': pathToFileURL(resolve(root, relative)).href,
};

describe('module references resolve the same on every backend', () => {
  it('runs from the package root (the paths below are relative to it)', () => expect(process.cwd()).toBe(root));
  for (const backend of ['worker', 'async', 'sequential'] as const) {
    for (const [what, module] of Object.entries(refs)) {
      it(`parallel backend '${backend}': ${what}`, async () => {
        const words = ['a', 'bc', 'def'];
        const fn = { module, name: 'sha256' };
        const out = await watchdog(parallel({ nJobs: backend === 'sequential' ? 1 : 2, backend })(words.map((w) => delayed<[string], string>(fn)(w))));
        expect(out).toEqual(words.map(sha));
      });
    }
    it(`parallel backend '${backend}': a node: specifier, and a missing export names the module and the name`, async () => {
      const nJobs = backend === 'sequential' ? 1 : 2;
      const out = await watchdog(parallel({ nJobs, backend })([delayed({ module: 'node:path', name: 'basename' })('/a/b.txt')]));
      expect(out).toEqual(['b.txt']);
      const err = await watchdog(parallel({ nJobs, backend })([delayed({ module: relative, name: 'nope' })(1)]).catch((e: unknown) => e));
      expect(err).toBeInstanceOf(TypeError);
      expect(String((err as Error).message)).toMatch(/task-module\.mjs' has no exported function named 'nope'/);
    });
  }

  const executors: Executor[] = [];
  afterAll(async () => { await Promise.all(executors.map((e) => e.shutdown())); });
  for (const backend of ['worker', 'async'] as const) {
    it(`Executor backend '${backend}': a path relative to process.cwd()`, async () => {
      const ex = new Executor({ maxWorkers: 2, backend });
      executors.push(ex);
      expect(await watchdog(ex.submit({ module: relative, name: 'sha256' }, 'xyz'))).toBe(sha('xyz'));
    });
  }
});
