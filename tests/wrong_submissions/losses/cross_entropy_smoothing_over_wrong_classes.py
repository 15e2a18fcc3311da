"""label smoothing spreading epsilon over the K-1 wrong classes only, not over all K.

loses: cross_entropy_loss_smoothing cross_entropy_loss_hidden
"""
def cross_entropy_loss(z, labels, label_smoothing=0.0):
    z = np.asarray(z, dtype=float)
    n, k = z.shape
    shifted = z - np.max(z, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    target = np.full((n, k), label_smoothing / (k - 1))
    target[np.arange(n), labels] = 1.0 - label_smoothing
    return float(-np.sum(target * log_probs) / n)
