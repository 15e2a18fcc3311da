"""rmsprop_step weights the old average by 1 - rho and the new g^2 by rho.

loses: rmsprop_step_eps_outside_sqrt rmsprop_step_example rmsprop_step_no_mutation rmsprop_step_rollout
"""
import numpy as np


def rmsprop_step(w, g, s, lr=0.01, rho=0.99, eps=1e-8):
    s_new = (1 - rho) * s + rho * g ** 2
    return w - lr * g / (np.sqrt(s_new) + eps), s_new
