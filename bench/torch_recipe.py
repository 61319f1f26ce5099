"""The recipes of the benchmark in PyTorch: an MLP (ReLU) or, when the recipe names `layers`, a
convolutional network (`conv5x32,pool2,conv5x64,pool2,dense256`: K×K convolutions to C channels
with a ReLU, P×P max pools, dense layers with a ReLU, then 10 outputs), trained by Adam on
mini-batches with a cosine schedule and random shifts of up to K pixels, then scored on a test
set. float32, as PyTorch trains; He initialisation and zero biases, as ours.

Usage: torch_recipe.py DIR THREADS. DIR holds what bench/bench.ts writes: train.u8 / train.labels
(the 41,000 training images, 784 bytes each, and their labels), test.u8 / test.labels, and
recipe.json ({"sizes" or "layers", "epochs", "batch_size", "lr", "augment", "seed", and optionally
"schedule": "cosine" (stepped per epoch, the default) or "onecycle" (per batch, ours: up from
lr/25 to lr in the first 30% of the batches, then linearly down to 0), "beta1", "beta2" (Adam's
β), "time_to_accuracy": true). Prints one JSON line: seconds (the training loop; with
time_to_accuracy, everything from reading the images to the test score), seconds_per_epoch,
test_accuracy, peak_rss_mb.
"""
import re
import json, math, resource, sys, time

import numpy as np
import torch

started = time.perf_counter()  # after the imports, as ours starts after its modules load

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
k = recipe["augment"]


def convolutional(spec):
    """The layers of a `--layers` text, on 1×28×28 images: convKxC[sS][pP], poolP, bn, dropoutP,
    denseN (each conv and dense with a ReLU), then 10 outputs."""
    layers, channels, side, flat = [], 1, 28, None
    for word in spec.split(","):
        conv = re.fullmatch(r"conv(\d+)x(\d+)(?:s(\d+))?(?:p(\d+))?", word)
        if conv:
            size, out = int(conv[1]), int(conv[2])
            stride, padding = int(conv[3] or 1), int(conv[4] or 0)
            layers += [torch.nn.Conv2d(channels, out, size, stride, padding), torch.nn.ReLU()]
            channels, side = out, (side + 2 * padding - size) // stride + 1
        elif word.startswith("pool"):
            layers.append(torch.nn.MaxPool2d(int(word[4:])))
            side //= int(word[4:])
        elif word == "bn":
            layers.append(torch.nn.BatchNorm2d(channels) if flat is None else torch.nn.BatchNorm1d(flat))
        elif word.startswith("dropout"):
            layers.append(torch.nn.Dropout(float(word[7:])))
        else:
            if flat is None:
                layers.append(torch.nn.Flatten())
                flat = channels * side * side
            units = int(word[5:])
            layers += [torch.nn.Linear(flat, units), torch.nn.ReLU()]
            flat = units
    if flat is None:
        layers.append(torch.nn.Flatten())
        flat = channels * side * side
    return layers + [torch.nn.Linear(flat, 10)]


if "layers" in recipe:
    model = torch.nn.Sequential(*convolutional(recipe["layers"]))
    shape = (-1, 1, 28, 28)
else:
    sizes, layers = recipe["sizes"], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    shape = (-1, 784)
for layer in model:
    if isinstance(layer, (torch.nn.Linear, torch.nn.Conv2d)):  # He, zero biases, as ours
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        torch.nn.init.zeros_(layer.bias)
epochs, batch = recipe["epochs"], recipe["batch_size"]
betas = (recipe.get("beta1", 0.9), recipe.get("beta2", 0.999))
optimizer = torch.optim.Adam(model.parameters(), lr=recipe["lr"], betas=betas)
per_batch = recipe.get("schedule", "cosine") == "onecycle"
if per_batch:
    total = epochs * math.ceil(X.shape[0] / batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (1 / 25 + (1 - 1 / 25) * (step / total) / 0.3) if step / total < 0.3
        else 1 - (step / total - 0.3) / 0.7,
    )
else:
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
model.train()  # batch statistics and dropout in training (they change nothing without bn or dropout)
for epoch in range(epochs):
    order = torch.randperm(m)
    Xe = shifted(X[order]).reshape(shape).float() / 255
    Ye = Y[order]
    for start in range(0, m, batch):
        optimizer.zero_grad()
        loss = loss_fn(model(Xe[start:start + batch]), Ye[start:start + batch])
        loss.backward()
        optimizer.step()
        if per_batch:
            schedule.step()
    if not per_batch:
        schedule.step()
seconds = time.perf_counter() - t0
model.eval()  # running statistics, no dropout
with torch.no_grad():
    predictions = model(Xt.reshape(shape).float() / 255).argmax(1)
accuracy = (predictions == Yt).float().mean().item()
if recipe.get("time_to_accuracy"):
    seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "seconds_per_epoch": seconds / epochs,
    "test_accuracy": accuracy,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "threads": threads,
}))
