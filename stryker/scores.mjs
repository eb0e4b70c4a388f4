/**
 * Where each source file stands in the committed incremental records (stryker/incremental/*.json):
 * per file the mutants Stryker recorded, killed, timed out, survived, without coverage, and its
 * score (killed + timed out) / (those four), the latest record of a file winning; "stale" when the
 * file has changed since (the next run of its chunk re-tests what changed); and each package's
 * source files with no record at all. Equivalent mutants are listed in MUTATION.md's sections,
 * not here: this is Stryker's own score, before they are taken out.
 *
 *   node stryker/scores.mjs            # a markdown table
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const byFile = new Map();
for (const name of readdirSync(join(repo, 'stryker/incremental')).filter((n) => n.endsWith('.json')).sort()) {
  const report = JSON.parse(readFileSync(join(repo, 'stryker/incremental', name), 'utf8'));
  for (const [file, rec] of Object.entries(report.files ?? {})) {
    const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
    for (const m of rec.mutants) count[m.status in count ? m.status : 'other']++;
    const now = existsSync(join(repo, file)) ? readFileSync(join(repo, file), 'utf8') : null;
    const prev = byFile.get(file);
    // the record with more mutants wins (a range run records part of a file)
    if (!prev || rec.mutants.length > prev.total) byFile.set(file, { ...count, total: rec.mutants.length, stale: now !== rec.source, from: name });
  }
}

const sources = (dir) => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  if (statSync(p).isDirectory()) return sources(p);
  return /\.ts$/.test(n) && !/\.gen\.ts$|^index\.ts$|\.d\.ts$/.test(n) ? [relative(repo, p)] : [];
});

const pct = (k, d) => (d ? `${(100 * k / d).toFixed(1)} %` : '—');
for (const pkg of ['optim', 'tensor']) {
  const files = sources(join(repo, 'packages', pkg, 'src'));
  console.log(`\n#### ${pkg}\n\n| file | mutants | killed | timed out | survived | no coverage | score | record |\n|---|---|---|---|---|---|---|---|`);
  let k = 0, t = 0, s = 0, n = 0, m = 0;
  for (const f of files.filter((f) => byFile.has(f))) {
    const r = byFile.get(f);
    k += r.Killed; t += r.Timeout; s += r.Survived; n += r.NoCoverage; m += r.total;
    console.log(`| ${f.replace(`packages/${pkg}/src/`, '')} | ${r.total} | ${r.Killed} | ${r.Timeout} | ${r.Survived} | ${r.NoCoverage} | ${pct(r.Killed + r.Timeout, r.Killed + r.Timeout + r.Survived + r.NoCoverage)} | ${r.from}${r.stale ? ', stale' : ''} |`);
  }
  console.log(`| **recorded, all files** | ${m} | ${k} | ${t} | ${s} | ${n} | **${pct(k + t, k + t + s + n)}** | |`);
  const none = files.filter((f) => !byFile.has(f));
  console.log(`\nNo record (${none.length} of ${files.length} files): ${none.map((f) => f.replace(`packages/${pkg}/src/`, '')).join(', ')}`);
}
