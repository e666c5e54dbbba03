/** Runs `wasmpar bench` directly: node dist/cli/bench/main.js [options]. */
import { benchCommand } from './index.js';

benchCommand(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = err instanceof TypeError || err instanceof RangeError ? 2 : 1;
  },
);
