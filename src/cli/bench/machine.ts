/** The facts that make a bench report interpretable later. */
import os from 'node:os';
import { packageVersion } from '../version.js';

export interface Machine {
  cpu: string;
  cores: number;
  loadavg: number[];
  node: string;
  v8: string;
  platform: string;
  memoryGiB: number;
  wasmpar: string;
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    wasmpar: packageVersion(),
  };
}
