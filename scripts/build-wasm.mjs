// Compiles assembly/index.ts into build/kernels.wasm (release) with the flags in
// asconfig.json, then refuses the result if it breaks the kernel rules: several
// instances share one memory, so a data segment (re-applied at every
// instantiation) or a start function (runs per instance) would corrupt it.
import asc from 'assemblyscript/asc';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
mkdirSync('build', { recursive: true });

const target = process.argv.includes('--debug') ? 'debug' : 'release';
// The built-in kernels, and the Mandelbrot example's user kernel (prebuilt so that
// `wasmpar bench` can run it from an installed package without the compiler).
const MODULES = [
  { entry: 'assembly/index.ts', out: 'build/kernels.wasm', text: 'build/kernels.wat' },
  { entry: 'examples/mandelbrot/kernel.ts', out: 'build/mandelbrot.wasm' },
];
for (const m of MODULES) {
  const { error, stderr } = await asc.main([
    m.entry,
    '--config', 'asconfig.json',
    '--target', target,
    '--outFile', m.out,
    ...(m.text ? ['--textFile', m.text] : []),
  ]);
  if (error) {
    console.error(stderr.toString());
    console.error(`asc failed on ${m.entry}: ${error.message}`);
    process.exit(1);
  }
  checkKernelRules(m.out);
}

function checkKernelRules(file) {
  const bytes = readFileSync(file);
  const SECTION_START = 8;
  const SECTION_DATA = 11;
  let pos = 8;
  const readLeb = () => {
    let result = 0, shift = 0, byte;
    do { byte = bytes[pos++]; result |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
    return result >>> 0;
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = readLeb();
    if (id === SECTION_START) { console.error(`${file} has a start function`); process.exit(1); }
    if (id === SECTION_DATA) {
      const save = pos; const count = readLeb(); pos = save;
      if (count > 0) { console.error(`${file} has ${count} data segment(s): no static data in kernels`); process.exit(1); }
    }
    pos += size;
  }
  console.log(`${file}: ${bytes.length} bytes, ${target}`);
}
