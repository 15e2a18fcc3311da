"""rmsprop_step divides by sqrt(s + eps) instead of sqrt(s) + eps (the textbook form of
Goodfellow et al., which this course does not use).

loses: rmsprop_step_eps_outside_sqrt rmsprop_step_no_mutation rmsprop_step_rollout
"""
import numpy as np


def rmsprop_step(w, g, s, lr=0.01, rho=0.99, eps=1e-8):
    s_new = rho * s + (1 - rho) * g ** 2
    return w - lr * g / np.sqrt(s_new + eps), s_new
