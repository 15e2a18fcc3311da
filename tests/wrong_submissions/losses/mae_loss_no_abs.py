"""mae_loss averaging signed residuals (no absolute value).

loses: mae_loss_values mae_loss_hidden
"""
def mae_loss(y_pred, y_true):
    return float(np.mean(np.asarray(y_pred) - y_true))
