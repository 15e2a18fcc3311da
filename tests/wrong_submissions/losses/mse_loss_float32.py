"""mse_loss averages in float32 (np.float32 result): the contract asks for a float64 number.

loses: mse_loss_hidden mse_loss_values
"""
import numpy as np


def mse_loss(y_pred, y_true):
    r = np.asarray(y_pred, dtype=np.float32) - np.asarray(y_true, dtype=np.float32)
    return np.mean(r ** 2)
