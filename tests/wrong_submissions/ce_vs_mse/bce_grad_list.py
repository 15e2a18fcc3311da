"""bce_grad returns a list of per-example gradients instead of an array.

loses: bce_grad_hidden bce_grad_values
"""
import math


def bce_grad(z, y):
    n = len(z)
    out = []
    for zi, yi in zip(z, y):
        s = 1 / (1 + math.exp(-zi)) if zi >= 0 else math.exp(zi) / (1 + math.exp(zi))
        out.append((s - yi) / n)
    return out
