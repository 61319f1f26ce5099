"""The seed's algorithm generalised to any layer sizes, in numpy (float64): full-batch gradient
descent, forward and backward as the seed writes them (ReLU layers, a softmax, dW = 1/m·dZ·Aᵀ),
with the correct per-unit bias gradient.

Usage: numpy_mlp.py DIR ITERATIONS SIZES. DIR holds train.u8 / train.labels as bench/bench.ts
writes them (784 bytes an image); SIZES like 784,128,64,10. He initialisation. Prints one JSON
line: seconds, ms_per_iteration, train_accuracy, peak_rss_mb.
"""
import json, resource, sys, time

import numpy as np

folder, iterations = sys.argv[1], int(sys.argv[2])
sizes = [int(n) for n in sys.argv[3].split(",")]
X = np.fromfile(f"{folder}/train.u8", dtype=np.uint8).reshape(-1, 784).T / 255  # 784 × m
Y = np.fromfile(f"{folder}/train.labels", dtype=np.uint8).astype(int)
m = Y.size
one_hot = np.zeros((sizes[-1], m))
one_hot[Y, np.arange(m)] = 1
rng = np.random.default_rng(0)
W = [rng.normal(size=(n_out, n_in)) * np.sqrt(2 / n_in) for n_in, n_out in zip(sizes, sizes[1:])]
b = [np.zeros((n_out, 1)) for n_out in sizes[1:]]


def forward(X):
    A = [X]
    for l in range(len(W)):
        Z = W[l].dot(A[-1]) + b[l]
        if l < len(W) - 1:
            A.append(np.maximum(Z, 0))
        else:
            E = np.exp(Z - Z.max(0))
            A.append(E / E.sum(0))
    return A


t0 = time.perf_counter()
for i in range(iterations):
    A = forward(X)
    dZ = A[-1] - one_hot
    for l in reversed(range(len(W))):
        dW = 1 / m * dZ.dot(A[l].T)
        db = 1 / m * dZ.sum(1, keepdims=True)
        if l > 0:
            dZ = W[l].T.dot(dZ) * (A[l] > 0)
        W[l] -= 0.1 * dW
        b[l] -= 0.1 * db
seconds = time.perf_counter() - t0
print(json.dumps({
    "seconds": seconds,
    "ms_per_iteration": 1000 * seconds / iterations,
    "train_accuracy": float(np.mean(np.argmax(forward(X)[-1], 0) == Y)),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
