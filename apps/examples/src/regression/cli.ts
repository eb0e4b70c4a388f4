import { TRUE_B, TRUE_W, train } from './train.js';

console.log(`tensile: fitting y = ${TRUE_W}x ${TRUE_B < 0 ? '-' : '+'} ${Math.abs(TRUE_B)} from 100 noisy points with ASGD\n`);
const t0 = performance.now();
const r = train({
  onLog: (step, loss, w, b) => console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(4)}  w ${w.toFixed(3)}  b ${b.toFixed(3)}`),
});
console.log(`\nlearned   w ${r.w.toFixed(3)}  b ${r.b.toFixed(3)}`);
console.log(`averaged  w ${r.wAveraged.toFixed(3)}  b ${r.bAveraged.toFixed(3)}`);
console.log(`true      w ${TRUE_W.toFixed(3)}  b ${TRUE_B.toFixed(3)}      (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
