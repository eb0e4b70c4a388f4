"""PyTorch's row of the `lstm-lm` bench family (apps/bench/src/lstm-lm.ts runs this with /usr/bin/python3).

    /usr/bin/python3 lstm_lm_bench.py <threads> <inputs.bin>

word_language_model's RNNModel (LSTM) on the inputs lstm-lm.ts writes (pytorch_bench.py's
format: header length, JSON header {name: [offset, length]}, float32 data); one main.py training
step, timed as pytorch_bench.py times. Prints {"value", "unit", "check", "cpuRatio"}.
"""
import json
import sys

from bench_common import read_inputs, timed  # noqa: E402  (this directory is on sys.path)

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001
    print(f'skipped: /usr/bin/python3 cannot import torch ({e})', file=sys.stderr)
    sys.exit(3)

threads, path = int(sys.argv[1]), sys.argv[2]
torch.set_num_threads(threads)
header, arr = read_inputs(path)
LM = header.pop('__lm__')


class RNNModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(LM['ntoken'], LM['ninp'])
        self.rnn = nn.LSTM(LM['ninp'], LM['nhid'], LM['nlayers'])
        self.decoder = nn.Linear(LM['nhid'], LM['ntoken'])

    def forward(self, input, hidden):
        output, hidden = self.rnn(self.encoder(input), hidden)
        return F.log_softmax(self.decoder(output).view(-1, LM['ntoken']), dim=1), hidden


model = RNNModel()
model.load_state_dict({k: arr(k).reshape(v.shape) for k, v in model.state_dict().items()})
tokens = arr('tokens').long().reshape(LM['bptt'] + 1, LM['batch'])
data, targets = tokens[:-1], tokens[1:].reshape(-1)
hidden = [torch.zeros(LM['nlayers'], LM['batch'], LM['nhid']) for _ in range(2)]
criterion = nn.NLLLoss()
first = []


def step():
    global hidden
    model.zero_grad()
    hidden = tuple(h.detach() for h in hidden)
    output, hidden = model(data, hidden)
    loss = criterion(output, targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), LM['clip'])
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-LM['lr'])
    if not first:
        first.append(float(loss))




s, r = timed(step, 2.5)
print(json.dumps({'value': s * 1e3, 'unit': 'ms/step', 'check': first[0], 'cpuRatio': r}))
