/**
 * The page: settings, buttons and readouts, two live charts (uPlot) and a drawing pad. All
 * training and inference happen in the worker (worker.ts); this file only draws.
 */
import uPlot from 'uplot';
import { toModelInput } from './pad.js';
import { HYPER, defaults, type Config, type FromWorker, type ToWorker } from './protocol.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: no element #${id}`);
  return el as T;
};

const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(m, transfer);

// ---- settings ----
const numeric = ['lr', 'lambd', 'alpha', 't0', 'momentum', 'beta1', 'beta2', 'eps', 'weightDecay', 'batchSize'] as const;
const modelSel = $<HTMLSelectElement>('model'), optSel = $<HTMLSelectElement>('optimizer');
const startBtn = $<HTMLButtonElement>('start'), pauseBtn = $<HTMLButtonElement>('pause'), resetBtn = $<HTMLButtonElement>('reset');

function fillDefaults(): void {
  const d = defaults(modelSel.value as Config['model'], optSel.value as Config['optimizer']);
  for (const k of numeric) $<HTMLInputElement>(k).value = String(d[k]);
  for (const el of document.querySelectorAll<HTMLElement>('label[data-hyper]')) el.classList.toggle('hidden', !HYPER[d.optimizer].includes(el.dataset['hyper'] as keyof Config));
  $('optimizer-note').textContent = d.optimizer === 'asgd' ? 'ASGD averages the weights from step t0 on.' : 'Only ASGD keeps averaged weights.';
  $('model-note').textContent = {
    mlp: 'MLP: 784-128-10, ReLU.',
    cnn: 'CNN: two 5×5 convolutions (6 and 16 channels), each with max-pooling, then 400-84-10; evaluated on 1,000 held-out digits.',
    gpt: 'GPT: characters of Moby-Dick; 2 blocks of 4 attention heads, width 32, context 32; a sample every 25 steps.',
  }[d.model];
  // The GPT writes text: its samples replace the drawing pad.
  $('samples').classList.toggle('hidden', d.model !== 'gpt');
  $('draw').classList.toggle('hidden', d.model === 'gpt');
}

/** The settings as a Config, or an error naming the first bad field. */
function readConfig(): Config | string {
  const c = defaults(modelSel.value as Config['model'], optSel.value as Config['optimizer']);
  for (const k of numeric) {
    const el = $<HTMLInputElement>(k);
    const v = Number(el.value);
    if (el.value.trim() === '' || !(v >= 0) || !Number.isFinite(v)) return `${k} must be a number >= 0, got ${JSON.stringify(el.value)}`;
    if (k === 'batchSize' && !(Number.isInteger(v) && v >= 1)) return `batch size must be a positive integer, got ${JSON.stringify(el.value)}`;
    c[k] = v;
  }
  return c;
}

function setStatus(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

let running = false, ready = false;
function setButtons(): void {
  startBtn.disabled = !ready || running;
  pauseBtn.disabled = !ready || !running;
  resetBtn.disabled = !ready;
}

function reset(): void {
  const c = readConfig();
  if (typeof c === 'string') return setStatus(c, true);
  running = false;
  clearCharts(c.optimizer === 'asgd');
  for (const id of ['loss', 'accuracy', 'accuracy-averaged', 'speed', 'val-loss']) $(id).textContent = '–';
  $('sample').textContent = '';
  $('sample').dataset['step'] = '';
  $('step').textContent = '0';
  $('epoch').textContent = '–';
  send({ type: 'reset', config: c });
  setButtons();
  setStatus(`ready: ${c.model.toUpperCase()} with ${optSel.selectedOptions[0]?.textContent ?? c.optimizer}; press Start`);
}

// Threads: 1 up to the machine's cores (2 at least, 8 at most); `?threads=N` in the address picks N.
const threadsSel = $<HTMLSelectElement>('threads');
for (let n = 1; n <= Math.min(8, Math.max(2, navigator.hardwareConcurrency || 1)); n++) threadsSel.append(new Option(String(n), String(n)));
const askedThreads = new URLSearchParams(location.search).get('threads');
if (askedThreads && [...threadsSel.options].some((o) => o.value === askedThreads)) threadsSel.value = askedThreads;
threadsSel.addEventListener('change', () => {
  send({ type: 'threads', n: Number(threadsSel.value) });
  setStatus(`${threadsSel.value} thread${threadsSel.value === '1' ? '' : 's'} from the next step on`);
});

modelSel.addEventListener('change', () => { fillDefaults(); reset(); });
optSel.addEventListener('change', () => { fillDefaults(); reset(); });
for (const k of numeric) {
  $<HTMLInputElement>(k).addEventListener('change', () => {
    const c = readConfig();
    if (typeof c === 'string') return setStatus(c, true);
    if (k === 'batchSize') return reset();
    send({ type: 'config', config: c });
    setStatus(`${k} = ${c[k]} from step ${$('step').textContent} on`);
  });
}
startBtn.addEventListener('click', () => {
  const c = readConfig();
  if (typeof c === 'string') return setStatus(c, true);
  running = true;
  send({ type: 'start' });
  setButtons();
  setStatus('training…');
});
pauseBtn.addEventListener('click', () => {
  running = false;
  send({ type: 'pause' });
  setButtons();
  setStatus('paused');
});
resetBtn.addEventListener('click', reset);

// ---- charts ----
const lossData: [number[], number[]] = [[], []];
const accData: [number[], (number | null)[], (number | null)[]] = [[], [], []];
const chartWidth = (el: HTMLElement): number => Math.max(280, el.clientWidth);
const axis = { stroke: '#6b7280', grid: { stroke: '#eef2f7' }, ticks: { stroke: '#e5e7eb' } };
const lossChart = new uPlot({
  width: chartWidth($('loss-chart')), height: 210,
  // Before the first report the scales get fixed ranges, so the empty chart still shows its axes.
  scales: {
    x: { time: false, range: (_u, lo, hi) => (lossData[0].length > 1 ? [lo, hi] : [0, 100]) },
    y: { distr: 3, range: (_u, lo, hi) => (lossData[0].length > 0 ? uPlot.rangeLog(lo, hi, 10, true) : [0.01, 10]) },
  },
  axes: [{ ...axis, label: 'step' }, { ...axis, label: 'cross-entropy (log)', size: 60 }],
  series: [{ label: 'step' }, { label: 'training loss', stroke: '#2563eb', width: 1.5, value: (_u, v) => (v == null ? '–' : v.toFixed(4)) }],
  legend: { live: true },
}, lossData, $('loss-chart'));
const accChart = new uPlot({
  width: chartWidth($('accuracy-chart')), height: 210,
  scales: {
    x: { time: false, range: (_u, lo, hi) => (accData[0].length > 1 ? [lo, hi] : [0, 500]) },
    y: { range: (_u, lo) => (accData[0].length > 0 ? [Math.max(0, Math.floor(lo - 1)), 100] : [0, 100]) },
  },
  axes: [{ ...axis, label: 'step' }, { ...axis, label: '% correct, held out', size: 60 }],
  series: [
    { label: 'step' },
    { label: 'live weights', stroke: '#2563eb', width: 1.5, points: { show: true, size: 4 }, value: (_u, v) => (v == null ? '–' : `${v.toFixed(2)}%`) },
    { label: 'averaged (ASGD)', stroke: '#ea580c', width: 1.5, dash: [6, 3], points: { show: true, size: 4 }, value: (_u, v) => (v == null ? '–' : `${v.toFixed(2)}%`) },
  ],
}, accData, $('accuracy-chart'));

let chartsDirty = false;
function redraw(): void {
  chartsDirty = false;
  lossChart.setData(lossData);
  accChart.setData(accData);
  $('loss-chart').dataset['points'] = String(lossData[0].length);
  $('accuracy-chart').dataset['points'] = String(accData[0].length);
}
const markDirty = (): void => {
  if (!chartsDirty) requestAnimationFrame(redraw);
  chartsDirty = true;
};
function clearCharts(averaged: boolean): void {
  for (const a of lossData) a.length = 0;
  for (const a of accData) a.length = 0;
  accChart.setSeries(2, { show: averaged });
  markDirty();
}
new ResizeObserver(() => {
  lossChart.setSize({ width: chartWidth($('loss-chart')), height: 210 });
  accChart.setSize({ width: chartWidth($('accuracy-chart')), height: 210 });
}).observe($('loss-chart'));

// ---- drawing pad ----
const pad = $<HTMLCanvasElement>('pad');
const ctx = pad.getContext('2d', { willReadFrequently: true })!;
let drawing = false, inked = false, predictId = 0;
function clearPad(): void {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, pad.width, pad.height);
  inked = false;
  $<HTMLCanvasElement>('seen').getContext('2d')!.clearRect(0, 0, 28, 28);
  $('prediction').textContent = 'draw a digit above';
  $('bars').textContent = '';
}
const at = (e: PointerEvent): [number, number] => {
  const r = pad.getBoundingClientRect();
  return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
};
pad.addEventListener('pointerdown', (e) => {
  drawing = true;
  pad.setPointerCapture(e.pointerId);
  const [x, y] = at(e);
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + 0.01, y);
  ctx.stroke();
});
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  const [x, y] = at(e);
  ctx.lineTo(x, y);
  ctx.stroke();
  inked = true;
});
const endStroke = (): void => {
  if (!drawing) return;
  drawing = false;
  inked = true;
  predict();
};
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);
$('clear').addEventListener('click', clearPad);

function predict(): void {
  if (!inked || !ready || drawing) return; // a half-drawn stroke waits for pointerup
  const pixels = toModelInput(ctx, $<HTMLCanvasElement>('seen'));
  if (pixels) send({ type: 'predict', id: ++predictId, pixels }, [pixels.buffer]);
}

const argmax = (p: readonly number[]): number => p.reduce((best, v, i) => (v > p[best]! ? i : best), 0);
function showPrediction(live: number[], averaged: number[] | null): void {
  const box = $('prediction');
  box.textContent = '';
  const part = (cls: string, name: string, p: number[]): void => {
    const k = argmax(p);
    const b = document.createElement('b');
    b.className = cls;
    b.textContent = String(k);
    box.append(`${name} `, b, ` (${(100 * p[k]!).toFixed(0)}%)`);
  };
  part('live', 'live', live);
  if (averaged) {
    box.append(' · ');
    part('avg', 'averaged', averaged);
  }
  box.dataset['live'] = String(argmax(live));
  if (averaged) box.dataset['averaged'] = String(argmax(averaged));
  else delete box.dataset['averaged'];
  const bars = $('bars');
  bars.textContent = '';
  for (let d = 0; d < 10; d++) {
    const label = document.createElement('span');
    label.textContent = String(d);
    const bar = document.createElement('div');
    bar.className = 'bar';
    for (const [cls, p] of [['live', live], ['avg', averaged]] as const) {
      if (!p) continue;
      const s = document.createElement('span');
      s.className = cls;
      s.style.width = `${(100 * p[d]!).toFixed(1)}%`;
      bar.append(s);
    }
    bars.append(label, bar);
  }
}

// ---- the worker's reports ----
const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready':
      ready = true;
      $('backend').textContent = m.backend;
      $('simd').textContent = m.backend !== 'wasm' ? 'plain JavaScript' : m.relaxedSimd ? 'relaxed SIMD' : 'SIMD';
      $('backend').dataset['backend'] = m.backend;
      fillDefaults();
      reset();
      if (threadsSel.value !== '1') send({ type: 'threads', n: Number(threadsSel.value) });
      setStatus(`${m.train.toLocaleString('en')} training digits, ${m.test.toLocaleString('en')} held out; press Start${m.crossOriginIsolated ? '' : ' (page not cross-origin isolated: see README)'}`);
      return;
    case 'reset':
      return;
    case 'running':
      running = m.running;
      setButtons();
      return;
    case 'progress':
      $('step').textContent = String(m.step);
      $('epoch').textContent = String(m.epoch);
      $('loss').textContent = m.loss.toFixed(4);
      $('speed').textContent = Math.round(m.examplesPerSecond).toLocaleString('en');
      $('threads-ready').textContent = String(m.threads);
      lossData[0].push(m.step);
      lossData[1].push(m.loss);
      markDirty();
      return;
    case 'eval': {
      $('accuracy').textContent = pct(m.live);
      $('accuracy-averaged').textContent = m.averaged === null ? 'n/a (ASGD only)' : pct(m.averaged);
      $('accuracy').dataset['live'] = String(m.live);
      if (m.step > 0) { // the untrained model (about 10%) is in the readout, not on the chart's scale
        accData[0].push(m.step);
        accData[1].push(100 * m.live);
        accData[2].push(m.averaged === null ? null : 100 * m.averaged);
        markDirty();
      }
      predict(); // the drawn digit, by the newer weights
      return;
    }
    case 'prediction':
      if (m.id === predictId) showPrediction(m.live, m.averaged);
      return;
    case 'sample':
      $('sample').textContent = m.text;
      $('sample').dataset['step'] = String(m.step);
      $('val-loss').textContent = m.valLoss.toFixed(4);
      return;
    case 'error':
      setStatus(m.message, true);
      if (!m.input) {
        running = false; // training stopped
        console.error(`playground worker: ${m.message}`);
      }
      setButtons();
      return;
  }
});
worker.addEventListener('error', (e) => {
  setStatus(`the worker failed: ${e.message}`, true);
  console.error(`playground worker: ${e.message}`);
});

ctx.lineWidth = 22;
ctx.lineCap = 'round';
ctx.lineJoin = 'round';
ctx.strokeStyle = '#fff';
clearPad();
setButtons();
