"""cross_entropy_grad without the 1/N.

loses: cross_entropy_grad_values cross_entropy_grad_hidden
"""
def cross_entropy_grad(z, labels, label_smoothing=0.0):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    grad = e / np.sum(e, axis=1, keepdims=True)
    grad[np.arange(len(labels)), labels] -= 1.0
    return grad
