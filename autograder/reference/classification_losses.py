"""Classification losses and their gradients with respect to the logits (or scores).

Taught in chapters 3 (*Classification losses*) and 4 (*Why cross-entropy beats MSE*). Every loss
works from logits rather than probabilities so that it stays finite for logits of +-1000.
"""
import numpy as np

from ._checks import (as_float_array, in_unit_interval, integer_labels, ndim, nonempty,
                      positive, same_shape, values_in)
from .activations import log_softmax, sigmoid, softmax


def _logits_and_binary_targets(z, y):
    z = as_float_array(z, "z")
    y = as_float_array(y, "y")
    same_shape(z, y, "z", "y")
    nonempty(z, "z")
    values_in(y, "y", [0.0, 1.0])
    return z, y


def bce_loss(z, y):
    r"""Binary cross-entropy of a sigmoid output, computed from the logits.

    .. math::
        L = -\frac{1}{N}\sum_i \big[y_i \log \sigma(z_i) + (1-y_i)\log(1-\sigma(z_i))\big]
          = \frac{1}{N}\sum_i \big[\max(z_i, 0) - y_i z_i + \log(1 + e^{-|z_i|})\big]

    The right-hand form never takes the log of 0 nor the exponential of a large number.

    Parameters
    ----------
    z : array_like, shape (N,)
        Logits.
    y : array_like, shape (N,)
        Labels in {0, 1}.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 3, *Classification losses*; its gradient in chapter 4.
    """
    z, y = _logits_and_binary_targets(z, y)
    return float(np.mean(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))))


def bce_grad(z, y):
    r"""Gradient of :func:`bce_loss` w.r.t. the logits: :math:`(\sigma(z) - y)/N`.

    The sigmoid's derivative cancels against the log's, leaving just the error.

    Returns
    -------
    ndarray, shape (N,)

    Notes
    -----
    Taught in chapter 3, *Classification losses*; chapter 4 shows why this form matters.
    """
    z, y = _logits_and_binary_targets(z, y)
    return (sigmoid(z) - y) / z.size


def mse_sigmoid_loss(z, y):
    r"""Mean squared error between a sigmoid output and binary labels.

    .. math:: L = \frac{1}{N}\sum_i (\sigma(z_i) - y_i)^2

    Parameters
    ----------
    z : array_like, shape (N,)
        Logits.
    y : array_like, shape (N,)
        Labels in {0, 1}.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 4, *Why cross-entropy beats MSE for classification*.
    """
    z, y = _logits_and_binary_targets(z, y)
    return float(np.mean((sigmoid(z) - y) ** 2))


def mse_sigmoid_grad(z, y):
    r"""Gradient of :func:`mse_sigmoid_loss` w.r.t. the logits.

    .. math:: \frac{\partial L}{\partial z_i} = \frac{2}{N}(\sigma(z_i) - y_i)\,\sigma(z_i)(1-\sigma(z_i))

    The factor :math:`\sigma'(z) \le 1/4` vanishes when the sigmoid saturates, even when wrong.

    Returns
    -------
    ndarray, shape (N,)

    Notes
    -----
    Taught in chapter 4, *Why cross-entropy beats MSE for classification*.
    """
    z, y = _logits_and_binary_targets(z, y)
    s = sigmoid(z)
    return 2.0 * (s - y) * s * (1.0 - s) / z.size


def _logits_and_smoothed_targets(z, labels, label_smoothing):
    z = as_float_array(z, "z")
    ndim(z, "z", 2)
    nonempty(z, "z")
    n, k = z.shape
    labels = integer_labels(labels, "labels", k)
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},) to match z of shape {z.shape}; got {labels.shape}")
    eps = in_unit_interval(label_smoothing, "label_smoothing")
    target = np.full((n, k), eps / k)
    target[np.arange(n), labels] += 1.0 - eps
    return z, target


def cross_entropy_loss(z, labels, label_smoothing=0.0):
    r"""Categorical cross-entropy of a softmax output, from the logits, with label smoothing.

    .. math::
        q_{ik} = (1-\varepsilon)\,[k = c_i] + \frac{\varepsilon}{K}, \qquad
        L = -\frac{1}{N}\sum_i \sum_k q_{ik}\,\log \mathrm{softmax}(z_i)_k

    With :math:`\varepsilon = 0` this is :math:`-\frac1N\sum_i \log \hat y_{i, c_i}`: only the
    probability of the correct class counts.

    Parameters
    ----------
    z : array_like, shape (N, K)
        Logits.
    labels : array_like of int, shape (N,)
        Correct class of each row, in [0, K).
    label_smoothing : float in [0, 1]
        :math:`\varepsilon`, the probability mass spread evenly over all K classes.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 3, *Classification losses* (softmax, log-sum-exp, label smoothing).
    """
    z, target = _logits_and_smoothed_targets(z, labels, label_smoothing)
    return float(-np.sum(target * log_softmax(z)) / z.shape[0])


def cross_entropy_grad(z, labels, label_smoothing=0.0):
    r"""Gradient of :func:`cross_entropy_loss` w.r.t. the logits: :math:`(\mathrm{softmax}(z) - q)/N`.

    Returns
    -------
    ndarray, shape (N, K)

    Notes
    -----
    Taught in chapter 3, *Classification losses*.
    """
    z, target = _logits_and_smoothed_targets(z, labels, label_smoothing)
    return (softmax(z) - target) / z.shape[0]


def _scores_and_signed_labels(s, y):
    s = as_float_array(s, "s")
    y = as_float_array(y, "y")
    same_shape(s, y, "s", "y")
    nonempty(s, "s")
    values_in(y, "y", [-1.0, 1.0])
    return s, y


def hinge_loss(s, y):
    r"""Hinge loss of raw scores against labels in {-1, +1}.

    .. math:: L = \frac{1}{N}\sum_i \max(0,\ 1 - y_i s_i)

    Parameters
    ----------
    s : array_like, shape (N,)
        Scores (no activation).
    y : array_like, shape (N,)
        Labels in {-1, +1}.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 3, *Classification losses*.
    """
    s, y = _scores_and_signed_labels(s, y)
    return float(np.mean(np.maximum(0.0, 1.0 - y * s)))


def hinge_grad(s, y):
    r"""Subgradient of :func:`hinge_loss` w.r.t. the scores: :math:`-y_i/N` where :math:`y_i s_i < 1`, else 0.

    At the kink :math:`y_i s_i = 1` the subgradient 0 is taken.

    Returns
    -------
    ndarray, shape (N,)

    Notes
    -----
    Taught in chapter 3, *Classification losses*.
    """
    s, y = _scores_and_signed_labels(s, y)
    return np.where(1.0 - y * s > 0.0, -y, 0.0) / s.size


def _distribution_rows(x, name):
    x = as_float_array(x, name)
    if x.ndim == 1:
        x = x[None, :]
    ndim(x, name, 2)
    nonempty(x, name)
    if np.any(x < 0):
        raise ValueError(f"{name} must be non-negative: each row is a probability distribution")
    sums = x.sum(axis=1)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-6):
        worst = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(f"each row of {name} must sum to 1; row {worst} sums to {sums[worst]!r}")
    return x


def kl_divergence(p, q):
    r"""Kullback-Leibler divergence :math:`D_{KL}(p\,\|\,q)`, averaged over rows.

    .. math:: D = \frac{1}{N}\sum_i \sum_k p_{ik} \log\frac{p_{ik}}{q_{ik}}, \qquad 0 \log 0 = 0

    Parameters
    ----------
    p, q : array_like, shape (N, K) or (K,)
        Rows are probability distributions (non-negative, summing to 1).

    Returns
    -------
    float
        Non-negative; ``inf`` where some :math:`q_{ik} = 0 < p_{ik}`.

    Notes
    -----
    Taught in chapter 3, *Classification losses*.
    """
    p = _distribution_rows(p, "p")
    q = _distribution_rows(q, "q")
    same_shape(p, q, "p", "q")
    support = p > 0
    if np.any(support & (q == 0)):
        return float("inf")
    terms = np.zeros_like(p)
    terms[support] = p[support] * (np.log(p[support]) - np.log(q[support]))
    return float(np.sum(terms) / p.shape[0])


def _dice_parts(p, t, smooth):
    p = as_float_array(p, "p")
    t = as_float_array(t, "t")
    same_shape(p, t, "p", "t")
    nonempty(p, "p")
    smooth = positive(smooth, "smooth", allow_zero=True)
    denominator = p.sum() + t.sum() + smooth
    if denominator == 0:
        raise ValueError("dice_loss is undefined when p and t are all zero and smooth is 0; use smooth > 0")
    return p, t, smooth, denominator


def dice_loss(p, t, smooth=1.0):
    r"""Soft Dice loss, for segmentation masks.

    .. math:: L = 1 - \frac{2\sum_i p_i t_i + s}{\sum_i p_i + \sum_i t_i + s}

    Parameters
    ----------
    p : array_like, any shape
        Predicted foreground probabilities.
    t : array_like, same shape as ``p``
        Target mask (0 or 1, or soft).
    smooth : float >= 0
        :math:`s`, keeps the ratio defined for empty masks.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 3, *Classification losses* (Dice and IoU for segmentation).
    """
    p, t, smooth, denominator = _dice_parts(p, t, smooth)
    return float(1.0 - (2.0 * np.sum(p * t) + smooth) / denominator)


def dice_grad(p, t, smooth=1.0):
    r"""Gradient of :func:`dice_loss` w.r.t. ``p``.

    .. math:: \frac{\partial L}{\partial p_i} = \frac{(2I + s) - 2 t_i D}{D^2},
              \quad I = \sum_j p_j t_j,\ D = \sum_j p_j + \sum_j t_j + s

    Returns
    -------
    ndarray, same shape as ``p``

    Notes
    -----
    Taught in chapter 3, *Classification losses*.
    """
    p, t, smooth, denominator = _dice_parts(p, t, smooth)
    numerator = 2.0 * np.sum(p * t) + smooth
    return (numerator - 2.0 * t * denominator) / denominator ** 2
