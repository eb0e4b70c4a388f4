import { SPECIES } from './data.js';
import { train } from './train.js';

console.log('tensile: Iris species from 4 measurements, 4-16-3 MLP with ASGD (full batch)\n');
const t0 = performance.now();
const r = train({
  onLog: (step, loss, acc) => console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(4)}  train accuracy ${(100 * acc).toFixed(1)}%`),
});
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
console.log(`\n${r.trainCount} training flowers, ${r.testCount} held out (10 per species)`);
console.log(`accuracy     live  averaged`);
console.log(`train      ${pct(r.trainAccuracy).padStart(6)}    ${pct(r.trainAccuracyAveraged).padStart(6)}`);
console.log(`held-out   ${pct(r.testAccuracy).padStart(6)}    ${pct(r.testAccuracyAveraged).padStart(6)}`);
console.log('\nheld-out confusion (averaged weights), rows = true species:');
const w = Math.max(...SPECIES.map((s) => s.length));
console.log(`${''.padEnd(w)}  ${SPECIES.map((s) => s.padStart(w)).join('  ')}`);
r.confusion.forEach((row, i) => console.log(`${SPECIES[i]!.padEnd(w)}  ${row.map((n) => String(n).padStart(w)).join('  ')}`));
console.log(`\n(${((performance.now() - t0) / 1000).toFixed(2)} s)`);
