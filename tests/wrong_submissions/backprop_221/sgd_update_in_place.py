"""sgd_update changes the caller's params dict in place and returns it.

loses: sgd_update_example sgd_update_random
"""


def sgd_update(params, grads, lr):
    for name in PARAM_NAMES:
        params[name] -= lr * grads[name]
    return params
