// package.json sends `require('wasmpar')` here only where Node cannot require()
// an ES module (before 20.19 / 22.12, or with --no-experimental-require-module);
// where it can, the "module-sync" condition resolves to the ES module itself.
// Without this file the error would be Node's misleading `No "exports" main defined`.
const error = new Error(`wasmpar is an ES module package (ESM-only): require('wasmpar') works on Node >= 20.19 and >= 22.12. `
  + `On Node ${process.versions.node} (or with --no-experimental-require-module) load it with \`const { Engine } = await import('wasmpar')\`.`);
(error as Error & { code: string }).code = 'ERR_REQUIRE_ESM';
throw error;
