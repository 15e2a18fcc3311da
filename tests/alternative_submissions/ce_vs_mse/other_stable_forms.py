"""Other stable formulations: tanh for the sigmoid, logaddexp for the logs, log-sum-exp for softmax."""


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def bce_loss(z, y):
    z = np.asarray(z, dtype=float)
    return float(np.mean(y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)))


def bce_grad(z, y):
    z = np.asarray(z, dtype=float)
    return (np.exp(-np.logaddexp(0.0, -z)) - y) / len(z)


def mse_sigmoid_loss(z, y):
    s = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
    return float(np.mean(np.square(s - y)))


def mse_sigmoid_grad(z, y):
    s = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
    return 2.0 / len(s) * (s - y) * s * (1.0 - s)


def softmax(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z - np.logaddexp.reduce(z, axis=-1, keepdims=True))


def cross_entropy_loss(z, labels, label_smoothing=0.0):
    z = np.asarray(z, dtype=float)
    log_norm = np.logaddexp.reduce(z, axis=1)
    return float(np.mean(log_norm - z[np.arange(len(labels)), labels]))


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    z = np.asarray(z, dtype=float)
    grad = np.exp(z - np.logaddexp.reduce(z, axis=1, keepdims=True))
    grad[np.arange(len(labels)), labels] -= 1.0
    return grad / len(labels)
