/**
 * The `numpy` and `numexpr` contenders: finds a Python 3 with numpy (WASMPAR_PYTHON,
 * then /usr/bin/python3, then python3 on PATH) and runs python-source.ts in it.
 */
import { spawnSync } from 'node:child_process';
import { EnvironmentError } from '../../errors.js';
import { PYTHON_SOURCE } from './python-source.js';
import { probe, RemoteServer } from './remote.js';
import { Skip, type Runner } from './runner.js';

export interface PythonInfo {
  python: string;
  numpy: string;
  numexpr: string | null;
}

export function findPython(): PythonInfo {
  const candidates = [process.env.WASMPAR_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter((c): c is string => !!c);
  const tried: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import numpy\ntry:\n import numexpr; v = numexpr.__version__\nexcept Exception:\n v = ""\nprint(numpy.__version__, v)'], { encoding: 'utf8' });
    if (r.error) { tried.push(`${python}: not found`); continue; }
    if (r.status !== 0) { tried.push(`${python}: no numpy`); continue; }
    const [numpy, numexpr] = r.stdout.trim().split(' ');
    return { python, numpy: numpy!, numexpr: numexpr || null };
  }
  throw new Skip(`no Python 3 with numpy (${tried.join('; ')}); set WASMPAR_PYTHON`);
}

export class PythonServer {
  readonly info: PythonInfo;
  #server: RemoteServer;

  constructor(info: PythonInfo, threads: number) {
    this.info = info;
    const t = String(threads);
    this.#server = new RemoteServer(info.python, ['-c', PYTHON_SOURCE], {
      ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t, NUMEXPR_MAX_THREADS: t, NUMEXPR_NUM_THREADS: t,
    });
  }

  runner(contender: 'numpy' | 'numexpr', workload: string, n: number, threads: number, args?: Record<string, unknown>): Promise<Runner> {
    if (contender === 'numexpr' && !this.info.numexpr) throw new Skip(`numexpr is not installed for ${this.info.python}`);
    return probe({
      time: async (budget) => {
        const reply = JSON.parse(await this.#server.request(JSON.stringify({ contender, workload, n, threads, budget, args }))) as { ms?: number[]; skip?: string; error?: string };
        if (reply.ms) return reply.ms;
        if (reply.skip) throw new Skip(reply.skip);
        throw new EnvironmentError(`${contender}: ${reply.error}`);
      },
    });
  }

  close(): void {
    this.#server.close();
  }
}
