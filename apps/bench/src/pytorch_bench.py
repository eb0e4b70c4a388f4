"""PyTorch's rows of `npm run bench` (apps/bench/src/pytorch.ts runs this with /usr/bin/python3).

    /usr/bin/python3 pytorch_bench.py <case> <threads> <inputs.bin>

The inputs are the same seeded numbers every library gets (apps/bench/src/data.ts writes them to
<inputs.bin>: a 4-byte little-endian header length, a JSON header {name: [offset, length]} in
floats, then float32 data). Prints one JSON line like the other cases: {"value", "unit",
"check", "cpuRatio", "blas"}; cpuRatio is process CPU time over wall time during the timed runs
(about `threads` when the thread count held). Exits 3 with a reason on stderr when PyTorch cannot
be measured fairly (no torch, or a BLAS other than OpenBLAS: Debian's reference BLAS is ~30x slower).
"""
import json
import os
import sys
import time

from bench_common import read_inputs, timed  # noqa: E402  (this directory is on sys.path)


def fail(reason):
    print(reason, file=sys.stderr)
    sys.exit(3)


try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001
    fail(f'skipped: /usr/bin/python3 cannot import torch ({e}); apt-get install -y python3-torch libopenblas0-pthread')

case, threads, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
torch.set_num_threads(threads)

header, arr = read_inputs(path)


def blas():
    """Which BLAS library this process loaded (after a product has run)."""
    with open('/proc/self/maps') as f:
        maps = f.read()
    for name in ('openblas', 'mkl', 'blis', 'libblas'):
        if name in maps:
            return name
    return 'unknown'




def out(value, unit, check, ratio):
    print(json.dumps({'value': value, 'unit': unit, 'check': check, 'cpuRatio': ratio, 'blas': blas()}))


torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # loads the BLAS
if blas() != 'openblas':
    fail(f'skipped: PyTorch is on {blas()} BLAS, not OpenBLAS (~30x slower); apt-get install -y libopenblas0-pthread')

with torch.no_grad():
    if case.startswith('matmul-'):
        n = int(case.split('-')[1])
        a, b = arr('a', (n, n)), arr('b', (n, n))
        check = float(torch.mm(a, b).double().sum())
        s, r = timed(lambda: torch.mm(a, b), 3.0 if n >= 1024 else 1.5)
        out(2 * n ** 3 / (s * 1e9), 'GFLOP/s', check, r)
    elif case.startswith('asgd-'):
        sizes = header['__sizes__']
        params = [arr(f'p{i}').clone().requires_grad_() for i in range(len(sizes))]
        for i, p in enumerate(params):
            p.grad = arr(f'g{i}').clone()
        opt = torch.optim.ASGD(params, lr=0.01, lambd=1e-4, t0=0, foreach=False)
        opt.step()
        check = float(params[0].double().sum())
        s, r = timed(opt.step, 2.5)
        out(s * 1e9 / sum(sizes), 'ns/param', check, r)

if case.startswith('mlp-') or case.startswith('cnn-'):
    net, optimizer = case.split('-')
    if net == 'mlp':
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
        sd = {'0.weight': arr('W1', (256, 784)), '0.bias': arr('b1'), '2.weight': arr('W2', (10, 256)), '2.bias': arr('b2')}
        x = arr('x', (64, 784))
    else:
        model = torch.nn.Sequential(torch.nn.Conv2d(1, 6, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Conv2d(6, 16, 5),
                                    torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(256, 10))
        sd = {'0.weight': arr('c1', (6, 1, 5, 5)), '0.bias': arr('c1b'), '3.weight': arr('c2', (16, 6, 5, 5)), '3.bias': arr('c2b'),
              '7.weight': arr('fc', (10, 256)), '7.bias': arr('fcb')}
        x = arr('x', (64, 1, 28, 28))
    model.load_state_dict(sd)
    y = arr('y').long()
    opt = (torch.optim.SGD(model.parameters(), lr=0.01) if optimizer == 'sgd'
           else torch.optim.ASGD(model.parameters(), lr=0.01, lambd=1e-4, t0=0, foreach=False))
    first = []

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        if not first:
            first.append(float(loss))

    s, r = timed(step, 2.5 if net == 'cnn' else 1.5)
    out(s * 1e3, 'ms/step', first[0], r)

if case == 'convtranspose2d':
    x = arr('x', (64, 128, 16, 16)).clone().requires_grad_()
    w = arr('w', (128, 64, 4, 4)).clone().requires_grad_()
    up = arr('up', (64, 64, 32, 32))
    with torch.no_grad():
        check = float(F.conv_transpose2d(x, w, None, 2, 1).double().sum())

    def ct_step():
        x.grad = None
        w.grad = None
        F.conv_transpose2d(x, w, None, 2, 1).backward(up)

    s, r = timed(ct_step, 2.5)
    out(s * 1e3, 'ms/step', check, r)

if case.startswith('dcgan-'):
    spec, spec_layers = header['__spec__'], header['__layers__']
    nn = torch.nn

    def sequential(layers, net):
        mods = []
        for l in layers:
            kind = l['kind']
            if kind == 'convT':
                mods.append(nn.ConvTranspose2d(l['cin'], l['cout'], 4, l['stride'], l['padding'], bias=False))
            elif kind == 'conv':
                mods.append(nn.Conv2d(l['cin'], l['cout'], 4, l['stride'], l['padding'], bias=False))
            elif kind == 'bn':
                mods.append(nn.BatchNorm2d(l['c']))
            else:
                mods.append({'relu': nn.ReLU(True), 'lrelu': nn.LeakyReLU(0.2, inplace=True), 'tanh': nn.Tanh(), 'sigmoid': nn.Sigmoid()}[kind])
        seq = nn.Sequential(*mods)
        sd = seq.state_dict()
        for k in sd:
            if f'{net}.{k}' in header:
                sd[k] = arr(f'{net}.{k}', tuple(sd[k].shape))
        seq.load_state_dict(sd)
        return seq

    netG, netD = sequential(spec_layers['G'], 'G'), sequential(spec_layers['D'], 'D')
    B, size, nz = spec['batch'], spec['imageSize'], spec['nz']
    real, noise = arr('x', (B, 1, size, size)), arr('noise', (B, nz, 1, 1))
    criterion = nn.BCELoss()
    optD = torch.optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
    optG = torch.optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
    ones, zeros = torch.full((B,), 1.0), torch.full((B,), 0.0)
    first = []

    def gan_step():
        netD.zero_grad()
        errD_real = criterion(netD(real).view(-1), ones)
        errD_real.backward()
        fake = netG(noise)
        errD_fake = criterion(netD(fake.detach()).view(-1), zeros)
        errD_fake.backward()
        optD.step()
        netG.zero_grad()
        errG = criterion(netD(fake).view(-1), ones)
        errG.backward()
        optG.step()
        if not first:
            first.append(float(errD_real) + float(errD_fake))

    s, r = timed(gan_step, 2.5)
    out(s * 1e3, 'ms/step', first[0], r)
