/**
 * What piscina, tinypool and workerpool workers run: a call to a function that a
 * workload file exports (`{ module, fn, args }`). Typed arrays over a
 * SharedArrayBuffer arrive as views of the same memory, so a chunk task reads
 * and writes the caller's data in place, as wasmpar's workers do.
 */
type Fn = (...args: unknown[]) => unknown;
const modules = new Map<string, Record<string, Fn>>();

export interface PeerTask {
  module: string;
  fn: string;
  args: unknown[];
}

export default async function run(task: PeerTask): Promise<unknown> {
  let mod = modules.get(task.module);
  if (!mod) {
    mod = (await import(task.module)) as Record<string, Fn>;
    modules.set(task.module, mod);
  }
  return mod[task.fn]!(...task.args);
}

/** Used to start every worker before timing. */
export function ping(): number {
  return 0;
}
