"""hinge_grad builds its result as a Python list, not an array.

loses: hinge_grad_hidden hinge_grad_values
"""
import numpy as np


def hinge_grad(s, y):
    n = len(s)
    return [-float(yi) / n if yi * si < 1 else 0.0 for si, yi in zip(s, y)]
