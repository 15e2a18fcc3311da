"""clip_by_global_norm scales the caller's arrays in place.

loses: clip_by_global_norm_example clip_by_global_norm_random
"""
import numpy as np


def clip_by_global_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    for g in grads:
        g *= min(1.0, max_norm / (total_norm + 1e-6))
    return grads, total_norm
