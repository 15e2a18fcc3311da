"""huber_loss with r**2 instead of r**2 / 2 in the quadratic piece.

loses: huber_loss_values huber_loss_hidden
"""
def huber_loss(y_pred, y_true, delta=1.0):
    r = np.asarray(y_pred, dtype=float) - y_true
    a = np.abs(r)
    return float(np.mean(np.where(a <= delta, r ** 2, delta * (a - 0.5 * delta))))
