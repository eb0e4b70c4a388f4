/**
 * What the browser tests share: finding a system browser, building and serving the page, and
 * launching the browser through puppeteer-core (which never downloads one).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
// @ts-expect-error plain JavaScript build scripts, no declarations
import { buildPlayground } from '../../scripts/build.mjs';
// @ts-expect-error plain JavaScript build scripts, no declarations
import { serveStatic } from '../../scripts/serve.mjs';
import { buildSelftest } from './selftest-build.js';

export const app = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshots = join(app, '.screenshots');

/** The first browser binary that exists, from $env or the usual Debian paths. */
export function findBinary(env: string, candidates: string[]): string | undefined {
  const fromEnv = process.env[env];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return candidates.find((c) => existsSync(c));
}
export const chromiumPath = findBinary('CHROMIUM_PATH', ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']);
export const firefoxPath = findBinary('FIREFOX_PATH', ['/usr/bin/firefox-esr', '/usr/bin/firefox']);

/** Builds the playground (minified, as `npm run playground` does) and the self-test page, and serves both. */
export async function startSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const out = join(app, '.out');
  const dist = await buildPlayground({ out: join(out, 'site') });
  await buildSelftest(join(out, 'selftest'));
  const { server, url } = (await serveStatic({ '/': dist, '/selftest/': join(out, 'selftest') })) as { server: Server; url: string };
  return { url, close: () => new Promise((ok) => server.close(() => ok())) };
}

export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath!,
    headless: true,
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--window-size=1280,900'],
    defaultViewport: { width: 1280, height: 900 },
  });
}

/** Console errors and uncaught exceptions of a page, collected from the moment it opens. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${(e as Error).message ?? e}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}

export const text = (page: Page, testid: string): Promise<string> => page.$eval(`[data-testid="${testid}"]`, (e) => e.textContent ?? '');
