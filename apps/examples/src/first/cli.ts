import { manualSeed, tensor, int64 } from '@tensile/tensor';
import * as nn from '@tensile/tensor/nn'; // as `import torch.nn as nn`
import * as F from '@tensile/tensor/nn/functional'; // as `import torch.nn.functional as F`
import { ASGD } from '@tensile/optim';

manualSeed(0);
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([0, 1, 1, 0], { dtype: int64 }); // class labels: int64, as torch.tensor([0, 1, 1, 0])
const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
const opt = new ASGD(model.parameters(), { lr: 0.1, t0: 250 });

for (let step = 0; step < 500; step++) {
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
}
opt.withAveraged(() => console.log(model.forward(x).argmax(1).toString())); // averaged weights
