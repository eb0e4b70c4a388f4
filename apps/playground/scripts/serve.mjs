// Builds the playground and serves it on 127.0.0.1 with the cross-origin isolation headers a
// page needs for SharedArrayBuffer and WebAssembly threads. Usage:
//   npm run playground [-- --port 8080] [--host H]     (port 0 picks a free one; default 5173)
//
// A dev server on localhost is reachable from every web page the user opens, so it answers
// only what a static file server must: GET and HEAD (405 otherwise), for a Host header that
// names this server (421 otherwise: a DNS-rebinding page sends its own domain name), for a path
// that decodes (400 otherwise) to a file whose real path, symlinks resolved, is inside the
// served directory (404 otherwise). A request it cannot answer never stops it.
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildPlayground } from './build.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json',
  '.bin': 'application/octet-stream', '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** The cross-origin isolation headers every response carries: what a host must send too (README). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Every response's headers: isolation, and no content-type sniffing (a .bin is never run as a script). */
export const RESPONSE_HEADERS = { ...ISOLATION_HEADERS, 'X-Content-Type-Options': 'nosniff' };

const inside = (root, path) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * The Host header values that name a server listening on `host`:`port`: localhost, 127.0.0.1
 * and [::1], and `host` itself; any IP literal when it listens on every interface (0.0.0.0, ::),
 * since a rebinding attack needs a domain name. The port may be left out only when it is 80.
 */
function hostMatcher(host, port) {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  if (!wildcard) names.add((isIP(host) === 6 ? `[${host}]` : host).toLowerCase());
  return (value) => {
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(String(value ?? '').toLowerCase());
    if (!m) return false;
    const [, name, p] = m;
    if (p === undefined ? port !== 80 : Number(p) !== port) return false;
    if (names.has(name)) return true;
    return wildcard && isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  };
}

/**
 * Serves static files: `mounts` maps a URL prefix ending in '/' to a directory, longest
 * prefix first. Resolves with the server and its URL once listening.
 */
export function serveStatic(mounts, { host = '127.0.0.1', port = 0 } = {}) {
  const table = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  let hostOk = () => false; // set once listening: the port is known only then
  const send = (res, status, text, extra = {}) => {
    res.writeHead(status, { ...RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : text);
  };

  async function answer(req, res) {
    if (!hostOk(req.headers.host)) return send(res, 421, 'misdirected request: this server answers only to localhost, 127.0.0.1 and [::1] on its port\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(res, 400, 'bad request: the path is not valid percent-encoded UTF-8\n');
    }
    if (path.includes('\0')) return send(res, 400, 'bad request: the path holds a NUL byte\n');
    const mount = table.find(([prefix]) => path.startsWith(prefix));
    if (!mount) return send(res, 404, 'not found\n');
    const root = resolve(mount[1]);
    let file = normalize(join(root, path.slice(mount[0].length)));
    if (!inside(root, file)) return send(res, 404, 'not found\n');
    let body;
    try {
      // The real path, symlinks resolved, must stay inside the real root: a link in dist/ to
      // /etc/passwd is not served.
      const realRoot = await realpath(root);
      let real = await realpath(file);
      if ((await stat(real)).isDirectory()) {
        file = join(real, 'index.html');
        real = await realpath(file);
      }
      if (!inside(realRoot, real)) return send(res, 404, 'not found\n');
      body = await readFile(real);
    } catch {
      return send(res, 404, 'not found\n');
    }
    res.writeHead(200, { ...RESPONSE_HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    answer(req, res).catch(() => {
      // A bug here must not stop the server: answer 500 if still possible, else drop the connection.
      if (res.headersSent) res.destroy();
      else send(res, 500, 'internal error\n');
    });
  });
  // Requests Node cannot parse: its own 400/431, plus the headers every response carries.
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const headers = Object.entries(RESPONSE_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n${headers}\r\n`);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      hostOk = hostMatcher(host, p);
      ok({ server, url: `http://${isIP(host) === 6 ? `[${host}]` : host}:${p}/` });
    });
  });
}

/** The command line's options, or `{ error }`: one line naming the flag and the value. */
export function parseServeArgs(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (e) {
    return { error: `${e.message.split('\n')[0]} (see --help)` };
  }
  if (values.help) return { help: true };
  const port = values.port ?? '5173';
  // Decimal digits only: Number() would read '0x10' as 16 and '' as 0 (any free port).
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return { error: `--port must be an integer in 0..65535, got '${port}'` };
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '' || /\s/.test(host)) return { error: `--host must name an address or a host name, got '${host}'` };
  return { port: Number(port), host };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseServeArgs(process.argv.slice(2));
  if (args.help) {
    console.log('usage: npm run playground [-- --port N] [--host H]   (builds apps/playground/dist and serves it)');
    process.exit(0);
  }
  if (args.error) {
    console.error(`playground: ${args.error}`);
    process.exit(2);
  }
  const dist = await buildPlayground();
  const { url } = await serveStatic({ '/': dist }, { host: args.host, port: args.port });
  console.log(`tensile playground: ${url}  (static files in ${dist}; Ctrl-C stops)`);
}
