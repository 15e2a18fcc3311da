"""mse_grad that subtracts y_true from the caller's y_pred in place.

loses: mse_grad_values mse_grad_hidden
"""
def mse_grad(y_pred, y_true):
    y_pred -= y_true
    return 2.0 * y_pred / y_pred.size
