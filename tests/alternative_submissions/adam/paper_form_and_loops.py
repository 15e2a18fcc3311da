"""Valid alternatives: the Adam paper's folded step size, an explicit loop, and AdamW reusing adam_step.

adam_step folds both corrections into the rate, lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t),
with eps scaled by sqrt(1 - beta2^t) so the step is algebraically the same;
adam_step_uncorrected loops over the entries; adamw_step calls the (correct) adam_step.
"""
import math

import numpy as np


def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * np.square(g)
    lr_t = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return w - lr_t * m / (np.sqrt(v) + eps * math.sqrt(1 - beta2 ** t)), m, v


def adam_step_uncorrected(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    w_new, m_new, v_new = np.array(w, dtype=float), np.array(m, dtype=float), np.array(v, dtype=float)
    for i in np.ndindex(np.shape(w)):
        m_new[i] = beta1 * m_new[i] + (1 - beta1) * g[i]
        v_new[i] = beta2 * v_new[i] + (1 - beta2) * g[i] * g[i]
        w_new[i] = w_new[i] - lr * m_new[i] / (math.sqrt(v_new[i]) + eps)
    return w_new, m_new, v_new


def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    stepped, m_new, v_new = adam_step(w, g, m, v, t, lr, beta1, beta2, eps)
    return stepped - lr * weight_decay * w, m_new, v_new
