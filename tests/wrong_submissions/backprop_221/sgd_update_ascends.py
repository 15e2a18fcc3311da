"""sgd_update adds the gradient: gradient ascent.

loses: sgd_update_example sgd_update_random
"""


def sgd_update(params, grads, lr):
    return {name: params[name] + lr * grads[name] for name in PARAM_NAMES}
