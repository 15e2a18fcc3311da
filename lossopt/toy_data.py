"""Small, seeded toy data sets for the chapters' examples and figures.

Every generator takes a ``seed`` and returns the same arrays for the same arguments, so a figure
in the book looks the same on every build and in every reader's notebook.
"""
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


def line_with_outlier(n=20, outlier=10.0, slope=2.0, intercept=-1.0, noise=0.3, seed=0):
    """Points around a straight line, one of which is pushed up by ``outlier``.

    The corrupted point is the one with the largest ``x``, so the outlier pulls hardest on the
    slope of a least-squares fit (it has the most leverage).

    Returns
    -------
    x, y : ndarray of shape (n,)
        The data, ``y`` including the outlier.
    outlier_index : int
        Position of the corrupted point in ``x`` and ``y``.
    """
    if n < 2:
        raise ValueError(f"n must be at least 2 so that one clean point remains, got {n}")
    x, y = line(n=n, slope=slope, intercept=intercept, noise=noise, seed=seed)
    outlier_index = int(np.argmax(x))
    y = y.copy()
    y[outlier_index] += outlier
    return x, y, outlier_index


def _balanced_labels(n, seed):
    """A generator seeded with ``seed`` and ``n`` labels, ``n // 2`` zeros and the rest ones, shuffled."""
    if n < 2:
        raise ValueError(f"n must be at least 2 (one point per class), got {n}")
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[n // 2:] = 1
    rng.shuffle(y)
    return rng, y


def two_blobs(n=100, separation=3.0, spread=1.0, dim=2, seed=0):
    """Two Gaussian blobs, one per class, for binary classification.

    Class 0 is centred at ``-separation / 2`` and class 1 at ``+separation / 2`` along the first
    axis (the other axes are centred at 0); both have standard deviation ``spread``.

    Returns
    -------
    X : ndarray of shape (n, dim)
        Inputs, the two classes interleaved in random order.
    y : ndarray of shape (n,), dtype int
        Labels in {0, 1}; ``n // 2`` points in class 0 and the rest in class 1.
    """
    if dim < 1:
        raise ValueError(f"dim must be at least 1, got {dim}")
    if spread <= 0:
        raise ValueError(f"spread must be positive, got {spread}")
    rng, y = _balanced_labels(n, seed)
    centres = np.zeros((n, dim))
    centres[:, 0] = np.where(y == 1, separation / 2, -separation / 2)
    X = centres + spread * rng.standard_normal((n, dim))
    return X, y


def two_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles, one per class: a data set no straight line separates.

    Class 0 lies on the upper half circle of radius 1 around (0, 0), class 1 on the lower half
    circle around (1, 0.5); Gaussian noise of standard deviation ``noise`` is added to both
    coordinates.

    Returns
    -------
    X : ndarray of shape (n, 2)
        Inputs, the classes interleaved in random order.
    y : ndarray of shape (n,), dtype int
        Labels in {0, 1}; ``n // 2`` points in class 0 and the rest in class 1.
    """
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng, y = _balanced_labels(n, seed)
    angle = rng.uniform(0.0, np.pi, size=n)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    X = np.where(y[:, None] == 1, lower, upper) + noise * rng.standard_normal((n, 2))
    return X, y
