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


def _adam_arguments(w, g, m, second, t, lr, beta1, beta2, eps, second_name="v"):
    """The validated arguments of an Adam-family step; ``second`` is its second state array."""
    w, g, m, second = _arrays(w, g, m=m, **{second_name: second})
    t = integer(t, "t", minimum=1)
    lr = positive(lr, "lr", allow_zero=True)
    beta1 = _decay_rate(beta1, "beta1")
    beta2 = _decay_rate(beta2, "beta2")
    eps = positive(eps, "eps")
    return w, g, m, second, t, lr, beta1, beta2, eps


def _adam_moments(w, g, m, v, t, lr, beta1, beta2, eps):
    w, g, m, v, t, lr, beta1, beta2, eps = _adam_arguments(w, g, m, v, t, lr, beta1, beta2, eps)
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


def adamax_step(w, g, m, u, t, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""AdaMax: Adam with a decaying maximum of :math:`|g|` in place of the root mean square.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        u \leftarrow \max(\beta_2 u,\ |g| + \epsilon), \quad
        w \leftarrow w - \frac{\eta}{1-\beta_1^t}\,\frac{m}{u}

    ``eps`` enters inside the maximum, as in ``torch.optim.Adamax`` (Kingma and Ba's paper has no
    :math:`\epsilon`); it keeps :math:`u > 0` where every gradient so far was zero. :math:`u`
    needs no bias correction: a maximum is not pulled towards its zero start the way an average is.

    Parameters
    ----------
    w, g, m, u : array_like, same shape
        Parameters, gradient, first moment and decayed maximum (zeros at the start).
    t : int >= 1
        This step's 1-based count.
    lr : float >= 0
        Default 2e-3, the paper's and PyTorch's.
    beta1, beta2 : float in [0, 1)
    eps : float > 0

    Returns
    -------
    (w, m, u) : tuple of ndarray

    Notes
    -----
    Taught in chapter 7, *Adaptive methods*: with :math:`\beta_1 < \beta_2` no step is longer than
    :math:`\eta\,(1-\beta_1)/(1-\beta_1/\beta_2)` per coordinate.
    """
    w, g, m, u, t, lr, beta1, beta2, eps = _adam_arguments(w, g, m, u, t, lr, beta1, beta2, eps,
                                                           second_name="u")
    m = beta1 * m + (1.0 - beta1) * g
    u = np.maximum(beta2 * u, np.abs(g) + eps)
    return w - (lr / (1.0 - beta1 ** t)) * m / u, m, u


def _nadam_momenta(t, beta1, momentum_decay):
    """Nadam's schedule mu_i = beta1 (1 - 0.96^(psi i) / 2) for i = 1 .. t + 1."""
    return beta1 * (1.0 - 0.5 * 0.96 ** (np.arange(1, t + 2) * momentum_decay))


def nadam_step(w, g, m, v, t, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, momentum_decay=4e-3):
    r"""Nadam (Adam with a Nesterov look-ahead), exactly as ``torch.optim.NAdam`` computes it.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \hat v = \frac{v}{1-\beta_2^t},

        w \leftarrow w - \frac{\eta}{\sqrt{\hat v} + \epsilon}\left(
            \frac{\mu_{t+1}\, m}{1 - \prod_{i=1}^{t+1} \mu_i}
            + \frac{(1-\mu_t)\, g}{1 - \prod_{i=1}^{t} \mu_i}\right)

    with the momentum schedule :math:`\mu_t = \beta_1 (1 - \tfrac12\, 0.96^{\psi t})`, which
    starts near :math:`\beta_1/2` and rises towards :math:`\beta_1`. The running average
    :math:`m` keeps the constant :math:`\beta_1`; only the look-ahead mixes with :math:`\mu_t`.
    The products are recomputed from ``t``, so the state is ``(m, v)`` as for Adam.

    Parameters
    ----------
    w, g, m, v : array_like, same shape
        Parameters, gradient, first and second moments (zeros at the start).
    t : int >= 1
    lr : float >= 0
        Default 2e-3, PyTorch's.
    beta1, beta2 : float in [0, 1)
    eps : float > 0
    momentum_decay : float >= 0
        :math:`\psi` of the schedule; the default 4e-3 is PyTorch's.

    Returns
    -------
    (w, m, v) : tuple of ndarray

    Notes
    -----
    Taught in chapter 7, *Adaptive methods*. The form with a constant :math:`\mu_t = \beta_1`
    found in many overviews is close to the limit :math:`\psi \to \infty` (it corrects the momentum
    term by :math:`1-\beta_1^t`, the limit by :math:`1-\beta_1^{t+1}`); it is not PyTorch's default.
    """
    w, m, v, t, lr, beta1, beta2, eps = _adam_moments(w, g, m, v, t, lr, beta1, beta2, eps)
    momentum_decay = positive(momentum_decay, "momentum_decay", allow_zero=True)
    mus = _nadam_momenta(t, beta1, momentum_decay)
    product, product_next = np.prod(mus[:t]), np.prod(mus)
    mu, mu_next = mus[t - 1], mus[t]
    denom = np.sqrt(v / (1.0 - beta2 ** t)) + eps
    look_ahead = mu_next * m / (1.0 - product_next) + (1.0 - mu) * g / (1.0 - product)
    return w - lr * look_ahead / denom, m, v


def amsgrad_step(w, g, m, v, v_max, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""AMSGrad: Adam whose denominator never shrinks, as ``torch.optim.Adam(amsgrad=True)``.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        v_{\max} \leftarrow \max(v_{\max}, v),

        w \leftarrow w - \eta\,\frac{m / (1-\beta_1^t)}{\sqrt{v_{\max} / (1-\beta_2^t)} + \epsilon}

    The maximum is taken over the uncorrected :math:`v` and then divided by this step's bias
    correction, as PyTorch does (Reddi et al. state the method without bias correction).

    Parameters
    ----------
    w, g, m, v, v_max : array_like, same shape
        Parameters, gradient, moments and the running maximum of ``v`` (zeros at the start).
    t : int >= 1
    lr : float >= 0
    beta1, beta2 : float in [0, 1)
    eps : float > 0

    Returns
    -------
    (w, m, v, v_max) : tuple of ndarray

    Notes
    -----
    Taught in chapter 7, *Adaptive methods*.
    """
    v_max = _arrays(w, g, v_max=v_max)[2]
    w, m, v, t, lr, beta1, beta2, eps = _adam_moments(w, g, m, v, t, lr, beta1, beta2, eps)
    v_max = np.maximum(v_max, v)
    direction = (m / (1.0 - beta1 ** t)) / (np.sqrt(v_max / (1.0 - beta2 ** t)) + eps)
    return w - lr * direction, m, v, v_max
