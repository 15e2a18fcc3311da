"""mae_grad taking +1/n where a prediction is exactly on target (the convention is 0).

loses: mae_grad_values mae_grad_hidden
"""
def mae_grad(y_pred, y_true):
    r = np.asarray(y_pred, dtype=float) - y_true
    return np.where(r >= 0, 1.0, -1.0) / r.size
