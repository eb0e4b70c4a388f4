/**
 * What the browser tests share: finding a system browser, building and serving the page, and
 * launching the browser through puppeteer-core (which never downloads one).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { SKIP_BANNER, chromiumPath, firefoxPath } from '../../scripts/browsers.mjs';
import { buildPlayground } from '../../scripts/build.mjs';
import { serveStatic } from '../../scripts/serve.mjs';
import { buildSelftest } from './selftest-build.js';

export const app = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshots = join(app, '.screenshots');

export { SKIP_BANNER, chromiumPath, firefoxPath };

/** Builds the playground (minified, as `npm run playground` does) and the self-test page, and serves both. */
export async function startSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const out = join(app, '.out');
  const dist = await buildPlayground({ out: join(out, 'site') });
  await buildSelftest(join(out, 'selftest'));
  const { server, url } = await serveStatic({ '/': dist, '/selftest/': join(out, 'selftest') });
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

/** Firefox ESR through WebDriver BiDi (puppeteer-core speaks it natively; no geckodriver). */
export async function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: firefoxPath!,
    headless: true,
    defaultViewport: { width: 1280, height: 900 },
  });
}

/**
 * Console errors, uncaught exceptions, failed requests and any request that leaves `origin`
 * (the page must load nothing but its own files), collected from the moment the page opens.
 */
export function watchErrors(page: Page, origin: string): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${(e as Error).message ?? e}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => {
    // blob: URLs of the page's own origin are the thread pool's Web Workers (made in the page).
    const own = r.url().startsWith(origin) || r.url().startsWith(`blob:${origin.replace(/\/$/, '')}/`);
    if (!own && !r.url().startsWith('data:')) errors.push(`request outside the site: ${r.url()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}

export const text = (page: Page, testid: string): Promise<string> => page.$eval(`[data-testid="${testid}"]`, (e) => e.textContent ?? '');
