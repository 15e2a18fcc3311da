"""kl_divergence adds a small constant inside the log to dodge log(0): finite where q = 0 < p,
where the divergence is infinite.

loses: kl_divergence_hidden kl_divergence_values
"""
import numpy as np


def kl_divergence(p, q):
    p = np.atleast_2d(np.asarray(p, dtype=float))
    q = np.atleast_2d(np.asarray(q, dtype=float))
    return float(np.sum(p * np.log((p + 1e-12) / (q + 1e-12))) / p.shape[0])
