"""Gradient checking: compare an analytic gradient with centred finite differences.

Backpropagation is easy to get subtly wrong; a centred difference
(f(x + h) - f(x - h)) / (2 h) has error O(h^2) and catches almost every slip. Chapter 10 uses
this to check its hand-derived 2-2-1 gradients; tests use it on any array function.
"""
import numpy as np

RELATIVE_ERROR_TARGET = 1e-7
"""Below this :func:`relative_error` an analytic float64 gradient agrees with centred differences
(with h = 1e-5 their truncation and rounding errors stay well under it); a wrong derivative shows
up as 1e-2 or more. Chapter 10 shows it and the backprop_221 assignment states it."""


def centred_difference(f, x, h=1e-5):
    """Numerical gradient of a scalar function of an array by centred differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; must not modify its argument.
    x : array_like
        Where to differentiate (any shape, float64 is used).
    h : float
        Step on each coordinate; the error is O(h^2) plus round-off of order eps / h.

    Returns
    -------
    ndarray, same shape as ``x``
        ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every coordinate i.
    """
    if not h > 0:
        raise ValueError(f"h must be positive, got {h!r}")
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        up = float(f(x.copy()))
        x[i] = original - h
        down = float(f(x.copy()))
        x[i] = original
        grad[i] = (up - down) / (2 * h)
    return grad


def relative_error(a, b, floor=1e-12):
    """Largest relative disagreement max |a - b| / max(|a| + |b|, floor) over all entries.

    Below :data:`RELATIVE_ERROR_TARGET` two float64 gradients agree; around 1e-2 or more one of them
    is wrong.
    ``floor`` keeps the ratio finite where both are zero.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: a has {a.shape}, b has {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def check_gradient(f, grad, x, h=1e-5):
    """Relative error between ``grad(x)`` and the centred difference of ``f`` at ``x``.

    Returns ``(error, analytic, numeric)``; an error below :data:`RELATIVE_ERROR_TARGET` means the
    gradient is right.
    """
    analytic = np.asarray(grad(np.array(x, dtype=float)), dtype=float)
    numeric = centred_difference(f, x, h)
    if analytic.shape != numeric.shape:
        raise ValueError(f"grad(x) has shape {analytic.shape}, but x has shape {numeric.shape}")
    return relative_error(analytic, numeric), analytic, numeric
