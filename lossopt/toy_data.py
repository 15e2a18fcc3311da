"""Small, seeded toy data sets for the chapters' examples and figures."""
import numpy as np


def line(n=40, slope=2.0, intercept=-1.0, noise=0.3, seed=0):
    """Points scattered around a straight line.

    Returns ``x`` of shape (n,) drawn uniformly from [-1, 1] and ``y = slope * x + intercept``
    plus Gaussian noise of standard deviation ``noise``; the same ``seed`` gives the same data.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    return x, y
