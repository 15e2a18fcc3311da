"""adam_step updates w, m and v in place (and returns them): right values, inputs clobbered.

loses: adam_step_eps_outside_sqrt adam_step_first_step adam_step_later_step adam_step_no_mutation
"""
import numpy as np


def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g ** 2
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v
