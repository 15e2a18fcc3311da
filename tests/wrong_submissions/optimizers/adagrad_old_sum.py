"""adagrad_step divides by the sum of squares *before* adding this step's g^2.

loses: adagrad_step_eps_outside_sqrt adagrad_step_example adagrad_step_no_mutation adagrad_step_rollout
"""
import numpy as np


def adagrad_step(w, g, s, lr=0.01, eps=1e-10):
    w_new = w - lr * g / (np.sqrt(s) + eps)
    return w_new, s + g ** 2
