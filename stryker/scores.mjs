/**
 * Where each source file stands in the committed incremental records (stryker/incremental/*.json):
 * per file the mutants Stryker recorded, killed, timed out, survived, without coverage, and its
 * score (killed + timed out) / (those four), the latest record of a file winning; "stale" when the
 * file has changed since (the next run of its chunk re-tests what changed); and each package's
 * source files with no record at all.
 *
 * Issue 27's score takes the listed equivalent mutants out: stryker/equivalents.json names each
 * (file, mutator, replacement, the trimmed text of the line it sits on, and where needed the
 * occurrence of that line text in the file and the text the mutant replaces), with why. Each
 * entry is matched against the recorded survivors (and mutants without coverage); "equivalent"
 * and "static" count the matched ones (static: module-level code Stryker did not classify as
 * static, never active under `isolate: false`; see MUTATION.md), and
 *   score (issue 27) = (killed + timed out) / (killed + timed out + survived + no coverage − matched).
 * An entry that matches no recorded survivor is listed as stale (the mutant was killed since, or
 * its code changed), one that matches more than one as ambiguous: either way the list needs
 * mending, so it cannot rot silently.
 *
 *   node stryker/scores.mjs            # markdown tables
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
    // One incremental file holds one record per source file, which Stryker merges across runs (a
    // range or --force run re-tests its mutants and keeps the rest). A file can still be recorded
    // in two incremental files (tensor.json and tensor-kernels.json): the record with more mutants wins.
    if (!prev || rec.mutants.length > prev.total) byFile.set(file, { ...count, total: rec.mutants.length, stale: now !== rec.source, from: name, rec });
  }
}

/** The trimmed text of each line, and how many lines before it have the same text. */
function lineIndex(source) {
  const seen = new Map();
  return source.split('\n').map((l) => {
    const text = l.trim();
    const occurrence = seen.get(text) ?? 0;
    seen.set(text, occurrence + 1);
    return { text, occurrence };
  });
}

/** The recorded survivors of a file, each with the keys an equivalents entry names. */
function survivors(rec) {
  const lines = lineIndex(rec.source);
  const starts = [0];
  for (let i = 0; i < rec.source.length; i++) if (rec.source[i] === '\n') starts.push(i + 1);
  const offset = (p) => starts[p.line - 1] + p.column - 1; // report locations: lines and columns from 1
  return rec.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').map((m) => ({
    id: m.id,
    at: `${m.location.start.line}:${m.location.start.column}`,
    mutator: m.mutatorName,
    replacement: m.replacement,
    line: lines[m.location.start.line - 1].text,
    occurrence: lines[m.location.start.line - 1].occurrence,
    original: rec.source.slice(offset(m.location.start), offset(m.location.end)),
  }));
}

const equivalentsFile = join(repo, 'stryker/equivalents.json');
const entries = existsSync(equivalentsFile) ? JSON.parse(readFileSync(equivalentsFile, 'utf8')).entries : [];
const matched = new Map(); // file -> { equivalent, static }
const problems = [];
const survivorsOf = new Map();
const keyOf = (e) => JSON.stringify([e.file, e.mutator, e.replacement, e.line, e.occurrence, e.original]);
const groups = new Map(); // identical entries (two 'tensor' → '' on one line) match as many survivors as there are entries
for (const e of entries) groups.set(keyOf(e), [...(groups.get(keyOf(e)) ?? []), e]);
for (const group of groups.values()) {
  const e = group[0];
  const r = byFile.get(e.file);
  if (!r) { problems.push({ e, what: 'no record of the file' }); continue; }
  if (!survivorsOf.has(e.file)) survivorsOf.set(e.file, survivors(r.rec));
  const hits = survivorsOf.get(e.file).filter((s) => !s.taken && s.mutator === e.mutator && s.replacement === e.replacement && s.line === e.line
    && (e.occurrence === undefined || s.occurrence === e.occurrence) && (e.original === undefined || s.original === e.original));
  if (hits.length > group.length) { problems.push({ e, what: `ambiguous: ${group.length} entries match ${hits.length} survivors (${hits.map((h) => h.at).join(', ')}); give occurrence or original` }); continue; }
  if (hits.length < group.length) problems.push({ e, what: `stale: ${group.length - hits.length} of ${group.length} matching entries match no recorded survivor` });
  for (const h of hits) h.taken = true;
  const c = matched.get(e.file) ?? { equivalent: 0, static: 0 };
  c[e.kind === 'static' ? 'static' : 'equivalent'] += hits.length;
  matched.set(e.file, c);
}

const sources = (dir) => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  if (statSync(p).isDirectory()) return sources(p);
  return /\.ts$/.test(n) && !/\.gen\.ts$|^index\.ts$|\.d\.ts$/.test(n) ? [relative(repo, p)] : [];
});

const pct = (k, d) => (d ? `${(100 * k / d).toFixed(1)} %` : '—');
for (const pkg of ['optim', 'tensor']) {
  const files = sources(join(repo, 'packages', pkg, 'src'));
  console.log(`\n#### ${pkg}\n\n| file | mutants | killed | timed out | survived | no coverage | score | equivalent | static | score (issue 27) | record |\n|---|---|---|---|---|---|---|---|---|---|---|`);
  let k = 0, t = 0, s = 0, n = 0, m = 0, eq = 0, st = 0;
  for (const f of files.filter((f) => byFile.has(f))) {
    const r = byFile.get(f);
    const c = matched.get(f) ?? { equivalent: 0, static: 0 };
    k += r.Killed; t += r.Timeout; s += r.Survived; n += r.NoCoverage; m += r.total; eq += c.equivalent; st += c.static;
    const tested = r.Killed + r.Timeout + r.Survived + r.NoCoverage;
    console.log(`| ${f.replace(`packages/${pkg}/src/`, '')} | ${r.total} | ${r.Killed} | ${r.Timeout} | ${r.Survived} | ${r.NoCoverage} | ${pct(r.Killed + r.Timeout, tested)} | ${c.equivalent} | ${c.static} | ${pct(r.Killed + r.Timeout, tested - c.equivalent - c.static)} | ${r.from}${r.stale ? ', stale' : ''} |`);
  }
  console.log(`| **recorded, all files** | ${m} | ${k} | ${t} | ${s} | ${n} | **${pct(k + t, k + t + s + n)}** | ${eq} | ${st} | **${pct(k + t, k + t + s + n - eq - st)}** | |`);
  const none = files.filter((f) => !byFile.has(f));
  console.log(`\nNo record (${none.length} of ${files.length} files): ${none.map((f) => f.replace(`packages/${pkg}/src/`, '')).join(', ')}`);
  const mine = problems.filter((p) => p.e.file.startsWith(`packages/${pkg}/`));
  if (mine.length > 0) {
    console.log(`\nstryker/equivalents.json entries that need mending (${mine.length}):\n`);
    for (const { e, what } of mine) console.log(`- ${e.file.replace(`packages/${pkg}/src/`, '')}: ${e.mutator} ${JSON.stringify(e.replacement)} on \`${e.line}\`: ${what}`);
  }
}
if (problems.length > 0) process.exitCode = 1;
