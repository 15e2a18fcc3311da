"""adamw_step adds weight_decay * w to the gradient (L2 regularisation) instead of decoupling it.

loses: adamw_step_eps_outside_sqrt adamw_step_first_step adamw_step_no_mutation adamw_step_rollout adamw_step_zero_gradient
"""
import numpy as np


def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    g = g + weight_decay * w
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g ** 2
    m_hat = m_new / (1 - beta1 ** t)
    v_hat = v_new / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
