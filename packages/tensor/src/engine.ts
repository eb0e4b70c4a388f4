// Wires the ops the autograd engine needs into it (autograd.ts cannot import ops at load time
// without an import cycle).
import { installEngineOps, noGrad } from './autograd.js';
import { add } from './ops/binary.js';
import { ones } from './ops/creation.js';
import { clone } from './ops/movement.js';
import { add_ } from './ops/inplace.js';
import { detach } from './ops/movement.js';

installEngineOps({
  add,
  onesLike: (t) => ones(t.shape),
  // A fresh contiguous copy, so two leaves never share one grad tensor.
  copyForGrad: (g, keepGraph) => (keepGraph ? clone(g) : noGrad(() => clone(detach(g)))),
  accumulateInPlace: (dst, src) => noGrad(() => add_(dst, src)),
});
