// Errors as documented: every error class wasmpar exports is a WasmparError with a
// stable code listed in the README's error table, and src/ throws no plain Error.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as wasmpar from '../dist/index.js';
import { root } from './helpers/run-node.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const table = readme.slice(readme.indexOf('### Errors'), readme.indexOf('\n## ', readme.indexOf('### Errors')));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('errors', () => {
  const classes = Object.entries(wasmpar).filter(
    ([, v]) => typeof v === 'function' && v.prototype instanceof wasmpar.WasmparError,
  ) as Array<[string, new (message: string) => InstanceType<typeof wasmpar.WasmparError>]>;

  it('exports the documented classes', () => {
    expect(classes.map(([n]) => n)).toEqual(expect.arrayContaining(['KernelError', 'TimeoutError', 'StateError', 'BrokenPoolError']));
  });

  for (const [name, Cls] of classes) {
    it(`${name}: a WasmparError with a code, listed in the README's error table`, () => {
      const e = new Cls('m');
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(name);
      expect(e.code).toMatch(/^ERR_[A-Z_]+$/);
      expect(table).toContain(`| \`${name}\` | \`${e.code}\` |`);
    });
  }

  // `throw new Error('internal: ...')` asserts an invariant of wasmpar itself (a bug if ever seen), not an error a user can cause.
  it('src/ throws no plain Error (a WasmparError subclass, or TypeError / RangeError)', () => {
    const plain: string[] = [];
    for (const file of sources(join(root, 'src'))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (/\bnew Error\(|\bthrow Error\(/.test(line) && !/Error\(`internal: /.test(line)) plain.push(`${file.slice(root.length + 1)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(plain).toEqual([]);
  });
});
