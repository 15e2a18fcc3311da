"""numerical_gradient uses the forward difference (f(p + h) - f(p)) / h: error O(h), not O(h^2).

loses: numerical_gradient_example numerical_gradient_random
"""


def numerical_gradient(f, params, h=1e-5):
    base = f(params)
    grads = {}
    for name in PARAM_NAMES:
        up = dict(params)
        up[name] = params[name] + h
        grads[name] = (f(up) - base) / h
    return grads
