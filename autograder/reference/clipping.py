"""Gradient clipping, by value and by global norm.

Taught in chapter 9 (*Gradient clipping*).
"""
import numpy as np

from ._checks import as_float_array, positive


def clip_by_value(g, clip):
    r"""Clamp every entry of ``g`` to :math:`[-c, c]`. The direction of ``g`` may change.

    Parameters
    ----------
    g : array_like, any shape
    clip : float > 0
        :math:`c`.

    Returns
    -------
    ndarray, same shape as ``g``

    Notes
    -----
    Taught in chapter 9, *Gradient clipping*.
    """
    g = as_float_array(g, "g")
    clip = positive(clip, "clip")
    return np.clip(g, -clip, clip)


def clip_by_global_norm(grads, max_norm):
    r"""Scale a list of gradients together so their joint L2 norm is at most ``max_norm``.

    .. math::
        \|g\| = \sqrt{\textstyle\sum_j \|g_j\|_2^2}, \qquad
        g_j \leftarrow g_j \cdot \min\!\Big(1, \frac{c}{\|g\| + 10^{-6}}\Big)

    Every array is scaled by the same factor, so the update keeps its direction.

    Parameters
    ----------
    grads : list of array_like
        The gradients of all parameters (any shapes).
    max_norm : float > 0
        :math:`c`.

    Returns
    -------
    clipped : list of ndarray
        New arrays, shapes as ``grads``.
    total_norm : float
        The global norm *before* clipping.

    Notes
    -----
    Taught in chapter 9, *Gradient clipping*. Matches ``torch.nn.utils.clip_grad_norm_``.
    """
    if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
        raise ValueError(
            f"grads must be a list of arrays (one per parameter); got {type(grads).__name__}. "
            "Wrap a single array as [g].")
    arrays = [as_float_array(g, f"grads[{i}]") for i, g in enumerate(grads)]
    max_norm = positive(max_norm, "max_norm")
    total_norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in arrays)))
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in arrays], total_norm
