var __addDisposableResource = (this && this.__addDisposableResource) || function (env, value, async) {
    if (value !== null && value !== void 0) {
        if (typeof value !== "object" && typeof value !== "function") throw new TypeError("Object expected.");
        var dispose, inner;
        if (async) {
            if (!Symbol.asyncDispose) throw new TypeError("Symbol.asyncDispose is not defined.");
            dispose = value[Symbol.asyncDispose];
        }
        if (dispose === void 0) {
            if (!Symbol.dispose) throw new TypeError("Symbol.dispose is not defined.");
            dispose = value[Symbol.dispose];
            if (async) inner = dispose;
        }
        if (typeof dispose !== "function") throw new TypeError("Object not disposable.");
        if (inner) dispose = function() { try { inner.call(this); } catch (e) { return Promise.reject(e); } };
        env.stack.push({ value: value, dispose: dispose, async: async });
    }
    else if (async) {
        env.stack.push({ async: true });
    }
    return value;
};
var __disposeResources = (this && this.__disposeResources) || (function (SuppressedError) {
    return function (env) {
        function fail(e) {
            env.error = env.hasError ? new SuppressedError(e, env.error, "An error was suppressed during disposal.") : e;
            env.hasError = true;
        }
        var r, s = 0;
        function next() {
            while (r = env.stack.pop()) {
                try {
                    if (!r.async && s === 1) return s = 0, env.stack.push(r), Promise.resolve().then(next);
                    if (r.dispose) {
                        var result = r.dispose.call(r.value);
                        if (r.async) return s |= 2, Promise.resolve(result).then(next, function(e) { fail(e); return next(); });
                    }
                    else s |= 1;
                }
                catch (e) {
                    fail(e);
                }
            }
            if (s === 1) return env.hasError ? Promise.reject(env.error) : Promise.resolve();
            if (env.hasError) throw env.error;
        }
        return next();
    };
})(typeof SuppressedError === "function" ? SuppressedError : function (error, suppressed, message) {
    var e = new Error(message);
    return e.name = "SuppressedError", e.error = error, e.suppressed = suppressed, e;
});
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
import { createServer } from 'node:http';
import { asCompleted, Executor } from 'wasmpar';
/** A local server stands in for the web: two pages, and one URL that answers 404. */
async function startServer() {
    const pages = { '/index.html': 'x'.repeat(1234), '/news.html': 'y'.repeat(5678) };
    const server = createServer((req, res) => {
        const body = pages[req.url ?? ''];
        if (body === undefined)
            res.writeHead(404).end();
        else
            res.writeHead(200, { 'content-type': 'text/html' }).end(body);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return Object.assign(server, {
        async [Symbol.asyncDispose]() {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        },
    });
}
async function loadUrl(url, timeoutSeconds) {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    if (!res.ok)
        throw new Error(`HTTP Error ${res.status}: ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
}
var server, base, URLS, executor, futureToUrl;
const env_1 = { stack: [], error: void 0, hasError: false };
try {
    // Disposed in reverse order: the executor shuts down (waiting for its work) before the server closes.
    server = __addDisposableResource(env_1, await startServer(), true);
    base = `http://127.0.0.1:${server.address().port}`;
    URLS = [`${base}/index.html`, `${base}/news.html`, `${base}/missing.html`];
    executor = __addDisposableResource(env_1, new Executor({ maxWorkers: 3, backend: 'async' }), true);
    futureToUrl = new Map(URLS.map((url) => [executor.submit(loadUrl, url, 60), url]));
    for await (const future of asCompleted(futureToUrl)) {
        const url = futureToUrl.get(future);
        try {
            const data = await future.result();
            console.log(`'${url}' page is ${data.length} bytes`);
        }
        catch (exc) {
            console.log(`'${url}' generated an exception: ${exc.message}`);
        }
    }
}
catch (e_1) {
    env_1.error = e_1;
    env_1.hasError = true;
}
finally {
    const result_1 = __disposeResources(env_1);
    if (result_1)
        await result_1;
}
