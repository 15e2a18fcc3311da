"""mse_sigmoid_grad that forgets the sigmoid's derivative (the chain rule).

loses: mse_sigmoid_grad_values mse_sigmoid_grad_hidden
"""
def mse_sigmoid_grad(z, y):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return 2.0 * (s - y) / z.size
