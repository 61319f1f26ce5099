"""The seed's algorithm in PyTorch (float32, one thread: two were slower on this machine).

Usage: torch_train.py CSV ITERATIONS [INIT]. Same JSON line and INIT as numpy_train.py. Run with a Python
that has torch (Debian: python3-torch, /usr/bin/python3).
"""
import json, resource, sys, time

import numpy as np
import torch

torch.set_num_threads(1)
path, iterations = sys.argv[1], int(sys.argv[2])
init = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None


def dense_layers(model):
    """(W, b, units) of each dense layer of a model file: version 2 (a layer list and each
    layer's parameters, W row-major) or version 1 (sizes, W, b)."""
    if model.get("version") == 2:
        return [(p["W"], p["b"], len(p["b"])) for p in model["params"] if p is not None]
    return list(zip(model["W"], model["b"], model["sizes"][1:]))
t0 = time.perf_counter()
data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
load_seconds = time.perf_counter() - t0
np.random.seed(0)
if init is None:
    np.random.shuffle(data)
dev, train = data[:1000], data[1000:]
X = torch.from_numpy(train[:, 1:].T / 255).contiguous()
Y = torch.from_numpy(train[:, 0].astype(np.int64))
Xd = torch.from_numpy(dev[:, 1:].T / 255).contiguous()
Yd = torch.from_numpy(dev[:, 0].astype(np.int64))
m = Y.shape[0]
one_hot = torch.zeros(10, m)
one_hot[Y, torch.arange(m)] = 1
g = torch.Generator().manual_seed(0)
W1 = torch.randn(10, 784, generator=g) * (1 / 784) ** 0.5
b1 = torch.randn(10, 1, generator=g) * (1 / 10) ** 0.5
W2 = torch.randn(10, 10, generator=g) * (1 / 20) ** 0.5
b2 = torch.randn(10, 1, generator=g) * (1 / 10) ** 0.5
W3 = torch.randn(10, 10, generator=g) * (1 / 20) ** 0.5
b3 = torch.randn(10, 1, generator=g) * (1 / 784) ** 0.5
if init is not None:
    W1, b1, W2, b2, W3, b3 = (torch.tensor(v, dtype=torch.float32).reshape(n, -1)
                              for W, b, n in dense_layers(init)
                              for v in (W, b))


def forward(X):
    Z1 = W1 @ X + b1
    A1 = Z1.clamp(min=0)
    Z2 = W2 @ A1 + b2
    A2 = Z2.clamp(min=0)
    Z3 = W3 @ A2 + b3
    E = torch.exp(Z3)
    return Z1, A1, Z2, A2, E / E.sum(0)


t0 = time.perf_counter()
for i in range(iterations):
    Z1, A1, Z2, A2, A3 = forward(X)
    dZ3 = A3 - one_hot
    dW3 = dZ3 @ A2.T / m
    db3 = dZ3.sum() / m
    dZ2 = (W3.T @ dZ3) * (Z2 > 0)
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum() / m
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum() / m
    W1 -= 0.1 * dW1; b1 -= 0.1 * db1
    W2 -= 0.1 * dW2; b2 -= 0.1 * db2
    W3 -= 0.1 * dW3; b3 -= 0.1 * db3
seconds = time.perf_counter() - t0
print(json.dumps({
    "seconds": seconds,
    "ms_per_iteration": 1000 * seconds / iterations,
    "train_accuracy": float((forward(X)[-1].argmax(0) == Y).float().mean()),
    "dev_accuracy": float((forward(Xd)[-1].argmax(0) == Yd).float().mean()),
    "load_seconds": load_seconds,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
