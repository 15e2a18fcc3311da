"""Every function written with Python loops and the math module instead of vectorised NumPy."""
import math


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for index, value in np.ndenumerate(z):
        if value >= 0:
            out[index] = 1.0 / (1.0 + math.exp(-value))
        else:
            out[index] = math.exp(value) / (1.0 + math.exp(value))
    return out


def bce_loss(z, y):
    total = 0.0
    for zi, yi in zip(z, y):
        total += max(zi, 0.0) - yi * zi + math.log1p(math.exp(-abs(zi)))
    return total / len(z)


def softmax(z):
    z = np.asarray(z, dtype=float)
    rows = z.reshape(-1, z.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        total = sum(exps)
        for k, e in enumerate(exps):
            out[i, k] = e / total
    return out.reshape(z.shape)


def cross_entropy_loss(z, labels, label_smoothing=0.0):
    total = 0.0
    for row, label in zip(z, labels):
        top = max(row)
        log_total = top + math.log(sum(math.exp(v - top) for v in row))
        total += log_total - row[int(label)]
    return total / len(labels)


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    z = np.asarray(z, dtype=float)
    grad = np.zeros_like(z)
    n = len(labels)
    for i in range(n):
        top = max(z[i])
        exps = [math.exp(v - top) for v in z[i]]
        for k in range(len(exps)):
            grad[i, k] = (exps[k] / sum(exps) - (1.0 if k == labels[i] else 0.0)) / n
    return grad
