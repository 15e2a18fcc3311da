"""Correct functions that print, write to stderr and warn on every call.

base: solution
splice: replace
loses:
"""
import sys
import warnings

import numpy as np


def sigmoid(z):
    print("debug: sigmoid called")
    print("a note on stderr", file=sys.stderr)
    warnings.warn("sigmoid: this is only a warning")
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z):
    warnings.warn("softmax: deprecated in my own code", DeprecationWarning)
    z = np.asarray(z, dtype=float)
    with np.errstate(over="warn"):
        np.exp(np.array([1000.0]))  # RuntimeWarning: overflow, on stderr; result unused
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
