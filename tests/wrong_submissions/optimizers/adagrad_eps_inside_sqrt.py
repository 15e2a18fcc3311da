"""adagrad_step divides by sqrt(s + eps) instead of sqrt(s) + eps.

Invisible with the default eps = 1e-10 on gradients of order 1; the visible cell
adagrad_step_eps_outside_sqrt uses gradients near sqrt(eps), the hidden cells draw larger eps.

loses: adagrad_step_eps_outside_sqrt adagrad_step_no_mutation adagrad_step_rollout
"""
import numpy as np


def adagrad_step(w, g, s, lr=0.01, eps=1e-10):
    s_new = s + g ** 2
    return w - lr * g / np.sqrt(s_new + eps), s_new
