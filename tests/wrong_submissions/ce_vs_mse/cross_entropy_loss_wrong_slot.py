"""cross_entropy_loss indexing log_probs[:, labels] (an N x N block) instead of each row's own label.

loses: cross_entropy_loss_values cross_entropy_loss_stable cross_entropy_loss_hidden
"""
def cross_entropy_loss(z, labels, label_smoothing=0.0):
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return float(-np.mean(log_probs[:, labels]))
