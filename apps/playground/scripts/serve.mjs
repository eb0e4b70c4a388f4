// Builds the playground and serves it on 127.0.0.1 with the cross-origin isolation headers a
// page needs for SharedArrayBuffer and WebAssembly threads. Usage:
//   npm run playground [-- --port 8080]      (port 0 picks a free one; default 5173)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlayground } from './build.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json',
  '.bin': 'application/octet-stream', '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** The headers every response carries: what a host must send too (README). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves static files: `mounts` maps a URL prefix ending in '/' to a directory, longest
 * prefix first. Resolves with the server and its URL once listening.
 */
export function serveStatic(mounts, { host = '127.0.0.1', port = 0 } = {}) {
  const table = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const mount = table.find(([prefix]) => path.startsWith(prefix));
    const root = mount && resolve(mount[1]);
    const file = root && normalize(join(root, path.slice(mount[0].length) || 'index.html'));
    if (!file || (file !== root && !file.startsWith(root + sep)) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, ISOLATION_HEADERS).end('not found');
      return;
    }
    try {
      const body = await readFile(file.endsWith(sep) ? join(file, 'index.html') : file);
      res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, ISOLATION_HEADERS).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      ok({ server, url: `http://${host}:${p}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log('usage: npm run playground [-- --port N] [--host H]   (builds apps/playground/dist and serves it)');
    process.exit(0);
  }
  const flag = (name, fallback) => {
    const i = args.indexOf(name);
    return i < 0 ? fallback : args[i + 1];
  };
  const port = Number(flag('--port', '5173'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`playground: --port must be an integer in 0..65535, got ${JSON.stringify(flag('--port'))}`);
    process.exit(2);
  }
  const dist = await buildPlayground();
  const { url } = await serveStatic({ '/': dist }, { host: flag('--host', '127.0.0.1'), port });
  console.log(`tensile playground: ${url}  (static files in ${dist}; Ctrl-C stops)`);
}
