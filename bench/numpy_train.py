"""The seed notebook's algorithm, verbatim in numpy (float64), on data/train.csv.

Usage: numpy_train.py CSV ITERATIONS [INIT]. Prints one JSON line: ms per iteration, accuracies.
With INIT, a model file of ours (lib/model_file.ts), it starts from those weights and keeps the
file's row order instead of shuffling, so that its accuracies can be compared with ours.
The seed's per-100-iteration printing is left out, so only the math is timed. Its bias
gradient (np.sum over everything) is kept: that is the algorithm being compared.
"""
import json, resource, sys, time

import numpy as np

path, iterations = sys.argv[1], int(sys.argv[2])
init = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None


def dense_layers(model):
    """(W, b, units) of each dense layer of a model file: version 2 (a layer list and each
    layer's parameters, W row-major) or version 1 (sizes, W, b)."""
    if model.get("version") == 2:
        return [(p["W"], p["b"], len(p["b"])) for p in model["params"] if p is not None]
    return list(zip(model["W"], model["b"], model["sizes"][1:]))
t0 = time.perf_counter()
data = np.loadtxt(path, delimiter=",", skiprows=1)
load_seconds = time.perf_counter() - t0
m, n = data.shape
np.random.seed(0)
if init is None:
    np.random.shuffle(data)
data_dev = data[0:1000].T
Y_dev = data_dev[0].astype(int)
X_dev = data_dev[1:n] / 255
data_train = data[1000:m].T
Y_train = data_train[0].astype(int)
X_train = data_train[1:n] / 255


def init_params():
    if init is not None:
        return tuple(np.array(v, dtype=np.float64).reshape(n, -1)
                     for W, b, n in dense_layers(init)
                     for v in (W, b))
    W1 = np.random.normal(size=(10, 784)) * np.sqrt(1.0 / 784)
    b1 = np.random.normal(size=(10, 1)) * np.sqrt(1.0 / 10)
    W2 = np.random.normal(size=(10, 10)) * np.sqrt(1.0 / 20)
    b2 = np.random.normal(size=(10, 1)) * np.sqrt(1.0 / 10)
    W3 = np.random.normal(size=(10, 10)) * np.sqrt(1.0 / 20)
    b3 = np.random.normal(size=(10, 1)) * np.sqrt(1.0 / 784)
    return W1, b1, W2, b2, W3, b3


def ReLU(Z):
    return np.maximum(Z, 0)


def softmax(Z):
    return np.exp(Z) / sum(np.exp(Z))


def forward_prop(W1, b1, W2, b2, W3, b3, X):
    Z1 = W1.dot(X) + b1
    A1 = ReLU(Z1)
    Z2 = W2.dot(A1) + b2
    A2 = ReLU(Z2)
    Z3 = W3.dot(A2) + b3
    A3 = softmax(Z3)
    return Z1, A1, Z2, A2, Z3, A3


def deriv_ReLU(Z):
    return Z > 0


def one_hot(Y):
    one_hot_Y = np.zeros((Y.size, Y.max() + 1))
    one_hot_Y[np.arange(Y.size), Y] = 1
    return one_hot_Y.T


def back_prop(Z1, A1, Z2, A2, Z3, A3, W1, W2, W3, X, Y):
    m = Y.size
    one_hot_Y = one_hot(Y)
    dZ3 = A3 - one_hot_Y
    dW3 = 1 / m * dZ3.dot(A2.T)
    db3 = 1 / m * np.sum(dZ3)
    dZ2 = W3.T.dot(dZ3) * deriv_ReLU(Z2)
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2)
    dZ1 = W2.T.dot(dZ2) * deriv_ReLU(Z1)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1)
    return dW1, db1, dW2, db2, dW3, db3


def update_params(W1, b1, W2, b2, W3, b3, dW1, db1, dW2, db2, dW3, db3, alpha):
    return (W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2,
            W3 - alpha * dW3, b3 - alpha * db3)


def accuracy(W, X, Y):
    return float(np.mean(np.argmax(forward_prop(*W, X)[-1], 0) == Y))


t0 = time.perf_counter()
params = init_params()
acc100 = None
for i in range(iterations):
    Z1, A1, Z2, A2, Z3, A3 = forward_prop(*params, X_train)
    grads = back_prop(Z1, A1, Z2, A2, Z3, A3, params[0], params[2], params[4], X_train, Y_train)
    params = update_params(*params, *grads, 0.1)
    if i == 100:
        acc100 = float(np.mean(np.argmax(A3, 0) == Y_train))
seconds = time.perf_counter() - t0
print(json.dumps({
    "seconds": seconds,
    "ms_per_iteration": 1000 * seconds / iterations,
    "train_accuracy": accuracy(params, X_train, Y_train),
    "dev_accuracy": accuracy(params, X_dev, Y_dev),
    "accuracy_at_100": acc100,
    "load_seconds": load_seconds,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
