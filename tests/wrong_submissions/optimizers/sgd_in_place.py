"""sgd_step updates w in place and returns it.

loses: sgd_step_example sgd_step_random
"""


def sgd_step(w, g, lr):
    w -= lr * g
    return w
