#!/usr/bin/env node
/** Starts `wasmpar worker` until the CLI's dispatcher table carries it. */
import { run } from './worker.js';

const argv = process.argv.slice(2);
if (argv[0] === 'worker') argv.shift();
process.exitCode = await run(argv);
