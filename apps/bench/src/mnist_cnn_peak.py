"""PyTorch's peak RSS and wall time for the MNIST CNN example's work (issue 12's target: ours at
most twice PyTorch's peak RSS for the same model and batch). The example's LeNet-style CNN,
batch 64, ASGD (lr 0.05, lambd 1e-4, alpha 0.75, t0 300), 4 epochs over 8000 digits, each epoch
evaluated on 2000 held-out digits in batches of 500: the same shapes and passes as
`npm start -- --model cnn`. The digits are random floats of MNIST's shape (the RSS and time of
the work do not depend on their values). Prints one JSON line.
Run: OPENBLAS_NUM_THREADS=1 /usr/bin/time -f '%e s %M KiB' /usr/bin/python3 apps/bench/src/mnist_cnn_peak.py
"""
import json
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
train_x, train_y = torch.rand(8000, 1, 28, 28), torch.randint(0, 10, (8000,))
test_x, test_y = torch.rand(2000, 1, 28, 28), torch.randint(0, 10, (2000,))
model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(16 * 5 * 5, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))
opt = torch.optim.ASGD(model.parameters(), lr=0.05, lambd=1e-4, alpha=0.75, t0=300, foreach=False)
start = time.perf_counter()
for epoch in range(4):
    model.train()
    perm = torch.randperm(8000)
    for i in range(0, 8000, 64):
        idx = perm[i:i + 64]
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(train_x[idx]), train_y[idx])
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(test_x[i:i + 500]).argmax(1) == test_y[i:i + 500]).sum()) for i in range(0, 2000, 500))
print(json.dumps({'seconds': time.perf_counter() - start, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))
