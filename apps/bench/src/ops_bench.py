"""PyTorch's rows of issue 25's kernel families (apps/bench/src/pytorch.ts `run` with `opsScript`).

    /usr/bin/python3 ops_bench.py <case> <threads> <inputs.bin>

Cases (their parameters in the JSON header, beside the arrays; pytorch_bench.py's input format):
  elementwise  __op__, __backward__: one op on x (kernels.ts), alone or with .backward(up)
  norm         __norm__ {kind, shape, features, groups}: a normalisation layer's forward and
               backward in training mode (norms.ts)
  optimizer    __optimizer__, __kwargs__, __sizes__: one step() of a torch.optim class with
               foreach=False, PyTorch's for-loop (optimizers.ts)
Each prints one JSON line {"value", "unit", "check", "cpuRatio"}, timed as pytorch_bench.py
times (median after warm-up; cpuRatio is CPU time over wall time while timing), with the same
checks as the tensile rows.
"""
import json
import sys
import time

from bench_common import read_inputs, timed  # noqa: E402  (this directory is on sys.path)

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001
    print(f'skipped: /usr/bin/python3 cannot import torch ({e}); apt-get install -y python3-torch libopenblas0-pthread', file=sys.stderr)
    sys.exit(3)

case, threads, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
torch.set_num_threads(threads)

header, arr = read_inputs(path)




def out(value, unit, check, ratio):
    print(json.dumps({'value': value, 'unit': unit, 'check': check, 'cpuRatio': ratio}))


def abs_sum(t):
    return float(t.detach().double().abs().sum())


if case == 'elementwise':
    op, backward = header['__op__'], header['__backward__']
    fn = {
        'exp': torch.exp, 'log': torch.log, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid, 'erf': torch.erf,
        'gelu': F.gelu, 'gelu-tanh': lambda v: F.gelu(v, approximate='tanh'), 'softplus': F.softplus, 'silu': F.silu,
    }[op]
    x, up = arr('x'), arr('up')
    n = x.numel()
    if backward:
        x.requires_grad_()
        fn(x).backward(up)
        check = abs_sum(x.grad)

        def fwd_bwd():
            x.grad = None
            fn(x).backward(up)

        s, r = timed(fwd_bwd)
    else:
        check = abs_sum(fn(x))
        s, r = timed(lambda: fn(x))
    out(s * 1e9 / n, 'ns/element', check, r)

elif case == 'norm':
    spec = header['__norm__']
    shape, c = spec['shape'], spec['features']
    m = {
        'BatchNorm1d': lambda: torch.nn.BatchNorm1d(c),
        'BatchNorm2d': lambda: torch.nn.BatchNorm2d(c),
        'LayerNorm': lambda: torch.nn.LayerNorm(c),
        'GroupNorm': lambda: torch.nn.GroupNorm(spec.get('groups'), c),
    }[spec['kind']]()
    m.train()
    with torch.no_grad():
        m.weight.copy_(arr('weight'))
        m.bias.copy_(arr('bias'))
    x, up = arr('x', shape).requires_grad_(), arr('up', shape)
    y = m(x)
    y.backward(up)
    check = abs_sum(y) + abs_sum(x.grad)
    params = list(m.parameters())

    def norm_step():
        x.grad = None
        for p in params:
            p.grad = None
        m(x).backward(up)

    s, r = timed(norm_step, 2.5)
    out(s * 1e3, 'ms', check, r)

elif case == 'optimizer':
    sizes = header['__sizes__']
    params = [arr(f'p{i}').clone().requires_grad_() for i in range(len(sizes))]
    for i, p in enumerate(params):
        p.grad = arr(f'g{i}').clone()
    opt = getattr(torch.optim, header['__optimizer__'])(params, foreach=False, **header['__kwargs__'])
    before = params[0].detach().clone()
    opt.step()
    check = float((params[0].detach().double() - before.double()).abs().sum())
    s, r = timed(opt.step, 2.5)
    out(s * 1e9 / sum(sizes), 'ns/param', check, r)

else:
    print(f'unknown case {case}', file=sys.stderr)
    sys.exit(2)
