import { train } from './train.js';

console.log('tensile: training a 2-8-2 MLP on XOR with ASGD\n');
const t0 = performance.now();
const { predictions, accuracy } = train({ onLog: (step, loss) => console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}`) });
console.log(`\npredictions for (0,0) (0,1) (1,0) (1,1): ${predictions.join(' ')}  (want 0 1 1 0)`);
console.log(`accuracy ${(accuracy * 100).toFixed(0)}%  in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
