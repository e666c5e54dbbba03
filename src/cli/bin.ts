#!/usr/bin/env node
// The `wasmpar` executable (package.json "bin"). Anything thrown past main()
// is a bug, not a usage error: print it and exit 1.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  },
);
