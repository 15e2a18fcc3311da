"""rmsprop_step updates s in place: right values, input clobbered.

loses: rmsprop_step_eps_outside_sqrt rmsprop_step_example rmsprop_step_no_mutation
"""
import numpy as np


def rmsprop_step(w, g, s, lr=0.01, rho=0.99, eps=1e-8):
    s *= rho
    s += (1 - rho) * g ** 2
    return w - lr * g / (np.sqrt(s) + eps), s
