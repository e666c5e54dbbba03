// engine.load(url) where the server answers with an HTML page (a dev server's
// fallback for a path it has no file for): a KernelRuleError naming the URL and
// what came back, not WebAssembly.compile's "expected magic word".
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine, KernelRuleError } from '../dist/index.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/empty.wasm') res.writeHead(200, { 'Content-Type': 'application/wasm' }).end();
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html>\n<html><body>app</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('engine.load of a URL that serves HTML', () => {
  for (const threads of [1, 2]) {
    it(`names the URL, the content type and the first bytes (threads ${threads})`, async () => {
      const engine = await Engine.create({ threads });
      try {
        const err = await engine.load(new URL('/kernels/k.wasm', base)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KernelRuleError);
        expect((err as KernelRuleError).code).toBe('ERR_KERNEL_RULE');
        expect((err as Error).message).toBe(`load: ${base}/kernels/k.wasm is not a WebAssembly module (Content-Type text/html, `
          + 'starts with "<!doctype html> "): the URL points at no .wasm file; a dev server answers that with its HTML page');
        // An empty body is still the module checker's error, and the engine stays usable.
        await expect(engine.load(`${base}/empty.wasm`)).rejects.toThrow(KernelRuleError);
        expect(await engine.sum(engine.from([1, 2, 3]))).toBe(6);
      } finally {
        await engine.dispose();
      }
    });
  }
});
