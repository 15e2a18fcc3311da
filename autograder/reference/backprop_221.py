r"""The 2-2-1 network of the seeds: two inputs, two sigmoid hidden units, one sigmoid output, BCE.

.. math::
    z_1 = w_{11} x_1 + w_{21} x_2 + b_1, \quad a_1 = \sigma(z_1), \qquad
    z_2 = w_{12} x_1 + w_{22} x_2 + b_2, \quad a_2 = \sigma(z_2), \\
    z_3 = w_{13} a_1 + w_{23} a_2 + b_3, \quad \hat y = \sigma(z_3), \qquad
    L = -y \log \hat y - (1-y)\log(1-\hat y)

Parameters are a dict of nine floats keyed by :data:`PARAM_NAMES`. Taught in chapter 10
(*Backpropagation on the 2-2-1 network*).
"""
import numpy as np

from ._checks import as_float_array, finite_scalar, positive, values_in
from .activations import sigmoid

PARAM_NAMES = ("w11", "w21", "b1", "w12", "w22", "b2", "w13", "w23", "b3")


def _params(params, name="params"):
    if not isinstance(params, dict):
        raise ValueError(f"{name} must be a dict keyed by {list(PARAM_NAMES)}; got {type(params).__name__}")
    missing = [k for k in PARAM_NAMES if k not in params]
    extra = [k for k in params if k not in PARAM_NAMES]
    if missing or extra:
        raise ValueError(f"{name} must have exactly the keys {list(PARAM_NAMES)}; "
                         f"missing {missing}, unexpected {extra}")
    return {k: finite_scalar(params[k], f"{name}[{k!r}]") for k in PARAM_NAMES}


def _input(x):
    x = as_float_array(x, "x")
    if x.shape != (2,):
        raise ValueError(f"x must have shape (2,) (inputs x1, x2); got {x.shape}")
    return float(x[0]), float(x[1])


def _label(y):
    y = finite_scalar(y, "y")
    values_in(np.array([y]), "y", [0.0, 1.0])
    return y


def _sigmoid(z):
    return float(sigmoid(z))


def forward_221(x, params):
    """Forward pass of the 2-2-1 network.

    Parameters
    ----------
    x : array_like, shape (2,)
        Inputs :math:`x_1, x_2`.
    params : dict of 9 floats
        Keys :data:`PARAM_NAMES`.

    Returns
    -------
    dict
        Floats ``z1, a1, z2, a2, z3, y_hat``.

    Notes
    -----
    Taught in chapter 10. For the seeds' example (x = [1, 0], y = 1) this gives z3 = 1.0133 and
    y_hat = 0.7336 (some printed versions say 1.086 and 0.748, an arithmetic slip).
    """
    x1, x2 = _input(x)
    p = _params(params)
    z1 = p["w11"] * x1 + p["w21"] * x2 + p["b1"]
    z2 = p["w12"] * x1 + p["w22"] * x2 + p["b2"]
    a1, a2 = _sigmoid(z1), _sigmoid(z2)
    z3 = p["w13"] * a1 + p["w23"] * a2 + p["b3"]
    return {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "z3": z3, "y_hat": _sigmoid(z3)}


def loss_221(x, y, params):
    r"""Binary cross-entropy of the network's output, computed stably from the logit :math:`z_3`.

    Returns
    -------
    float

    Notes
    -----
    Taught in chapter 10, *Backpropagation on the 2-2-1 network*.
    """
    y = _label(y)
    z3 = forward_221(x, params)["z3"]
    return max(z3, 0.0) - y * z3 + float(np.log1p(np.exp(-abs(z3))))


def backward_221(x, y, params):
    r"""Gradients of the BCE loss with respect to all nine parameters.

    .. math::
        \delta_3 = \hat y - y, \quad
        \frac{\partial L}{\partial w_{13}} = \delta_3 a_1,\ \frac{\partial L}{\partial w_{23}} = \delta_3 a_2,\
        \frac{\partial L}{\partial b_3} = \delta_3, \\
        \delta_1 = \delta_3 w_{13}\, a_1 (1-a_1), \quad \delta_2 = \delta_3 w_{23}\, a_2 (1-a_2), \quad
        \frac{\partial L}{\partial w_{1j}} = \delta_j x_1,\ \frac{\partial L}{\partial w_{2j}} = \delta_j x_2,\
        \frac{\partial L}{\partial b_j} = \delta_j

    Parameters
    ----------
    x : array_like, shape (2,)
    y : {0, 1}
    params : dict of 9 floats

    Returns
    -------
    dict
        Floats keyed by :data:`PARAM_NAMES`.

    Notes
    -----
    Taught in chapter 10.
    """
    x1, x2 = _input(x)
    y = _label(y)
    p = _params(params)
    f = forward_221(x, p)
    d3 = f["y_hat"] - y
    d1 = d3 * p["w13"] * f["a1"] * (1.0 - f["a1"])
    d2 = d3 * p["w23"] * f["a2"] * (1.0 - f["a2"])
    return {"w11": d1 * x1, "w21": d1 * x2, "b1": d1,
            "w12": d2 * x1, "w22": d2 * x2, "b2": d2,
            "w13": d3 * f["a1"], "w23": d3 * f["a2"], "b3": d3}


def sgd_update(params, grads, lr):
    r"""One gradient-descent step on every parameter: :math:`p \leftarrow p - \eta\, \partial L/\partial p`.

    Parameters
    ----------
    params, grads : dict of 9 floats
    lr : float >= 0

    Returns
    -------
    dict
        New parameters; the inputs are left as they were.

    Notes
    -----
    Taught in chapter 10.
    """
    p = _params(params)
    g = _params(grads, "grads")
    lr = positive(lr, "lr", allow_zero=True)
    return {k: p[k] - lr * g[k] for k in PARAM_NAMES}


def numerical_gradient(f, params, h=1e-5):
    r"""Centred finite differences of a scalar function of the parameters.

    .. math:: \frac{\partial f}{\partial p} \approx \frac{f(p + h) - f(p - h)}{2h}

    Parameters
    ----------
    f : callable
        Takes a params dict and returns a float.
    params : dict of 9 floats
    h : float > 0

    Returns
    -------
    dict
        Floats keyed by :data:`PARAM_NAMES`. The error is :math:`O(h^2)`.

    Notes
    -----
    Taught in chapter 10 (checking backprop).
    """
    if not callable(f):
        raise ValueError(f"f must be callable (params dict -> float); got {type(f).__name__}")
    p = _params(params)
    h = positive(h, "h")
    grads = {}
    for k in PARAM_NAMES:
        up, down = dict(p), dict(p)
        up[k] += h
        down[k] -= h
        grads[k] = (finite_scalar(f(up), "f(params)") - finite_scalar(f(down), "f(params)")) / (2.0 * h)
    return grads
