"""cross_entropy_grad with the sign flipped: (onehot - softmax) / N.

loses: cross_entropy_grad_values cross_entropy_grad_hidden
"""
def cross_entropy_grad(z, labels, label_smoothing=0.0):
    z = np.asarray(z, dtype=float)
    n = z.shape[0]
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    onehot = np.zeros_like(z)
    onehot[np.arange(n), labels] = 1.0
    return (onehot - e / np.sum(e, axis=1, keepdims=True)) / n
