"""Classification losses and their gradients with respect to the logits (or scores).

Taught in chapter 3 (*Classification losses*, and its second part *Imbalanced classes and
segmentation*) and chapter 4 (*Why cross-entropy beats MSE*). Every loss that takes logits works
from them rather than from probabilities, so that it stays finite for logits of +-1000.
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
    z : array_like, shape (N,), or (N, K) for K independent labels per example
        Logits.
    y : array_like, same shape as ``z``
        Labels in {0, 1}.

    Returns
    -------
    float
        The mean over all elements (for multi-label input, over examples and labels alike).

    Notes
    -----
    Taught in chapter 3, *Classification losses* (multi-label classification with independent
    sigmoids there too); its gradient in chapter 4.
    """
    z, y = _logits_and_binary_targets(z, y)
    return float(np.mean(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))))


def bce_grad(z, y):
    r"""Gradient of :func:`bce_loss` w.r.t. the logits: :math:`(\sigma(z) - y)/N`.

    The sigmoid's derivative cancels against the log's, leaving just the error.

    Returns
    -------
    ndarray, same shape as ``z``

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
    Taught in chapter 3, *Imbalanced classes and segmentation* (Dice and IoU).
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
    Taught in chapter 3, *Imbalanced classes and segmentation*.
    """
    p, t, smooth, denominator = _dice_parts(p, t, smooth)
    numerator = 2.0 * np.sum(p * t) + smooth
    return (numerator - 2.0 * t * denominator) / denominator ** 2


def _unit_interval_array(x, name):
    if np.any((x < 0) | (x > 1)):
        bad = x[(x < 0) | (x > 1)].ravel()[:3].tolist()
        raise ValueError(f"{name} must lie in [0, 1] (probabilities or a mask); found {bad}")


def _iou_parts(p, t, smooth):
    p = as_float_array(p, "p")
    t = as_float_array(t, "t")
    same_shape(p, t, "p", "t")
    nonempty(p, "p")
    # p + t - p t is a soft union only for values in [0, 1]; outside it the "union" can vanish
    # or turn negative and the ratio means nothing.
    _unit_interval_array(p, "p")
    _unit_interval_array(t, "t")
    smooth = positive(smooth, "smooth", allow_zero=True)
    intersection = np.sum(p * t)
    union = p.sum() + t.sum() - intersection + smooth
    if union == 0:
        raise ValueError("iou_loss is undefined when p and t are all zero and smooth is 0; use smooth > 0")
    return p, t, smooth, intersection, union


def iou_loss(p, t, smooth=1.0):
    r"""Soft IoU (Jaccard) loss, for segmentation masks.

    .. math:: L = 1 - \frac{I + s}{U + s}, \qquad I = \sum_i p_i t_i, \quad
              U = \sum_i p_i + \sum_i t_i - I

    For binary masks and ``smooth = 0`` this is one minus the intersection over union; the
    Dice score of the same masks is :math:`D = 2\,\mathrm{IoU}/(1 + \mathrm{IoU})`, so
    :math:`\mathrm{IoU} = D/(2 - D)`.

    Parameters
    ----------
    p : array_like, any shape
        Predicted foreground probabilities, in [0, 1].
    t : array_like, same shape as ``p``
        Target mask, in [0, 1] (0 or 1, or soft).
    smooth : float >= 0
        :math:`s`, keeps the ratio defined for empty masks.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 3, *Imbalanced classes and segmentation* (Dice and IoU).
    """
    p, t, smooth, intersection, union = _iou_parts(p, t, smooth)
    return float(1.0 - (intersection + smooth) / union)


def iou_grad(p, t, smooth=1.0):
    r"""Gradient of :func:`iou_loss` w.r.t. ``p``.

    .. math:: \frac{\partial L}{\partial p_i} = \frac{(I + s)(1 - t_i) - t_i\,(U + s)}{(U + s)^2}

    Returns
    -------
    ndarray, same shape as ``p``

    Notes
    -----
    Taught in chapter 3, *Imbalanced classes and segmentation*.
    """
    p, t, smooth, intersection, union = _iou_parts(p, t, smooth)
    return ((intersection + smooth) * (1.0 - t) - t * union) / union ** 2


def _softplus(x):
    """log(1 + e^x) without overflow."""
    return np.logaddexp(0.0, x)


def _weighted_binary_parts(z, y, pos_weight, weight):
    z, y = _logits_and_binary_targets(z, y)
    pos_weight = as_float_array(pos_weight, "pos_weight")
    if pos_weight.ndim > 1 or (pos_weight.ndim == 1 and pos_weight.shape != z.shape[-1:]):
        raise ValueError(f"pos_weight must be a number or one weight per label, shape {z.shape[-1:]}; "
                         f"got shape {pos_weight.shape}")
    if np.any(pos_weight < 0):
        raise ValueError("pos_weight must be non-negative")
    if weight is None:
        weight = np.ones_like(z)
    else:
        weight = as_float_array(weight, "weight")
        same_shape(z, weight, "z", "weight")
        if np.any(weight < 0):
            raise ValueError("weight must be non-negative")
    return z, y, pos_weight, weight


def weighted_bce_loss(z, y, pos_weight=1.0, weight=None):
    r"""Binary cross-entropy from logits with a weight on the positive term and per element.

    .. math::
        L = \frac{1}{N}\sum_i w_i\big[\,\pi\, y_i \log(1 + e^{-z_i})
            + (1 - y_i)\log(1 + e^{z_i})\big]

    :math:`\pi` (``pos_weight``) multiplies the loss of the positive examples only, which is
    what a rare positive class needs (:math:`\pi \approx` negatives / positives); :math:`w_i`
    (``weight``) rescales whole elements. With both 1 this is :func:`bce_loss`. The mean is over
    all elements, not normalised by the weights (as ``torch.nn.BCEWithLogitsLoss``).

    Parameters
    ----------
    z : array_like, shape (N,) or (N, K)
        Logits.
    y : array_like, same shape as ``z``
        Labels in {0, 1}.
    pos_weight : float or array_like of shape (K,), non-negative
        :math:`\pi`, one number or one per label (the last axis of ``z``).
    weight : array_like, same shape as ``z``, non-negative, optional
        :math:`w_i`; ``None`` means all ones.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 3, *Imbalanced classes and segmentation* (class weighting).
    """
    z, y, pos_weight, weight = _weighted_binary_parts(z, y, pos_weight, weight)
    per_element = pos_weight * y * _softplus(-z) + (1.0 - y) * _softplus(z)
    return float(np.mean(weight * per_element))


def weighted_bce_grad(z, y, pos_weight=1.0, weight=None):
    r"""Gradient of :func:`weighted_bce_loss` w.r.t. the logits.

    .. math:: \frac{\partial L}{\partial z_i} = \frac{w_i}{N}\big[(1 - y_i)\,\sigma(z_i)
              - \pi\, y_i\,(1 - \sigma(z_i))\big]

    Returns
    -------
    ndarray, same shape as ``z``

    Notes
    -----
    Taught in chapter 3, *Imbalanced classes and segmentation*.
    """
    z, y, pos_weight, weight = _weighted_binary_parts(z, y, pos_weight, weight)
    per_element = (1.0 - y) * sigmoid(z) - pos_weight * y * sigmoid(-z)
    return weight * per_element / z.size


def _weighted_multiclass_parts(z, labels, class_weights):
    z, target = _logits_and_smoothed_targets(z, labels, 0.0)
    class_weights = as_float_array(class_weights, "class_weights")
    if class_weights.shape != (z.shape[1],):
        raise ValueError(f"class_weights must hold one weight per class, shape ({z.shape[1]},); "
                         f"got shape {class_weights.shape}")
    if np.any(class_weights < 0):
        raise ValueError("class_weights must be non-negative")
    row_weight = target @ class_weights          # w_{c_i}, the weight of each row's class
    total = row_weight.sum()
    if total == 0:
        raise ValueError("class_weights give every example of the batch weight 0: the weighted mean is undefined")
    return z, target, row_weight, total


def weighted_cross_entropy_loss(z, labels, class_weights):
    r"""Categorical cross-entropy from logits, each example weighted by its class.

    .. math:: L = \frac{\sum_i w_{c_i}\,\big(-\log \mathrm{softmax}(z_i)_{c_i}\big)}{\sum_i w_{c_i}}

    A *weighted mean*: the sum is divided by the total weight of the batch, not by N (as
    ``torch.nn.functional.cross_entropy`` with ``weight``), so equal weights give
    :func:`cross_entropy_loss` whatever their value.

    Parameters
    ----------
    z : array_like, shape (N, K)
        Logits.
    labels : array_like of int, shape (N,)
        Correct class of each row, in [0, K).
    class_weights : array_like, shape (K,), non-negative
        :math:`w_k`, e.g. inversely proportional to the frequency of class k.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 3, *Imbalanced classes and segmentation* (class weighting).
    """
    z, target, row_weight, total = _weighted_multiclass_parts(z, labels, class_weights)
    per_row = -np.sum(target * log_softmax(z), axis=1)
    return float(np.sum(row_weight * per_row) / total)


def weighted_cross_entropy_grad(z, labels, class_weights):
    r"""Gradient of :func:`weighted_cross_entropy_loss` w.r.t. the logits.

    .. math:: \frac{\partial L}{\partial z_i} = \frac{w_{c_i}}{\sum_j w_{c_j}}
              \big(\mathrm{softmax}(z_i) - \mathrm{onehot}(c_i)\big)

    Returns
    -------
    ndarray, shape (N, K)

    Notes
    -----
    Taught in chapter 3, *Imbalanced classes and segmentation*.
    """
    z, target, row_weight, total = _weighted_multiclass_parts(z, labels, class_weights)
    return row_weight[:, None] * (softmax(z) - target) / total


def _focal_parts(z, y, gamma, alpha):
    z, y = _logits_and_binary_targets(z, y)
    gamma = positive(gamma, "gamma", allow_zero=True)
    if alpha is None:
        alpha_t = np.ones_like(z)
    else:
        alpha = in_unit_interval(alpha, "alpha")
        alpha_t = np.where(y == 1.0, alpha, 1.0 - alpha)
    sign = 2.0 * y - 1.0                  # +1 for a positive, -1 for a negative
    margin = sign * z                     # p_t = sigmoid(margin), the probability of the truth
    return z, sign, margin, gamma, alpha_t


def focal_loss(z, y, gamma=2.0, alpha=None):
    r"""Binary focal loss (Lin et al., 2017) from logits.

    .. math::
        p_t = \begin{cases}\sigma(z) & y = 1\\ 1 - \sigma(z) & y = 0\end{cases}, \qquad
        L = -\frac{1}{N}\sum_i \alpha_t\,(1 - p_{t,i})^{\gamma}\,\log p_{t,i}

    :math:`(1 - p_t)^\gamma` shrinks the loss of examples the model already gets right, so the
    many easy ones stop drowning out the few hard ones; :math:`\gamma = 0` with no ``alpha``
    is :func:`bce_loss`. :math:`\log p_t = -\log(1 + e^{-y' z})` and
    :math:`1 - p_t = \sigma(-y' z)` with :math:`y' = 2y - 1` keep it finite for any logit.

    Parameters
    ----------
    z : array_like, shape (N,) or (N, K)
        Logits.
    y : array_like, same shape as ``z``
        Labels in {0, 1}.
    gamma : float >= 0
        Focusing parameter :math:`\gamma` (2 in the paper).
    alpha : float in [0, 1], optional
        :math:`\alpha_t = \alpha` for positives and :math:`1 - \alpha` for negatives; ``None``
        weighs both by 1 (the paper used 0.25 together with :math:`\gamma = 2`).

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 3, *Imbalanced classes and segmentation* (focal loss).
    """
    z, sign, margin, gamma, alpha_t = _focal_parts(z, y, gamma, alpha)
    log_pt = -_softplus(-margin)
    return float(np.mean(-alpha_t * sigmoid(-margin) ** gamma * log_pt))


def focal_grad(z, y, gamma=2.0, alpha=None):
    r"""Gradient of :func:`focal_loss` w.r.t. the logits.

    .. math:: \frac{\partial L}{\partial z_i} = \frac{y'_i\,\alpha_t}{N}\,(1 - p_t)^{\gamma}
              \big(\gamma\, p_t \log p_t - (1 - p_t)\big), \qquad y' = 2y - 1

    Written with :math:`(1 - p_t)^\gamma`, never :math:`(1 - p_t)^{\gamma - 1}`, so it stays
    finite for :math:`0 < \gamma < 1` when :math:`p_t = 1`. With :math:`\gamma = 0` it is
    :math:`\alpha_t(\sigma(z) - y)/N`.

    Returns
    -------
    ndarray, same shape as ``z``

    Notes
    -----
    Taught in chapter 3, *Imbalanced classes and segmentation*.
    """
    z, sign, margin, gamma, alpha_t = _focal_parts(z, y, gamma, alpha)
    pt, one_minus_pt = sigmoid(margin), sigmoid(-margin)
    log_pt = -_softplus(-margin)
    slope = alpha_t * one_minus_pt ** gamma * (gamma * pt * log_pt - one_minus_pt)
    return sign * slope / z.size
