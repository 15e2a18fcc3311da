"""adam_step divides by sqrt(v_hat + eps) instead of sqrt(v_hat) + eps.

Indistinguishable on gradients of order 0.1 with eps = 1e-8; the visible cell
adam_step_eps_outside_sqrt and the hidden cells use gradients near sqrt(eps) and larger eps.

loses: adam_step_edge_cases adam_step_eps_outside_sqrt adam_step_no_mutation adam_step_rollout
"""
import numpy as np


def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g ** 2
    m_hat = m_new / (1 - beta1 ** t)
    v_hat = v_new / (1 - beta2 ** t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new
