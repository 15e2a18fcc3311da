"""The straight-line model of the learning loop, its mean squared error and the gradient of that
error with respect to the line's two parameters.

Taught in chapter 1 (*The learning loop*), reused by chapter 5 (*Gradient descent*). The
parameters are one array ``theta = (w, b)`` for the line ``y_hat = w x + b``; the cost is the
mean over the ``n`` points, so its gradient carries a factor ``1/n``.
"""
import numpy as np

from ._checks import as_float_array, ndim, nonempty, same_shape


def _line_residual(theta, x, y):
    theta = as_float_array(theta, "theta")
    if theta.shape != (2,):
        raise ValueError(f"theta must hold the two parameters (w, b); got shape {theta.shape}")
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    ndim(x, "x", 1)
    same_shape(x, y, "x", "y")
    nonempty(x, "x")
    w, b = theta
    return w * x + b - y, x


def line_mse_loss(theta, x, y):
    r"""Mean squared error of the line ``theta = (w, b)`` on the points ``(x, y)``.

    .. math:: L(w, b) = \frac{1}{n}\sum_i (w x_i + b - y_i)^2

    Parameters
    ----------
    theta : array_like, shape (2,)
    x, y : array_like, shape (n,)

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 1, *The learning loop*.
    """
    residual, _ = _line_residual(theta, x, y)
    return float(np.mean(residual ** 2))


def line_mse_grad(theta, x, y):
    r"""Gradient of :func:`line_mse_loss` with respect to ``theta = (w, b)``.

    .. math:: \frac{\partial L}{\partial w} = \frac{2}{n}\sum_i (w x_i + b - y_i)\,x_i, \qquad
              \frac{\partial L}{\partial b} = \frac{2}{n}\sum_i (w x_i + b - y_i)

    Returns
    -------
    ndarray, shape (2,)

    Notes
    -----
    Taught in chapter 1, *The learning loop*.
    """
    residual, x = _line_residual(theta, x, y)
    return np.array([np.mean(2 * residual * x), np.mean(2 * residual)])
