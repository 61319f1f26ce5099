"""The beyond-90% recipe in PyTorch, for the benchmark: an MLP (ReLU) trained by Adam on
mini-batches with a cosine schedule and random shifts of up to K pixels, then scored on a test
set. float32, as PyTorch trains.

Usage: torch_recipe.py DIR THREADS. DIR holds what bench/bench.ts writes: train.u8 / train.labels
(the 41,000 training images, 784 bytes each, and their labels), test.u8 / test.labels, and
recipe.json ({"sizes", "epochs", "batch_size", "lr", "augment", "seed"}). Prints one JSON line:
seconds (the training loop), seconds_per_epoch, test_accuracy, peak_rss_mb.
"""
import json, math, resource, sys, time

import numpy as np
import torch

folder, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
recipe = json.load(open(f"{folder}/recipe.json"))
torch.manual_seed(recipe["seed"])


def images(name):
    pixels = np.fromfile(f"{folder}/{name}.u8", dtype=np.uint8).reshape(-1, 28, 28)
    labels = np.fromfile(f"{folder}/{name}.labels", dtype=np.uint8).astype(np.int64)
    return torch.from_numpy(pixels), torch.from_numpy(labels)


X, Y = images("train")
Xt, Yt = images("test")
sizes, k = recipe["sizes"], recipe["augment"]
layers = []
for n_in, n_out in zip(sizes[:-1], sizes[1:]):
    layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
model = torch.nn.Sequential(*layers[:-1])
for layer in model:
    if isinstance(layer, torch.nn.Linear):  # He initialisation, zero biases, as ours
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        torch.nn.init.zeros_(layer.bias)
epochs, batch = recipe["epochs"], recipe["batch_size"]
optimizer = torch.optim.Adam(model.parameters(), lr=recipe["lr"])
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
loss_fn = torch.nn.CrossEntropyLoss()
m = X.shape[0]
rows = torch.arange(28)


def shifted(X):
    """Each image moved by its own (dx, dy) in −k … k; what leaves the frame is dropped."""
    if k == 0:
        return X
    padded = torch.nn.functional.pad(X, (k, k, k, k))
    dx = torch.randint(-k, k + 1, (X.shape[0],))
    dy = torch.randint(-k, k + 1, (X.shape[0],))
    r = (rows[None, :] + k - dy[:, None])[:, :, None]
    c = (rows[None, :] + k - dx[:, None])[:, None, :]
    return padded[torch.arange(X.shape[0])[:, None, None], r, c]


t0 = time.perf_counter()
for epoch in range(epochs):
    order = torch.randperm(m)
    Xe = shifted(X[order]).reshape(m, -1).float() / 255
    Ye = Y[order]
    for start in range(0, m, batch):
        optimizer.zero_grad()
        loss = loss_fn(model(Xe[start:start + batch]), Ye[start:start + batch])
        loss.backward()
        optimizer.step()
    schedule.step()
seconds = time.perf_counter() - t0
with torch.no_grad():
    predictions = model(Xt.reshape(Xt.shape[0], -1).float() / 255).argmax(1)
accuracy = (predictions == Yt).float().mean().item()
print(json.dumps({
    "seconds": seconds,
    "seconds_per_epoch": seconds / epochs,
    "test_accuracy": accuracy,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "threads": threads,
}))
