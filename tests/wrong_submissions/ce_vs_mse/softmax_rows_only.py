"""softmax works along axis 1, so a single row of shape (K,) raises an AxisError.

loses: softmax_hidden softmax_values
"""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
