"""huber_grad clipping to [-1, 1] whatever delta is.

loses: huber_grad_values huber_grad_hidden
"""
def huber_grad(y_pred, y_true, delta=1.0):
    r = np.asarray(y_pred, dtype=float) - y_true
    return np.clip(r, -1.0, 1.0) / r.size
