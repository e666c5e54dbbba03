/**
 * Run-time AssemblyScript compilation of user kernels, with the same flags as
 * the built-in kernels (asconfig.json, target release), then the kernel-rule
 * check. The compiler is imported lazily (it is large and an optional peer
 * dependency) and only on a cache miss.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { CompileError, EnvironmentError } from '../errors.js';
import { inspectAndCheck } from './kernel-rules.js';
import type { KernelModuleInfo } from './wasm-inspect.js';
import { cacheKey, defaultCacheDir, getMemory, readDisk, setMemory, writeDisk } from './compile-cache.js';

export interface CompileOptions {
  /** -O3 (default) or -O0. */
  optimize?: boolean;
  /** Keep the name section so traps and profiles show function names. */
  debug?: boolean;
  /** Disk cache folder; default `<os tmpdir>/wasmpar-cache`; `false` keeps only the in-memory cache. */
  cacheDir?: string | false;
}

export interface CompileResult {
  bytes: Uint8Array;
  info: KernelModuleInfo;
  /** Where the module came from: this process's cache, the disk cache, or a fresh compile. */
  cached: 'memory' | 'disk' | false;
}

type Asc = typeof import('assemblyscript/asc');

/** Bump when the compile pipeline changes in a way the flags do not show. */
const CACHE_FORMAT = 1;
const ENTRY = 'kernel.ts';
const OUT = 'kernel.wasm';

let ascPromise: Promise<Asc> | undefined;
let ascVersion: string | undefined;
/** asc keeps global state (Binaryen); one compile at a time. */
let queue: Promise<unknown> = Promise.resolve();
const pending = new Map<string, Promise<{ bytes: Uint8Array; info: KernelModuleInfo }>>();

function missingCompiler(cause: unknown): EnvironmentError {
  return new EnvironmentError('engine.compile() needs the AssemblyScript compiler, an optional peer dependency of wasmpar: run `npm install assemblyscript`', { cause });
}

/** The version comes from package.json so that a cache hit never loads the compiler. */
function compilerVersion(): string {
  if (ascVersion) return ascVersion;
  try {
    const pkg = createRequire(import.meta.url).resolve('assemblyscript/package.json');
    ascVersion = String(JSON.parse(readFileSync(pkg, 'utf8')).version);
  } catch (cause) {
    throw missingCompiler(cause);
  }
  return ascVersion;
}

function loadCompiler(): Promise<Asc> {
  ascPromise ??= import('assemblyscript/asc').catch((cause) => {
    ascPromise = undefined;
    throw missingCompiler(cause);
  });
  return ascPromise;
}

/** The release target of asconfig.json as command-line flags (asc reads no config file here). */
export function ascFlags(options: CompileOptions = {}): string[] {
  const flags = [
    '--runtime', 'stub', '--noAssert',
    '--optimizeLevel', options.optimize === false ? '0' : '3', '--shrinkLevel', '0',
    '--enable', 'simd,threads',
    '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
    '--noColors',
  ];
  if (options.debug) flags.push('--debug');
  return flags;
}

export async function compileAssemblyScript(source: string, options: CompileOptions = {}): Promise<CompileResult> {
  if (typeof source !== 'string') throw new TypeError('compile: source must be a string of AssemblyScript code');
  if (options.cacheDir !== undefined && options.cacheDir !== false && typeof options.cacheDir !== 'string') {
    throw new TypeError('compile: options.cacheDir must be a folder path or false');
  }
  const flags = ascFlags(options);
  const key = cacheKey({ format: CACHE_FORMAT, asc: compilerVersion(), flags, source });

  const hit = getMemory<{ bytes: Uint8Array; info: KernelModuleInfo }>(key);
  if (hit) return { bytes: hit.bytes.slice(), info: hit.info, cached: 'memory' };

  const dir = options.cacheDir === false ? null : options.cacheDir ?? defaultCacheDir();
  if (dir) {
    const bytes = readDisk(dir, key);
    if (bytes) {
      try {
        const info = inspectAndCheck(bytes);
        setMemory(key, { bytes, info });
        return { bytes: bytes.slice(), info, cached: 'disk' };
      } catch {
        // Not a usable kernel module (tampered file): compile again and overwrite it.
      }
    }
  }

  let job = pending.get(key);
  if (!job) {
    job = compileFresh(source, flags).then((bytes) => {
      const info = inspectAndCheck(bytes);
      setMemory(key, { bytes, info });
      if (dir) writeDisk(dir, key, bytes);
      return { bytes, info };
    });
    pending.set(key, job);
    job.then(() => pending.delete(key), () => pending.delete(key));
  }
  const { bytes, info } = await job;
  return { bytes: bytes.slice(), info, cached: false };
}

async function compileFresh(source: string, flags: string[]): Promise<Uint8Array> {
  const asc = await loadCompiler();
  const run = queue.then(() => runAsc(asc, source, flags));
  queue = run.catch(() => undefined);
  return run;
}

interface Diagnostic { category: number; code: number; message: string; path: string | null; start: number }

async function runAsc(asc: Asc, source: string, flags: string[]): Promise<Uint8Array> {
  const outputs = new Map<string, Uint8Array | string>();
  const diagnostics: Diagnostic[] = [];
  const stderr = asc.createMemoryStream();
  let result: Awaited<ReturnType<typeof asc.main>>;
  try {
    // In-memory file system: the only file is the source, so asc cannot pick up
    // a user's ./asconfig.json (it looks for one silently) or stray files.
    result = await asc.main([ENTRY, '--outFile', OUT, ...flags], {
      stdout: asc.createMemoryStream(),
      stderr,
      readFile: (name) => (name === ENTRY ? source : null),
      writeFile: (name, contents) => { outputs.set(name, contents); },
      listFiles: () => [],
      reportDiagnostic: (d) => {
        diagnostics.push({ category: d.category, code: d.code, message: d.message, path: d.range?.source.normalizedPath ?? null, start: d.range?.start ?? 0 });
      },
    });
  } catch (cause) {
    throw new CompileError(`The AssemblyScript compiler failed: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  if (result.error) {
    throw new CompileError(formatFailure(asc, source, diagnostics, stderr.toString(), result.error), { cause: result.error });
  }
  const out = outputs.get(OUT);
  if (!(out instanceof Uint8Array)) throw new CompileError('The AssemblyScript compiler produced no binary');
  return new Uint8Array(out);
}

const CATEGORY = ['PEDANTIC', 'INFO', 'WARNING', 'ERROR'];

/** One `ERROR TS2304: Cannot find name 'y'. in kernel.ts(3,10)` line per error, then asc's own output with code frames. */
function formatFailure(asc: Asc, source: string, diagnostics: Diagnostic[], stderr: string, error: Error): string {
  const lines = diagnostics.filter((d) => d.category === 3).map((d) => {
    const text = d.path === ENTRY ? source : d.path?.startsWith('~lib/') ? asc.libraryFiles[d.path.slice(5).replace(/\.ts$/, '')] : undefined;
    const where = d.path ? ` in ${d.path}${text === undefined ? '' : position(text, d.start)}` : '';
    return `  ${CATEGORY[d.category] ?? 'ERROR'} TS${d.code}: ${d.message}${where}`;
  });
  const frames = stderr.replace(/^FAILURE .*$/gm, '').trim();
  const head = lines.length > 0
    ? `AssemblyScript compilation failed with ${lines.length} error(s):\n${lines.join('\n')}`
    : `AssemblyScript compilation failed: ${error.message}`;
  return frames ? `${head}\n\nCompiler output:\n${frames}` : head;
}

function position(text: string, offset: number): string {
  let line = 1, col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; col = 1; } else col++;
  }
  return `(${line},${col})`;
}

export type { KernelModuleInfo } from './wasm-inspect.js';
export { inspectKernelModule } from './wasm-inspect.js';
export { checkKernelRules, inspectAndCheck } from './kernel-rules.js';
