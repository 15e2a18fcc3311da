"""adam_step without the bias correction: the first steps are about 3x too large.

loses: adam_step_edge_cases adam_step_eps_outside_sqrt adam_step_first_step adam_step_later_step adam_step_no_mutation adam_step_rollout
"""
import numpy as np


def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g ** 2
    return w - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new
