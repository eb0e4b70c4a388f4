// Where the browser tests find their browsers: $CHROMIUM_PATH / $FIREFOX_PATH, else Debian's
// paths (`apt-get install -y chromium firefox-esr`). Run directly (npm test's posttest step), it
// says loudly when the browser tests were skipped for want of Chromium.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The first candidate that exists; only $env when it is set. */
function find(env, candidates) {
  const fromEnv = process.env[env];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return candidates.find((c) => existsSync(c));
}

export const chromiumPath = find('CHROMIUM_PATH', ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']);
export const firefoxPath = find('FIREFOX_PATH', ['/usr/bin/firefox-esr', '/usr/bin/firefox']);

export const SKIP_BANNER = [
  '!'.repeat(78),
  '!! BROWSER TESTS SKIPPED: no Chromium found (looked for /usr/bin/chromium; set CHROMIUM_PATH).',
  '!! The playground and the in-page kernel/optimizer tests did not run.',
  '!! Install it with: apt-get update && apt-get install -y chromium',
  '!'.repeat(78),
].join('\n');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!chromiumPath) console.warn(`\n${SKIP_BANNER}\n`);
  else console.log(`browser tests: Chromium at ${chromiumPath}${firefoxPath ? `, Firefox ESR at ${firefoxPath}` : "; no Firefox ESR (its tests skip)"}`);
}
