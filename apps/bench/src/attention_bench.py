"""PyTorch's attention rows (issue 23): the models of apps/bench/src/attention.ts, loaded with
the same numbers by state-dict key, one training step timed as pytorch_bench.py times its cases.

    /usr/bin/python3 attention_bench.py <transformer-encoder-step|gpt-step> <threads> <inputs.bin>

Inputs and output as pytorch_bench.py's (same header format, same JSON line): importing it reads
the arguments, sets and checks the thread count and BLAS, and gives its helpers (it runs no case
of these names).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402


def gpt_model(cfg):
    n_embd, n_head, n_layer, block_size, vocab = cfg['nEmbd'], cfg['nHead'], cfg['nLayer'], cfg['block'], cfg['vocab']

    class Head(nn.Module):
        def __init__(self, head_size):
            super().__init__()
            self.key = nn.Linear(n_embd, head_size, bias=False)
            self.query = nn.Linear(n_embd, head_size, bias=False)
            self.value = nn.Linear(n_embd, head_size, bias=False)
            self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size)))

        def forward(self, x):
            B, T, C = x.shape
            k, q, v = self.key(x), self.query(x), self.value(x)
            wei = q @ k.transpose(-2, -1) * k.shape[-1]**-0.5
            wei = wei.masked_fill(self.tril[:T, :T] == 0, float('-inf'))
            return F.softmax(wei, dim=-1) @ v

    class MultiHeadAttention(nn.Module):
        def __init__(self, num_heads, head_size):
            super().__init__()
            self.heads = nn.ModuleList([Head(head_size) for _ in range(num_heads)])
            self.proj = nn.Linear(head_size * num_heads, n_embd)

        def forward(self, x):
            return self.proj(torch.cat([h(x) for h in self.heads], dim=-1))

    class FeedFoward(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd), nn.Dropout(0.0))

        def forward(self, x):
            return self.net(x)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.sa = MultiHeadAttention(n_head, n_embd // n_head)
            self.ffwd = FeedFoward()
            self.ln1 = nn.LayerNorm(n_embd)
            self.ln2 = nn.LayerNorm(n_embd)

        def forward(self, x):
            x = x + self.sa(self.ln1(x))
            return x + self.ffwd(self.ln2(x))

    class GPTLanguageModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.token_embedding_table = nn.Embedding(vocab, n_embd)
            self.position_embedding_table = nn.Embedding(block_size, n_embd)
            self.blocks = nn.Sequential(*[Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.lm_head = nn.Linear(n_embd, vocab)

        def forward(self, idx, targets):
            B, T = idx.shape
            x = self.token_embedding_table(idx) + self.position_embedding_table(torch.arange(T))
            logits = self.lm_head(self.ln_f(self.blocks(x)))
            return F.cross_entropy(logits.view(B * T, -1), targets.view(B * T))

    return GPTLanguageModel()


def run(case, arr, header, timed, out):
    cfg = header['__config__']
    if case == 'gpt-step':
        model = gpt_model(cfg)
        toks = arr('__tokens__', (cfg['batch'], cfg['block'] + 1)).long()
        x, y = toks[:, :-1].contiguous(), toks[:, 1:].contiguous()
        opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
        loss_fn = lambda: model(x, y)
    else:
        model = nn.TransformerEncoderLayer(cfg['d'], cfg['nhead'], cfg['ff'], 0.0)
        shape = (cfg['seq'], cfg['batch'], cfg['d'])
        x, target = arr('__x__', shape), arr('__target__', shape)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = lambda: F.mse_loss(model(x), target)
    sd = model.state_dict()
    for name, p in model.named_parameters():
        sd[name] = arr(name, tuple(p.shape))
    model.load_state_dict(sd)
    first = []

    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        if not first:
            first.append(float(loss))

    s, r = timed(step, 2.5)
    out(s * 1e3, 'ms/step', first[0], r)


if __name__ == '__main__':
    main_case = sys.argv[1]
    import pytorch_bench as pb  # noqa: E402  (reads argv: threads, inputs; sets the thread count)
    run(main_case, pb.arr, pb.header, pb.timed, pb.out)
