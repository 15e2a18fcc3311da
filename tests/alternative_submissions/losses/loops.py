"""Every function written with explicit Python loops over the flattened elements."""
import math


def mse_loss(y_pred, y_true):
    pairs = list(zip(np.ravel(y_pred), np.ravel(y_true)))
    return sum((a - b) ** 2 for a, b in pairs) / len(pairs)


def mse_grad(y_pred, y_true):
    y_pred = np.asarray(y_pred, dtype=float)
    grad = np.empty_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        grad[index] = 2.0 * (y_pred[index] - y_true[index]) / y_pred.size
    return grad


def mae_grad(y_pred, y_true):
    y_pred = np.asarray(y_pred, dtype=float)
    grad = np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        r = y_pred[index] - y_true[index]
        if r > 0:
            grad[index] = 1.0 / y_pred.size
        elif r < 0:
            grad[index] = -1.0 / y_pred.size
    return grad


def huber_loss(y_pred, y_true, delta=1.0):
    total, count = 0.0, 0
    for a, b in zip(np.ravel(y_pred), np.ravel(y_true)):
        r = abs(a - b)
        total += 0.5 * r * r if r <= delta else delta * (r - 0.5 * delta)
        count += 1
    return total / count


def hinge_grad(s, y):
    grad = np.zeros(len(s))
    for i in range(len(s)):
        if y[i] * s[i] < 1.0:
            grad[i] = -y[i] / len(s)
    return grad


def kl_divergence(p, q):
    p = np.atleast_2d(p)
    q = np.atleast_2d(q)
    total = 0.0
    for p_row, q_row in zip(p, q):
        for pk, qk in zip(p_row, q_row):
            if pk > 0:
                if qk == 0:
                    return math.inf
                total += pk * math.log(pk / qk)
    return total / len(p)


def dice_loss(p, t, smooth=1.0):
    overlap = total_p = total_t = 0.0
    for pi, ti in zip(np.ravel(p), np.ravel(t)):
        overlap += pi * ti
        total_p += pi
        total_t += ti
    return 1.0 - (2.0 * overlap + smooth) / (total_p + total_t + smooth)


def cross_entropy_loss(z, labels, label_smoothing=0.0):
    total = 0.0
    for row, label in zip(z, labels):
        top = max(row)
        log_norm = top + math.log(sum(math.exp(v - top) for v in row))
        for k, v in enumerate(row):
            weight = label_smoothing / len(row) + (1.0 - label_smoothing) * (k == label)
            total -= weight * (v - log_norm)
    return total / len(labels)
