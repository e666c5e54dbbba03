/** Every wait in the task tests goes through a watchdog: a hung pool fails the test instead of the run. */
export function watchdog<T>(p: PromiseLike<T>, ms = 20_000, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`watchdog: ${what} did not settle within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function collect<T>(it: AsyncIterable<T>, ms = 20_000): Promise<T[]> {
  const run = async () => {
    const out: T[] = [];
    for await (const v of it) out.push(v);
    return out;
  };
  return watchdog(run(), ms, 'async iteration');
}

/** Busy-wait inside a worker, by source: used as a task. */
export const spin = (ms: number, value: unknown) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return value;
};
