"""clip_by_global_norm clips each array to max_norm on its own (the direction changes).

loses: clip_by_global_norm_example clip_by_global_norm_random
"""
import numpy as np


def clip_by_global_norm(grads, max_norm):
    clipped = []
    for g in grads:
        norm = float(np.sqrt(np.sum(g ** 2)))
        clipped.append(g * min(1.0, max_norm / (norm + 1e-6)))
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return clipped, total_norm
