"""bce_grad without the 1/N of the mean.

loses: bce_grad_values bce_grad_hidden
"""
def bce_grad(z, y):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)) - y
