"""Optimizer steps: one contract for the whole family.

Every step takes the parameters ``w``, their gradient ``g`` and the optimizer's state arrays, and
returns **new** arrays: the updated parameters followed by the updated state, in the order the
state came in. Nothing passed in is modified. State starts at zeros (``np.zeros_like(w)``); ``t``
is the 1-based count of steps taken so far, including this one. Shapes: ``w``, ``g`` and every
state array have the same shape, any shape. ``eps`` sits outside the square root, as PyTorch does.

Taught in chapters 5 (*Gradient descent*), 6 (*Momentum and Nesterov*) and 7 (*Adaptive methods*).
"""
import numpy as np

from ._checks import as_float_array, in_unit_interval, integer, positive, same_shape


def _arrays(w, g, **state):
    w = as_float_array(w, "w")
    g = as_float_array(g, "g")
    same_shape(w, g, "w", "g")
    out = [w, g]
    for name, value in state.items():
        arr = as_float_array(value, name)
        same_shape(w, arr, "w", name)
        out.append(arr)
    return out


def _decay_rate(beta, name):
    return in_unit_interval(beta, name, closed_right=False)


def sgd_step(w, g, lr):
    r"""Plain gradient descent: :math:`w \leftarrow w - \eta\,g`.

    Parameters
    ----------
    w, g : array_like, same shape
    lr : float >= 0
        :math:`\eta`.

    Returns
    -------
    ndarray
        The new ``w``.

    Notes
    -----
    Taught in chapter 5, *Gradient descent*.
    """
    w, g = _arrays(w, g)
    lr = positive(lr, "lr", allow_zero=True)
    return w - lr * g


def momentum_step(w, g, v, lr, beta=0.9):
    r"""Heavy-ball momentum, PyTorch's convention.

    .. math:: v \leftarrow \beta v + g, \qquad w \leftarrow w - \eta\, v

    Parameters
    ----------
    w, g, v : array_like, same shape
        Parameters, gradient, velocity (zeros at the start).
    lr : float >= 0
    beta : float in [0, 1)

    Returns
    -------
    (w, v) : tuple of ndarray

    Notes
    -----
    Taught in chapter 6, *Momentum and Nesterov*. The seeds' form
    :math:`v \leftarrow \beta v + \eta g,\ w \leftarrow w - v` gives the same path for a constant
    :math:`\eta` (its velocity is :math:`\eta` times this one).
    """
    w, g, v = _arrays(w, g, v=v)
    lr = positive(lr, "lr", allow_zero=True)
    beta = _decay_rate(beta, "beta")
    v = beta * v + g
    return w - lr * v, v


def nesterov_step(w, g, v, lr, beta=0.9):
    r"""Nesterov momentum, PyTorch's convention (the look-ahead folded into the step).

    .. math:: v \leftarrow \beta v + g, \qquad w \leftarrow w - \eta\,(g + \beta v)

    Parameters and returns as :func:`momentum_step`.

    Notes
    -----
    Taught in chapter 6, *Momentum and Nesterov*.
    """
    w, g, v = _arrays(w, g, v=v)
    lr = positive(lr, "lr", allow_zero=True)
    beta = _decay_rate(beta, "beta")
    v = beta * v + g
    return w - lr * (g + beta * v), v


def adagrad_step(w, g, s, lr=0.01, eps=1e-10):
    r"""AdaGrad: divide each coordinate's step by the root of its summed squared gradients.

    .. math:: s \leftarrow s + g^2, \qquad w \leftarrow w - \eta\,\frac{g}{\sqrt{s} + \epsilon}

    Parameters
    ----------
    w, g, s : array_like, same shape
        ``s`` is the running sum of squared gradients (zeros at the start).
    lr : float >= 0
    eps : float > 0

    Returns
    -------
    (w, s) : tuple of ndarray

    Notes
    -----
    Taught in chapter 7, *Adaptive methods*.
    """
    w, g, s = _arrays(w, g, s=s)
    lr = positive(lr, "lr", allow_zero=True)
    eps = positive(eps, "eps")
    s = s + g * g
    return w - lr * g / (np.sqrt(s) + eps), s


def rmsprop_step(w, g, s, lr=0.01, rho=0.99, eps=1e-8):
    r"""RMSprop: like AdaGrad, with a decaying average instead of a sum.

    .. math:: s \leftarrow \rho s + (1-\rho) g^2, \qquad w \leftarrow w - \eta\,\frac{g}{\sqrt{s} + \epsilon}

    Parameters
    ----------
    w, g, s : array_like, same shape
    lr : float >= 0
    rho : float in [0, 1)
    eps : float > 0

    Returns
    -------
    (w, s) : tuple of ndarray

    Notes
    -----
    Taught in chapter 7, *Adaptive methods*.
    """
    w, g, s = _arrays(w, g, s=s)
    lr = positive(lr, "lr", allow_zero=True)
    rho = _decay_rate(rho, "rho")
    eps = positive(eps, "eps")
    s = rho * s + (1.0 - rho) * g * g
    return w - lr * g / (np.sqrt(s) + eps), s


def _adam_moments(w, g, m, v, t, lr, beta1, beta2, eps):
    w, g, m, v = _arrays(w, g, m=m, v=v)
    t = integer(t, "t", minimum=1)
    lr = positive(lr, "lr", allow_zero=True)
    beta1 = _decay_rate(beta1, "beta1")
    beta2 = _decay_rate(beta2, "beta2")
    eps = positive(eps, "eps")
    m = beta1 * m + (1.0 - beta1) * g
    v = beta2 * v + (1.0 - beta2) * g * g
    return w, m, v, t, lr, beta1, beta2, eps


def _adam_direction(m, v, t, beta1, beta2, eps):
    m_hat = m / (1.0 - beta1 ** t)
    v_hat = v / (1.0 - beta2 ** t)
    return m_hat / (np.sqrt(v_hat) + eps)


def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""Adam with bias correction.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t}, \quad
        w \leftarrow w - \eta\,\frac{\hat m}{\sqrt{\hat v} + \epsilon}

    Parameters
    ----------
    w, g, m, v : array_like, same shape
        Parameters, gradient, first and second moments (zeros at the start).
    t : int >= 1
        This step's 1-based count.
    lr : float >= 0
    beta1, beta2 : float in [0, 1)
    eps : float > 0

    Returns
    -------
    (w, m, v) : tuple of ndarray

    Notes
    -----
    Taught in chapter 7, *Adaptive methods*. On the first step :math:`\hat m / \sqrt{\hat v} = \pm 1`
    wherever :math:`g \ne 0`, so every coordinate moves by about :math:`\eta`.
    """
    w, m, v, t, lr, beta1, beta2, eps = _adam_moments(w, g, m, v, t, lr, beta1, beta2, eps)
    return w - lr * _adam_direction(m, v, t, beta1, beta2, eps), m, v


def adam_step_uncorrected(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""Adam without bias correction: :math:`w \leftarrow w - \eta\, m / (\sqrt{v} + \epsilon)`.

    Parameters and returns as :func:`adam_step` (``t`` is validated but does not enter the step).

    Notes
    -----
    Taught in chapter 7, *Adaptive methods*: with zero-initialised moments the first step is
    :math:`\eta (1-\beta_1)/\sqrt{1-\beta_2} \approx 3.16\,\eta` per coordinate, not :math:`\eta`.
    """
    w, m, v, t, lr, beta1, beta2, eps = _adam_moments(w, g, m, v, t, lr, beta1, beta2, eps)
    return w - lr * m / (np.sqrt(v) + eps), m, v


def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    r"""AdamW: Adam with weight decay decoupled from the gradient.

    .. math:: w \leftarrow w\,(1 - \eta\lambda) - \eta\,\frac{\hat m}{\sqrt{\hat v} + \epsilon}

    The decay shrinks the weights directly instead of being added to ``g``, so the adaptive
    denominator does not weaken it.

    Parameters
    ----------
    w, g, m, v, t, lr, beta1, beta2, eps
        As :func:`adam_step`.
    weight_decay : float >= 0
        :math:`\lambda`.

    Returns
    -------
    (w, m, v) : tuple of ndarray

    Notes
    -----
    Taught in chapter 7, *Adaptive methods*.
    """
    weight_decay = positive(weight_decay, "weight_decay", allow_zero=True)
    w, m, v, t, lr, beta1, beta2, eps = _adam_moments(w, g, m, v, t, lr, beta1, beta2, eps)
    return w * (1.0 - lr * weight_decay) - lr * _adam_direction(m, v, t, beta1, beta2, eps), m, v
