// A fresh 800 KB Float32Array (the MLP's weight gradient's size) written and dropped, against
// refilling one kept array: what a step pays for memory the allocator hands back cold.
// Usage: node apps/bench/micro/fresh-array.mjs
const n = 200704, R = 2000;
let keep = [];
function fresh() { const a = new Float32Array(n); for (let i = 0; i < n; i += 1024) a[i] = 1; a.set(src); keep.push(a); if (keep.length > 3) keep.shift(); }
const src = new Float32Array(n).fill(1);
const reuse = new Float32Array(n);
function warm() { reuse.fill(0); reuse.set(src); }
for (const [name, f] of [['fresh', fresh], ['warm', warm], ['fresh', fresh], ['warm', warm]]) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (let r = 0; r < R; r++) f();
  const c = process.cpuUsage(c0);
  console.log(name, ((performance.now() - t0) / R * 1000).toFixed(1), 'us wall', ((c.user + c.system) / R).toFixed(1), 'us cpu', (c.system / R).toFixed(1), 'us sys');
}
