/**
 * The playground's dev server, attacked with raw requests over a socket to 127.0.0.1 (so a
 * malformed path reaches it as sent, not normalised by a client). It runs in a child process,
 * as `npm run playground` runs it: "stays up" means that process is still there and answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseServeArgs } from '../scripts/serve.mjs';

const serveScript = fileURLToPath(new URL('../scripts/serve.mjs', import.meta.url));

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `request` as bytes and reads the reply until the server closes; fails after `ms`. */
function raw(port: number, request: string, ms = 5_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete reply in ${ms} ms to ${JSON.stringify(request)}`));
    }, ms);
    socket.on('data', (b: Buffer) => chunks.push(b));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m || end < 0) {
        reject(new Error(`no HTTP reply to ${JSON.stringify(request)}: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, end).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(m[1]), headers, body: text.slice(end + 4) });
    });
    socket.write(request, 'latin1');
  });
}

let work = '';
let child: ChildProcess | undefined;
let port = 0;
let canLink = true;

const get = (path: string, host = `127.0.0.1:${port}`, method = 'GET'): Promise<Reply> =>
  raw(port, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tensile-serve-'));
  const dist = join(work, 'dist');
  mkdirSync(join(dist, 'sub'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><p>home</p>');
  writeFileSync(join(dist, 'app.js'), 'console.log(1)');
  writeFileSync(join(dist, 'sub', 'index.html'), '<p>sub</p>');
  mkdirSync(join(work, 'outside'));
  writeFileSync(join(work, 'outside', 'secret.txt'), 'SECRET');
  try {
    symlinkSync(join(work, 'outside', 'secret.txt'), join(dist, 'leak.txt'));
    symlinkSync(join(work, 'outside'), join(dist, 'leakdir'));
    symlinkSync(join(dist, 'app.js'), join(dist, 'alias.js'));
  } catch {
    canLink = false; // no symlinks here (some Windows setups): those checks are skipped
  }
  // The server in its own process, on a free port; it prints its URL when listening.
  const code = `const { serveStatic } = await import(${JSON.stringify(pathToFileURL(serveScript).href)});
const { url } = await serveStatic({ '/': ${JSON.stringify(dist)} }, { port: 0 });
console.log(url);`;
  child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  port = await new Promise<number>((resolve, reject) => {
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 20 s: ${err}`)), 20_000);
    child!.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    child!.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child!.on('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${c}) before listening: ${err}`));
    });
  });
}, 30_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill();
  rmSync(work, { recursive: true, force: true });
});

/** The server process is alive and serves the home page. */
async function expectUp(): Promise<void> {
  expect(child!.exitCode, 'the server process exited').toBeNull();
  const r = await get('/');
  expect(r.status).toBe(200);
  expect(r.body).toContain('home');
}

describe('the playground dev server (raw requests)', () => {
  it('serves files, a directory\'s index.html, HEAD without a body; nosniff and the isolation headers on each', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    const js = await get('/app.js');
    expect([js.status, js.body, js.headers['content-type']]).toEqual([200, 'console.log(1)', 'text/javascript; charset=utf-8']);
    expect((await get('/sub/')).body).toBe('<p>sub</p>');
    const head = await get('/app.js', undefined, 'HEAD');
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '14']);
    for (const r of [home, js, head]) {
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    }
  });

  it.each(['/%', '/%E0%A4%A', '/%ZZ', '/a%', '/%C0%AF', '/%ED%A0%80'])('GET %s (not percent-encoded UTF-8): 400, and the server stays up', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    await expectUp();
  });

  it('a NUL byte in the path: 400; traversal with encoded dots or slashes: 404', async () => {
    expect((await get('/app.js%00.html')).status).toBe(400);
    for (const path of ['/%2e%2e/outside/secret.txt', '/..%2f..%2foutside%2fsecret.txt', '/sub/%2e%2e/%2e%2e/outside/secret.txt', '/%2E%2E%5C%2E%2E%5Coutside%5Csecret.txt']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('SECRET');
    }
    await expectUp();
  });

  it('does not follow a symlink out of the served directory (a link inside it is fine)', async (ctx) => {
    if (!canLink) ctx.skip();
    for (const path of ['/leak.txt', '/leakdir/secret.txt', '/leakdir/']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toContain('SECRET');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const alias = await get('/alias.js');
    expect([alias.status, alias.body]).toEqual([200, 'console.log(1)']);
  });

  it('answers only a Host that names it (DNS-rebinding defence): 421 otherwise', async () => {
    for (const host of [`localhost:${port}`, `LocalHost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await get('/', host)).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, '127.0.0.1', 'localhost', `localhost.:${port}`, `127.0.0.2:${port}`, `user@localhost:${port}`, `localhost:${port}/x`, '']) {
      const r = await get('/', host);
      expect(r.status, JSON.stringify(host)).toBe(421);
      expect(r.body).not.toContain('home');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    // No Host header at all (HTTP/1.0 allows that): not this server's name either.
    const noHost = await raw(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(noHost.status).toBe(421);
    await expectUp();
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'])('%s: 405 with Allow: GET, HEAD', async (method) => {
    const r = await raw(port, `${method} /index.html HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(405);
    expect(r.headers['allow']).toBe('GET, HEAD');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('a request Node cannot parse: 400 with nosniff, and the server stays up', async () => {
    const r = await raw(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Line\r\n\r\n');
    expect(r.status).toBe(400);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    await expectUp();
  });
});

describe('npm run playground flags', () => {
  it.each([
    [['--port', '0x10'], "--port must be an integer in 0..65535, got '0x10'"],
    [['--port', ''], "--port must be an integer in 0..65535, got ''"],
    [['--port', '65536'], "--port must be an integer in 0..65535, got '65536'"],
    [['--port', ' 80'], "--port must be an integer in 0..65535, got ' 80'"],
    [['--port', '1e3'], "--port must be an integer in 0..65535, got '1e3'"],
    [['--host', ''], "--host must name an address or a host name, got ''"],
  ])('refuses %j with one line naming the flag and the value', (argv, error) => {
    expect(parseServeArgs(argv)).toEqual({ error });
  });

  it('reads a decimal port and a host', () => {
    expect(parseServeArgs([])).toEqual({ port: 5173, host: '127.0.0.1' });
    expect(parseServeArgs(['--port', '0', '--host', '::1'])).toEqual({ port: 0, host: '::1' });
    expect(parseServeArgs(['--port=8080'])).toEqual({ port: 8080, host: '127.0.0.1' });
  });

  it.skipIf(!existsSync('/proc/self'))('the build script: --out /proc/x fails at once with one line and status 2 (Node\'s recursive mkdir spins forever there)', { timeout: 30_000 }, () => {
    const build = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [build, '--out', '/proc/tensile-x/site'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, 'killed by the timeout: the build hung').toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("playground build: --out /proc/tensile-x/site: cannot create the directory: ENOENT: no such file or directory, mkdir '/proc/tensile-x'");
    const missing = spawnSync(process.execPath, [build, '--out'], { encoding: 'utf8', timeout: 20_000 });
    expect([missing.status, missing.stderr.trim()]).toEqual([2, "playground build: Option '--out <value>' argument missing"]);
  });

  it('a bad flag exits 2 with one line, before building anything', { timeout: 30_000 }, () => {
    const r = spawnSync(process.execPath, [serveScript, '--port', '0x10'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("playground: --port must be an integer in 0..65535, got '0x10'");
    const u = spawnSync(process.execPath, [serveScript, '--bogus'], { encoding: 'utf8', timeout: 20_000 });
    expect(u.status).toBe(2);
    expect(u.stderr.trim().split('\n')).toHaveLength(1);
  });
});
