// A static host over HTTP/2 (TLS, as browsers require for HTTP/2), for the throttled benchmarks.
//
//   node tools/h2serve.mjs <folder> <cert.pem> <key.pem>
//
// Prints "port <n>" once listening on 127.0.0.1. Like tools/bench.py's
// GzipServer: a .gz twin is sent when the browser accepts gzip (nginx
// gzip_static), other text is gzipped on the fly, every response says
// "Cache-Control: no-cache" with an ETag. Node's own http2 module: no package.
import { readFileSync, statSync } from "node:fs";
import { createSecureServer } from "node:http2";
import { extname, join, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";

const [root, cert, key] = process.argv.slice(2).map((p, i) => (i === 0 ? resolve(p) : p));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
};
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml)|image\/svg\+xml)/;
const zipped = new Map();

function file(path) {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return file(join(path, "index.html"));
    return stat.isFile() ? { path, stat } : null;
  } catch {
    return null;
  }
}

const server = createSecureServer({ cert: readFileSync(cert), key: readFileSync(key), allowHTTP1: true }, (req, res) => {
  const url = new URL(req.url, "https://localhost");
  const wanted = resolve(join(root, decodeURIComponent(url.pathname)));
  let found = wanted === root || wanted.startsWith(root + sep) ? file(wanted) : null;
  let status = 200;
  if (!found) {
    status = 404;
    found = file(join(root, "404.html"));
  }
  if (!found) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
    return;
  }
  const etag = `"${found.stat.mtimeMs.toString(16)}-${found.stat.size.toString(16)}"`;
  if (status === 200 && req.headers["if-none-match"] === etag) {
    res.writeHead(304, { etag });
    res.end();
    return;
  }
  const type = TYPES[extname(found.path)] || "application/octet-stream";
  const headers = { "content-type": type, "cache-control": "no-cache", etag };
  let body;
  const gzipOk = /\bgzip\b/.test(req.headers["accept-encoding"] || "");
  const twin = gzipOk ? file(`${found.path}.gz`) : null;
  if (twin) {
    body = readFileSync(twin.path);
    headers["content-encoding"] = "gzip";
  } else if (gzipOk && COMPRESSIBLE.test(type)) {
    const cacheKey = `${found.path}:${found.stat.mtimeMs}`;
    if (!zipped.has(cacheKey)) zipped.set(cacheKey, gzipSync(readFileSync(found.path), { level: 6 }));
    body = zipped.get(cacheKey);
    headers["content-encoding"] = "gzip";
  } else {
    body = readFileSync(found.path);
  }
  if (headers["content-encoding"]) headers.vary = "Accept-Encoding";
  headers["content-length"] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
});

server.listen(0, "127.0.0.1", () => console.log(`port ${server.address().port}`));
