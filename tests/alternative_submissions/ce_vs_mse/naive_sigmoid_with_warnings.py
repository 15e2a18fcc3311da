"""The textbook sigmoid 1 / (1 + exp(-z)): right values, but NumPy warns about overflow at -1000."""


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def mse_sigmoid_loss(z, y):
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return float(np.mean((s - y) ** 2))
