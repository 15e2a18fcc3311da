"""sgd_step returns float32 weights: the contract asks for float64 arrays.

loses: sgd_step_example sgd_step_random
"""
import numpy as np


def sgd_step(w, g, lr):
    return (w - lr * g).astype(np.float32)
