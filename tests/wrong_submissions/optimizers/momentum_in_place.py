"""momentum_step updates the velocity in place (v *= beta; v += g): right values, input clobbered.

loses: momentum_step_example momentum_step_no_mutation
"""


def momentum_step(w, g, v, lr, beta=0.9):
    v *= beta
    v += g
    return w - lr * v, v
