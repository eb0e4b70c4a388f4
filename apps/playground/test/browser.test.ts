/**
 * The playground in a real browser: Debian's Chromium driven by puppeteer-core (no browser
 * download). Skipped, loudly, where no Chromium is installed (`apt-get install -y chromium`;
 * .ci/run installs it). Screenshots land in apps/playground/.screenshots/ (ignored by git).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { SKIP_BANNER, chromiumPath, firefoxPath, launchChromium, launchFirefox, screenshot, startSite, text, watchErrors } from './browser/harness.js';
import { crosscheck } from './browser/crosscheck.js';

if (!chromiumPath) console.warn(`\n${SKIP_BANNER}\n`);

let site: Awaited<ReturnType<typeof startSite>> | undefined;
beforeAll(async () => {
  if (chromiumPath || firefoxPath) site = await startSite();
}, 120_000);
afterAll(async () => site?.close());

type Report = {
  env: { backend: string; relaxedSimd: boolean; crossOriginIsolated: boolean };
  results: { file: string; name: string; ok: boolean; skipped: boolean; ms: number; error?: string }[];
  crosscheck: Record<string, string>;
};

/** Opens the self-test page, waits for its report and checks it. */
async function selftest(browser: Browser, name: string): Promise<void> {
  const p = await browser.newPage();
  const errs = watchErrors(p, site!.url);
  await p.goto(`${site!.url}selftest/`, { waitUntil: 'domcontentloaded' });
  const report = (await p.evaluate(() => (window as unknown as { selftest: Promise<unknown> }).selftest)) as Report;
  await p.close();
  const ms = (f: string): number => Math.round(report.results.filter((r) => r.file.endsWith(f)).reduce((t, r) => t + r.ms, 0));
  console.log(`${name}: in-page test files: ${['kernels', 'wasm', 'wasm-nn', 'fixtures', 'paths'].map((f) => `${f} ${ms(`/${f}.test.ts`)} ms`).join(', ')}`);
  expect(report.env.backend).toBe('wasm');
  expect(report.env.crossOriginIsolated).toBe(true);
  const failed = report.results.filter((r) => !r.ok).map((r) => `${r.file}: ${r.name}: ${r.error}`);
  expect(failed, `failed in the page:\n${failed.join('\n')}`).toEqual([]);
  const ran = report.results.filter((r) => !r.skipped);
  const perFile = Object.fromEntries(['kernels', 'wasm', 'wasm-nn', 'fixtures', 'paths'].map((f) => [f, ran.filter((r) => r.file.endsWith(`/${f}.test.ts`)).length]));
  expect(perFile['kernels']).toBeGreaterThan(50);
  expect(perFile['wasm']).toBeGreaterThan(20);
  expect(perFile['wasm-nn']).toBeGreaterThan(30); // the convolution, pooling and relu kernels
  expect(perFile['fixtures']).toBeGreaterThan(30);
  expect(perFile['paths']).toBeGreaterThan(10);
  // Every ASGD PyTorch fixture case ran in the page, on the wasm kernels too.
  expect(ran.filter((r) => /ASGD matches PyTorch bit for bit \(wasm kernels\)/.test(r.name)).length).toBeGreaterThan(10);
  // The thread pool: refused on the page's main thread, working in a Web Worker (threads-worker.ts).
  expect(ran.filter((r) => r.file === 'threads on the main thread').length).toBe(1);
  expect(ran.filter((r) => r.file === 'threads in a Web Worker').length).toBe(4);
  expect(report.crosscheck).toEqual(crosscheck());
  expect(errs, errs.join('\n')).toEqual([]);
}

const num = (s: string): number => Number(s.replace(/[^0-9.eE+-]/g, ''));

describe.skipIf(!chromiumPath)('the playground in Chromium', () => {
  let browser: Browser, page: Page, errors: string[];
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    errors = watchErrors(page, site!.url);
  }, 60_000);
  afterAll(async () => browser?.close());

  it('loads with no console error, cross-origin isolated, and the worker reports the wasm backend', { timeout: 60_000 }, async () => {
    await page.goto(site!.url, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="start"]:not([disabled])', { timeout: 30_000 });
    expect(await page.$eval('[data-testid="backend"]', (e) => (e as HTMLElement).dataset['backend'])).toBe('wasm');
    expect(await text(page, 'backend')).toMatch(/^wasm/);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    await screenshot(page, 'chromium-1-loaded');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  let firstLoss = NaN;
  it('trains when Start is pressed: the step counts up and the loss falls', { timeout: 60_000 }, async () => {
    // Every loss the page shows, from the first report on.
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid="loss"]')!;
      const seen: number[] = ((window as unknown as { losses: number[] }).losses = []);
      new MutationObserver(() => seen.push(Number(el.textContent))).observe(el, { childList: true, characterData: true, subtree: true });
    });
    // Averaging from step 300 (the default t0 is 1500), so the averaged model differs sooner.
    await page.$eval('#t0', (e) => {
      (e as HTMLInputElement).value = '300';
      e.dispatchEvent(new Event('change'));
    });
    await page.click('[data-testid="start"]');
    await page.waitForFunction(() => (window as unknown as { losses: number[] }).losses.length > 0, { timeout: 20_000 });
    firstLoss = (await page.evaluate(() => (window as unknown as { losses: number[] }).losses[0]))!;
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')!.textContent) >= 600, { timeout: 40_000, polling: 100 });
    const loss = num(await text(page, 'loss'));
    expect(firstLoss).toBeGreaterThan(1); // the first 5 steps: cross-entropy near ln 10 = 2.3
    expect(loss).toBeLessThan(firstLoss / 5);
    expect(num(await text(page, 'speed'))).toBeGreaterThan(1000); // examples/s
    await page.waitForFunction(() => (document.querySelector('[data-testid="accuracy"]') as HTMLElement).dataset['live'] !== undefined);
    expect(Number(await page.$eval('[data-testid="accuracy"]', (e) => (e as HTMLElement).dataset['live']))).toBeGreaterThan(0.85);
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('updates both charts as it trains', { timeout: 60_000 }, async () => {
    const points = (id: string): Promise<number> => page.$eval(`[data-testid="${id}"]`, (e) => Number((e as HTMLElement).dataset['points']));
    const before = await points('loss-chart');
    await page.waitForFunction((n: number) => Number((document.querySelector('[data-testid="loss-chart"]') as HTMLElement).dataset['points']) > n + 3, { timeout: 20_000 }, before);
    expect(await points('accuracy-chart')).toBeGreaterThanOrEqual(2);
    // The plotted line: the chart's canvas has the loss series' blue somewhere.
    const blue = await page.$eval('[data-testid="loss-chart"] canvas', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 2]! > 180 && d[i]! < 120 && d[i + 3]! > 0) n++;
      return n;
    });
    expect(blue).toBeGreaterThan(50);
  });

  it('predicts a drawn digit with the live and the averaged weights', { timeout: 60_000 }, async () => {
    // Past t0 (300 steps here) ASGD averages, so the two models differ.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')!.textContent) >= 700, { timeout: 40_000, polling: 100 });
    await page.click('[data-testid="pause"]');
    const pad = (await page.$('[data-testid="pad"]'))!;
    const box = (await pad.boundingBox())!;
    const stroke = async (pts: [number, number][]): Promise<void> => {
      await page.mouse.move(box.x + pts[0]![0] * box.width, box.y + pts[0]![1] * box.height);
      await page.mouse.down();
      for (const [x, y] of pts.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 4 });
      await page.mouse.up();
    };
    // A "7": a bar across the top, then a stroke down and to the left.
    await stroke([[0.25, 0.2], [0.75, 0.2], [0.62, 0.45], [0.5, 0.82]]);
    await page.waitForFunction(() => (document.querySelector('[data-testid="prediction"]') as HTMLElement).dataset['live'] !== undefined, { timeout: 10_000 });
    const got = await page.$eval('[data-testid="prediction"]', (e) => ({ text: e.textContent, live: (e as HTMLElement).dataset['live'], averaged: (e as HTMLElement).dataset['averaged'] }));
    expect(got.text).toMatch(/^live \d \(\d+%\) · averaged \d \(\d+%\)$/);
    expect(got.live).toBe('7');
    expect(got.averaged).toBe('7');
    await screenshot(page, 'chromium-2-trained-and-drawn');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('trains the CNN with SGD after a switch: loss falls, no averaged weights', { timeout: 60_000 }, async () => {
    await page.select('#model', 'cnn');
    await page.select('#optimizer', 'sgd');
    expect(await text(page, 'step')).toBe('0');
    await page.evaluate(() => ((window as unknown as { losses: number[] }).losses.length = 0));
    await page.click('[data-testid="start"]');
    await page.waitForFunction(() => Number((document.querySelector('[data-testid="accuracy-chart"]') as HTMLElement).dataset['points']) >= 1, { timeout: 40_000, polling: 100 });
    await page.click('[data-testid="pause"]');
    const losses = await page.evaluate(() => (window as unknown as { losses: number[] }).losses.filter((v) => Number.isFinite(v)));
    // The CNN leaves its plateau near ln 10 slowly (about 1,500 examples/s here): over its
    // first 50 steps the loss only edges down, so compare the means of the first and last five.
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    expect(losses.length).toBeGreaterThanOrEqual(10);
    expect(mean(losses.slice(0, 5))).toBeGreaterThan(2);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)));
    expect(await text(page, 'accuracy-averaged')).toBe('n/a (ASGD only)');
    expect(await page.$eval('[data-testid="prediction"]', (e) => (e as HTMLElement).dataset['averaged'])).toBeUndefined();
    await screenshot(page, 'chromium-3-cnn-sgd');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('trains the MLP with Adam; a value Adam refuses shows PyTorch\'s message and changes nothing', { timeout: 60_000 }, async () => {
    await page.select('#model', 'mlp');
    await page.select('#optimizer', 'adam');
    expect(await page.$eval('#lr', (e) => (e as HTMLInputElement).value)).toBe('0.001');
    expect(await page.$eval('label[data-hyper="beta1"]', (e) => e.classList.contains('hidden'))).toBe(false);
    expect(await page.$eval('label[data-hyper="t0"]', (e) => e.classList.contains('hidden'))).toBe(true);
    await page.evaluate(() => ((window as unknown as { losses: number[] }).losses.length = 0));
    await page.click('[data-testid="start"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')!.textContent) >= 300, { timeout: 40_000, polling: 100 });
    const losses = await page.evaluate(() => (window as unknown as { losses: number[] }).losses.filter((v) => Number.isFinite(v)));
    expect(losses.at(-1)).toBeLessThan(losses[0]! / 3);
    await page.$eval('#beta1', (e) => {
      (e as HTMLInputElement).value = '1.5';
      e.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => document.querySelector('#status')!.classList.contains('error'), { timeout: 10_000 });
    expect(await page.$eval('#status', (e) => e.textContent)).toBe('Invalid beta parameter at index 0: 1.5');
    // Training goes on with the betas it had.
    const step = Number(await text(page, 'step'));
    await page.waitForFunction((s: number) => Number(document.querySelector('[data-testid="step"]')!.textContent) > s + 50, { timeout: 20_000, polling: 100 }, step);
    await page.click('[data-testid="pause"]');
    await screenshot(page, 'chromium-4-adam-refused-beta');
    // Reset with the refused value: no model, and Start says what to do instead of hanging.
    const status = (): Promise<string | null> => page.$eval('#status', (e) => e.textContent);
    await page.click('[data-testid="reset"]');
    await page.waitForFunction(() => document.querySelector('#status')!.textContent!.startsWith('Invalid beta'), { timeout: 10_000 });
    await page.click('[data-testid="start"]');
    await page.waitForFunction(() => document.querySelector('#status')!.textContent!.startsWith('no model'), { timeout: 10_000 });
    expect(await page.$eval('[data-testid="start"]', (e) => (e as HTMLButtonElement).disabled)).toBe(false);
    await page.$eval('#beta1', (e) => {
      (e as HTMLInputElement).value = '0.9';
      e.dispatchEvent(new Event('change'));
    });
    await page.click('[data-testid="reset"]');
    await page.waitForFunction(() => document.querySelector('#status')!.textContent!.startsWith('ready'), { timeout: 10_000 });
    expect(await status()).toBe('ready: MLP with Adam; press Start');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('trains the MLP on 2 threads: a Web Worker helper comes online and the losses are 1 thread\'s', { timeout: 90_000 }, async () => {
    const p = await browser.newPage();
    const errs = watchErrors(p, site!.url);
    /**
     * The loss reports of the first 40 steps on `threads` threads, keyed by the steps each one
     * averages ("5-10"): a slice ends after 60 ms or every 5 steps, so where reports fall depends
     * on the speed, but a report over the same steps must give the same value.
     */
    const reports = async (threads: string): Promise<{ byRange: Map<string, string>; ready: string }> => {
      await p.goto(`${site!.url}?threads=${threads}`, { waitUntil: 'load' });
      await p.waitForSelector('[data-testid="start"]:not([disabled])', { timeout: 30_000 });
      expect(await p.$eval('#threads', (e) => (e as HTMLSelectElement).value)).toBe(threads);
      await p.evaluate(() => {
        const loss = document.querySelector('[data-testid="loss"]')!, step = document.querySelector('[data-testid="step"]')!;
        const seen: [string, string][] = ((window as unknown as { seen: [string, string][] }).seen = []);
        new MutationObserver(() => seen.push([step.textContent ?? '', loss.textContent ?? ''])).observe(loss, { childList: true, characterData: true, subtree: true });
      });
      await new Promise((ok) => setTimeout(ok, 300)); // the helper comes online while the worker is idle
      await p.click('[data-testid="start"]');
      await p.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')!.textContent) >= 40, { timeout: 30_000, polling: 50 });
      await p.click('[data-testid="pause"]');
      const seen = (await p.evaluate(() => (window as unknown as { seen: [string, string][] }).seen)).filter(([, l]) => l !== '–');
      const byRange = new Map(seen.map(([step, loss], i) => [`${i === 0 ? 0 : seen[i - 1]![0]}-${step}`, loss]));
      return { byRange, ready: await text(p, 'threads-ready') };
    };
    try {
      const one = await reports('1');
      const two = await reports('2');
      expect(one.ready).toBe('1');
      expect(two.ready).toBe('2');
      const common = [...one.byRange.keys()].filter((k) => two.byRange.has(k));
      expect(common.length, `report ranges: ${[...one.byRange.keys()]} / ${[...two.byRange.keys()]}`).toBeGreaterThanOrEqual(2);
      for (const k of common) expect(`${k}: ${two.byRange.get(k)}`).toBe(`${k}: ${one.byRange.get(k)}`);
      await screenshot(p, 'chromium-6-two-threads');
      expect(errs, errs.join('\n')).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('trains the GPT on Moby-Dick in the worker: samples appear and change, the loss falls, no console error', { timeout: 120_000 }, async () => {
    // A fresh page, so this runs alone too (-t GPT).
    await page.goto(site!.url, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="start"]:not([disabled])', { timeout: 30_000 });
    await page.select('#model', 'gpt');
    expect(await text(page, 'step')).toBe('0');
    expect(await page.$eval('#samples', (e) => e.classList.contains('hidden'))).toBe(false);
    expect(await page.$eval('#draw', (e) => e.classList.contains('hidden'))).toBe(true);
    expect(await page.$eval('#optimizer', (e) => (e as HTMLSelectElement).value)).toBe('asgd');
    await page.select('#optimizer', 'adamw');
    expect(await page.$eval('#lr', (e) => (e as HTMLInputElement).value)).toBe('0.003');
    const sampleAt = (): Promise<{ step: number; text: string }> => page.$eval('[data-testid="sample"]', (e) => ({ step: Number((e as HTMLElement).dataset['step'] || -1), text: e.textContent ?? '' }));
    // Reset draws a sample from the untrained model (step 0).
    await page.waitForFunction(() => (document.querySelector('[data-testid="sample"]') as HTMLElement).dataset['step'] === '0', { timeout: 20_000 });
    const before = await sampleAt();
    expect(before.text.length).toBe(100);
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid="loss"]')!;
      const seen: number[] = ((window as unknown as { gptLosses: number[] }).gptLosses = []);
      new MutationObserver(() => seen.push(Number(el.textContent))).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await page.click('[data-testid="start"]');
    await page.waitForFunction(() => Number((document.querySelector('[data-testid="sample"]') as HTMLElement).dataset['step']) >= 75, { timeout: 90_000, polling: 200 });
    await page.click('[data-testid="pause"]');
    const after = await sampleAt();
    expect(after.text.length).toBe(100);
    expect(after.text).not.toBe(before.text);
    const losses = await page.evaluate(() => (window as unknown as { gptLosses: number[] }).gptLosses.filter((v) => Number.isFinite(v)));
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    expect(losses.length).toBeGreaterThanOrEqual(10);
    expect(mean(losses.slice(0, 3))).toBeGreaterThan(3.5); // near ln 75 = 4.3 at first
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)) - 0.5);
    expect(num(await text(page, 'val-loss'))).toBeLessThan(4);
    await screenshot(page, 'chromium-5-gpt');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('runs the engine\'s kernel, wasm and optimizer test files inside a page, and computes the same bits as Node', { timeout: 120_000 }, async () => {
    await selftest(browser, 'chromium');
  });
});

// Firefox ESR through WebDriver BiDi: the same page and in-page test files in SpiderMonkey.
describe.skipIf(!firefoxPath)('the playground in Firefox ESR (WebDriver BiDi)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchFirefox();
  }, 60_000);
  afterAll(async () => browser?.close());

  it('loads with no console error, reports wasm, trains and the loss falls', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page, site!.url);
    await page.goto(site!.url, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="start"]:not([disabled])', { timeout: 30_000 });
    expect(await text(page, 'backend')).toBe('wasm');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    await page.click('[data-testid="start"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')!.textContent) >= 600, { timeout: 40_000, polling: 100 });
    await page.click('[data-testid="pause"]');
    expect(num(await text(page, 'loss'))).toBeLessThan(0.4);
    expect(Number(await page.$eval('[data-testid="accuracy"]', (e) => (e as HTMLElement).dataset['live']))).toBeGreaterThan(0.85);
    await screenshot(page, 'firefox-1-trained');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  });

  it('runs the engine\'s kernel, wasm and optimizer test files inside a page, and computes the same bits as Node', { timeout: 120_000 }, async () => {
    await selftest(browser, 'firefox');
  });
});
