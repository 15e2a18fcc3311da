"""Learning-rate schedules: the learning rate to use at step ``t`` (0-based), as a float.

Taught in chapter 8 (*Learning-rate schedules*).
"""
import math

from ._checks import in_unit_interval, integer, positive


def _lr_pair(lr_max, lr_min):
    lr_max = positive(lr_max, "lr_max", allow_zero=True)
    lr_min = positive(lr_min, "lr_min", allow_zero=True)
    if lr_min > lr_max:
        raise ValueError(f"lr_min must not exceed lr_max; got lr_min={lr_min}, lr_max={lr_max}")
    return lr_max, lr_min


def _half_cosine(progress, lr_max, lr_min):
    """``lr_max`` at progress 0, ``lr_min`` at progress 1, along half a cosine."""
    return lr_min + 0.5 * (lr_max - lr_min) * (1.0 + math.cos(math.pi * progress))


def step_decay(t, lr0, gamma=0.1, step_size=10):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps: :math:`\eta_t = \eta_0\,\gamma^{\lfloor t/s \rfloor}`.

    Parameters
    ----------
    t : int >= 0
    lr0 : float >= 0
    gamma : float in [0, 1]
    step_size : int >= 1

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 8. Matches ``torch.optim.lr_scheduler.StepLR``.
    """
    t = integer(t, "t", minimum=0)
    lr0 = positive(lr0, "lr0", allow_zero=True)
    gamma = in_unit_interval(gamma, "gamma")
    step_size = integer(step_size, "step_size", minimum=1)
    return lr0 * gamma ** (t // step_size)


def exponential_decay(t, lr0, gamma):
    r"""Multiply the rate by ``gamma`` every step: :math:`\eta_t = \eta_0\,\gamma^{t}`.

    Parameters
    ----------
    t : int >= 0
    lr0 : float >= 0
    gamma : float in [0, 1]

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 8. Matches ``torch.optim.lr_scheduler.ExponentialLR``.
    """
    t = integer(t, "t", minimum=0)
    lr0 = positive(lr0, "lr0", allow_zero=True)
    gamma = in_unit_interval(gamma, "gamma")
    return lr0 * gamma ** t


def cosine_annealing(t, T, lr_max, lr_min=0.0):
    r"""Cosine annealing from ``lr_max`` at :math:`t=0` to ``lr_min`` at :math:`t=T`, held there after.

    .. math:: \eta_t = \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})\big(1 + \cos(\pi t / T)\big), \quad t \le T

    Parameters
    ----------
    t : int >= 0
    T : int >= 1
        Length of the annealing.
    lr_max, lr_min : float, 0 <= lr_min <= lr_max

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 8. Equals ``torch.optim.lr_scheduler.CosineAnnealingLR`` with ``T_max=T`` for
    :math:`t \le T`; PyTorch's rate rises again after T, this one stays at ``lr_min``.
    """
    t = integer(t, "t", minimum=0)
    T = integer(T, "T", minimum=1)
    lr_max, lr_min = _lr_pair(lr_max, lr_min)
    return _half_cosine(min(t, T) / T, lr_max, lr_min)


def warmup_cosine(t, warmup, T, lr_max, lr_min=0.0):
    r"""Linear warm-up from 0 over ``warmup`` steps, then cosine annealing to ``lr_min`` at ``T``.

    .. math::
        \eta_t = \begin{cases} \eta_{\max}\, t / W & t < W \\
        \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})\big(1 + \cos(\pi \tfrac{t - W}{T - W})\big) & W \le t \le T \\
        \eta_{\min} & t > T \end{cases}

    Parameters
    ----------
    t : int >= 0
    warmup : int, 0 <= warmup <= T
        :math:`W`; ``warmup=0`` is plain cosine annealing.
    T : int >= 1
    lr_max, lr_min : float, 0 <= lr_min <= lr_max

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 8.
    """
    t = integer(t, "t", minimum=0)
    warmup = integer(warmup, "warmup", minimum=0)
    T = integer(T, "T", minimum=1)
    if warmup > T:
        raise ValueError(f"warmup must not exceed T; got warmup={warmup}, T={T}")
    lr_max, lr_min = _lr_pair(lr_max, lr_min)
    if t < warmup:
        return lr_max * t / warmup
    if t >= T:
        return lr_min
    return _half_cosine((t - warmup) / (T - warmup), lr_max, lr_min)


def cosine_warm_restarts(t, T0, lr_max, lr_min=0.0, T_mult=1):
    r"""Cosine annealing restarted every cycle (SGDR); cycle ``i`` lasts :math:`T_0 T_{mult}^i` steps.

    .. math:: \eta_t = \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})\big(1 + \cos(\pi\, T_{cur} / T_i)\big)

    where :math:`T_{cur}` counts the steps since the last restart and :math:`T_i` is the length of
    the current cycle.

    Parameters
    ----------
    t : int >= 0
    T0 : int >= 1
        Length of the first cycle.
    lr_max, lr_min : float, 0 <= lr_min <= lr_max
    T_mult : int >= 1
        Each cycle is ``T_mult`` times longer than the one before.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 8. Matches ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.
    """
    t = integer(t, "t", minimum=0)
    T0 = integer(T0, "T0", minimum=1)
    T_mult = integer(T_mult, "T_mult", minimum=1)
    lr_max, lr_min = _lr_pair(lr_max, lr_min)
    if T_mult == 1:
        t_cur, t_i = t % T0, T0
    else:
        t_cur, t_i = t, T0
        while t_cur >= t_i:  # at most log_{T_mult}(t / T0) + 1 cycles
            t_cur -= t_i
            t_i *= T_mult
    return _half_cosine(t_cur / t_i, lr_max, lr_min)
