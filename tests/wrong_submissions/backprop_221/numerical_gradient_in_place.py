"""numerical_gradient shifts the caller's params in place and shifts them back: the round trip
p + h - 2h + h does not always return the same float, so params comes back changed.

loses: numerical_gradient_example numerical_gradient_random
"""


def numerical_gradient(f, params, h=1e-5):
    grads = {}
    for name in PARAM_NAMES:
        params[name] += h
        f_up = f(params)
        params[name] -= 2 * h
        f_down = f(params)
        params[name] += h
        grads[name] = (f_up - f_down) / (2 * h)
    return grads
