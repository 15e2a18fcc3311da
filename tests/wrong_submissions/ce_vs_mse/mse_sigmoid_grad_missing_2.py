"""mse_sigmoid_grad without the factor 2 of the square's derivative.

loses: mse_sigmoid_grad_values mse_sigmoid_grad_hidden
"""
def mse_sigmoid_grad(z, y):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (s - y) * s * (1.0 - s) / z.size
