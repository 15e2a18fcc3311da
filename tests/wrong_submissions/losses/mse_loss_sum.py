"""mse_loss summed instead of averaged (the missing 1/n).

loses: mse_loss_values mse_loss_hidden
"""
def mse_loss(y_pred, y_true):
    return float(np.sum((np.asarray(y_pred) - y_true) ** 2))
