"""bce_grad with the sign flipped: (y - sigmoid(z)) / N.

loses: bce_grad_values bce_grad_hidden
"""
def bce_grad(z, y):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return (y - np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))) / z.size
