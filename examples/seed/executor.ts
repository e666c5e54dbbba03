// Python (concurrent.futures, the ThreadPoolExecutor example):
//   URLS = [...]
//
//   def load_url(url, timeout):
//       with urllib.request.urlopen(url, timeout=timeout) as conn:
//           return conn.read()
//
//   with ThreadPoolExecutor(max_workers=3) as executor:
//       future_to_url = {executor.submit(load_url, url, 60): url for url in URLS}
//       for future in as_completed(future_to_url):
//           url = future_to_url[future]
//           try:
//               data = future.result()
//           except Exception as exc:
//               print('%r generated an exception: %s' % (url, exc))
//           else:
//               print('%r page is %d bytes' % (url, len(data)))
//
// Fetching is I/O, so it belongs on the 'async' backend: the fetches run concurrently on this
// thread, at most 3 in flight (Python needs threads for that; JavaScript has promises).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asCompleted, Executor } from 'wasmpar';

/** A local server stands in for the web: two pages, and one URL that answers 404. */
async function startServer(): Promise<Server & AsyncDisposable> {
  const pages: Record<string, string> = { '/index.html': 'x'.repeat(1234), '/news.html': 'y'.repeat(5678) };
  const server = createServer((req, res) => {
    const body = pages[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/html' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, {
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

async function loadUrl(url: string, timeoutSeconds: number): Promise<Uint8Array> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  if (!res.ok) throw new Error(`HTTP Error ${res.status}: ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

// Disposed in reverse order: the executor shuts down (waiting for its work) before the server closes.
await using server = await startServer();
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const URLS = [`${base}/index.html`, `${base}/news.html`, `${base}/missing.html`];

await using executor = new Executor({ maxWorkers: 3, backend: 'async' });
const futureToUrl = new Map(URLS.map((url) => [executor.submit(loadUrl, url, 60), url]));
for await (const future of asCompleted(futureToUrl)) {
  const url = futureToUrl.get(future);
  try {
    const data = await future.result();
    console.log(`'${url}' page is ${data.length} bytes`);
  } catch (exc) {
    console.log(`'${url}' generated an exception: ${(exc as Error).message}`);
  }
}
