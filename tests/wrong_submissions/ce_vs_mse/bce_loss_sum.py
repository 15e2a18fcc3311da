"""bce_loss summed over the batch instead of averaged (the missing 1/N).

loses: bce_loss_values bce_loss_stable bce_loss_hidden
"""
def bce_loss(z, y):
    z = np.asarray(z, dtype=float)
    return float(np.sum(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))))
