"""clip_by_global_norm returns the norm of the clipped gradients instead of the norm before clipping.

loses: clip_by_global_norm_example clip_by_global_norm_random
"""
import numpy as np


def clip_by_global_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    clipped = [g * min(1.0, max_norm / (total_norm + 1e-6)) for g in grads]
    return clipped, float(np.sqrt(sum(np.sum(g ** 2) for g in clipped)))
