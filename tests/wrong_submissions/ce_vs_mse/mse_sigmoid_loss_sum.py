"""mse_sigmoid_loss summed instead of averaged.

loses: mse_sigmoid_loss_values mse_sigmoid_loss_hidden
"""
def mse_sigmoid_loss(z, y):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(np.sum((s - y) ** 2))
