"""cross_entropy_loss as log(exp(z) / sum(exp(z))): overflows for logits of 1000.

loses: cross_entropy_loss_stable cross_entropy_loss_hidden
"""
def cross_entropy_loss(z, labels, label_smoothing=0.0):
    z = np.asarray(z, dtype=float)
    p = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(labels)), labels])))
