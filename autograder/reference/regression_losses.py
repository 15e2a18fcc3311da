"""Regression losses and their gradients with respect to the predictions.

Taught in chapter 2 (*Regression losses*). "Mean" is over all elements, so a gradient entry is the
derivative of the elementwise loss divided by the number of elements ``n = y_pred.size``.
"""
import numpy as np

from ._checks import as_float_array, nonempty, positive, same_shape


def _residual(y_pred, y_true):
    y_pred = as_float_array(y_pred, "y_pred")
    y_true = as_float_array(y_true, "y_true")
    same_shape(y_pred, y_true, "y_pred", "y_true")
    nonempty(y_pred, "y_pred")
    return y_pred - y_true


def mse_loss(y_pred, y_true):
    r"""Mean squared error.

    .. math:: L = \frac{1}{n}\sum_i (\hat y_i - y_i)^2

    Parameters
    ----------
    y_pred, y_true : array_like, same shape (any), n elements

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 2, *Regression losses*.
    """
    r = _residual(y_pred, y_true)
    return float(np.mean(r ** 2))


def mse_grad(y_pred, y_true):
    r"""Gradient of :func:`mse_loss` with respect to ``y_pred``: :math:`2(\hat y - y)/n`.

    Returns
    -------
    ndarray, same shape as ``y_pred``

    Notes
    -----
    Taught in chapter 2, *Regression losses*.
    """
    r = _residual(y_pred, y_true)
    return 2.0 * r / r.size


def mae_loss(y_pred, y_true):
    r"""Mean absolute error.

    .. math:: L = \frac{1}{n}\sum_i |\hat y_i - y_i|

    Parameters
    ----------
    y_pred, y_true : array_like, same shape (any)

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 2, *Regression losses*.
    """
    r = _residual(y_pred, y_true)
    return float(np.mean(np.abs(r)))


def mae_grad(y_pred, y_true):
    r"""Subgradient of :func:`mae_loss` w.r.t. ``y_pred``: :math:`\mathrm{sign}(\hat y - y)/n`.

    The subgradient 0 is taken where a prediction equals its target.

    Returns
    -------
    ndarray, same shape as ``y_pred``

    Notes
    -----
    Taught in chapter 2, *Regression losses*.
    """
    r = _residual(y_pred, y_true)
    return np.sign(r) / r.size


def huber_loss(y_pred, y_true, delta=1.0):
    r"""Huber loss: quadratic for small residuals, linear for large ones.

    .. math::
        \ell(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
                  \delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases},
        \qquad L = \frac{1}{n}\sum_i \ell(\hat y_i - y_i)

    Parameters
    ----------
    y_pred, y_true : array_like, same shape (any)
    delta : float > 0
        Where the quadratic piece hands over to the linear one.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 2, *Regression losses*.
    """
    delta = positive(delta, "delta")
    r = _residual(y_pred, y_true)
    a = np.abs(r)
    return float(np.mean(np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))))


def huber_grad(y_pred, y_true, delta=1.0):
    r"""Gradient of :func:`huber_loss` w.r.t. ``y_pred``: :math:`\mathrm{clip}(r, -\delta, \delta)/n`.

    Returns
    -------
    ndarray, same shape as ``y_pred``

    Notes
    -----
    Taught in chapter 2, *Regression losses*.
    """
    delta = positive(delta, "delta")
    r = _residual(y_pred, y_true)
    return np.clip(r, -delta, delta) / r.size
