// Python (concurrent.futures' ThreadPoolExecutor example):
//   with ThreadPoolExecutor(max_workers=3) as executor:
//       future_to_url = {executor.submit(load_url, url, 60): url for url in URLS}
//       for future in as_completed(future_to_url):
//           url = future_to_url[future]
//           try: data = future.result()
//           except Exception as exc: print('%r generated an exception: %s' % (url, exc))
//           else: print('%r page is %d bytes' % (url, len(data)))
// I/O belongs on the 'async' backend: fetches run concurrently on this thread, at most 3 in flight.
import { createServer } from 'node:http';
import { Executor, asCompleted } from '../../dist/tasks/index.js';

// A local server stands in for the web: two pages and one missing URL.
const pages = { '/index.html': 'x'.repeat(1234), '/news.html': 'y'.repeat(5678) };
const server = createServer((req, res) => {
  const body = pages[req.url];
  if (body === undefined) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' }).end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const URLS = [`${base}/index.html`, `${base}/news.html`, `${base}/missing.html`];

async function loadUrl(url, timeoutSeconds) {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  if (!res.ok) throw new Error(`HTTP Error ${res.status}: ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

const executor = new Executor({ maxWorkers: 3, backend: 'async' });
try {
  const futureToUrl = new Map(URLS.map((url) => [executor.submit(loadUrl, url, 60), url]));
  for await (const future of asCompleted(futureToUrl)) {
    const url = futureToUrl.get(future);
    try {
      const data = await future.result();
      console.log(`'${url}' page is ${data.length} bytes`);
    } catch (exc) {
      console.log(`'${url}' generated an exception: ${exc.message}`);
    }
  }
} finally {
  await executor.shutdown({ wait: true });
}
server.closeAllConnections();
server.close();
