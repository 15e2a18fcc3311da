"""Sigmoid, softmax and log-softmax, stable for logits far beyond +-1000.

Taught in chapter 3 (*Classification losses*), used by every classification loss.
"""
import numpy as np

from ._checks import as_float_array, nonempty


def sigmoid(z):
    r"""Logistic sigmoid, elementwise.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}

    Computed as :math:`1/(1+e^{-|z|})` or :math:`e^{-|z|}/(1+e^{-|z|})` depending on the sign of
    ``z``, so :math:`e^{x}` is only ever taken of a non-positive ``x`` and never overflows.

    Parameters
    ----------
    z : array_like, any shape
        Logits.

    Returns
    -------
    ndarray, same shape as ``z``
        Values in [0, 1].

    Notes
    -----
    Taught in chapter 3, *Classification losses*.
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_softmax(z):
    r"""Log of the softmax over the last axis, by the log-sum-exp trick.

    .. math:: \log \mathrm{softmax}(z)_k = z_k - m - \log \sum_j e^{z_j - m}, \quad m = \max_j z_j

    Parameters
    ----------
    z : array_like, shape (..., K)
        Logits; K >= 1.

    Returns
    -------
    ndarray, shape (..., K)

    Notes
    -----
    Taught in chapter 3, *Classification losses* (log-sum-exp stability).
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must have at least one axis (the classes); got a scalar")
    nonempty(z, "z")
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(z):
    r"""Softmax over the last axis.

    .. math:: \mathrm{softmax}(z)_k = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}}, \quad m = \max_j z_j

    Subtracting the row maximum leaves the result unchanged and keeps every exponent <= 0.

    Parameters
    ----------
    z : array_like, shape (..., K)

    Returns
    -------
    ndarray, shape (..., K)
        Each row is a probability distribution.

    Notes
    -----
    Taught in chapter 3, *Classification losses*.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must have at least one axis (the classes); got a scalar")
    nonempty(z, "z")
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
