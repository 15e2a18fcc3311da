"""cosine_warm_restarts anneals once over T0 and stays at lr_min: it never restarts.

loses: cosine_warm_restarts_values cosine_warm_restarts_random
"""
import math


def cosine_warm_restarts(t, T0, lr_max, lr_min=0.0, T_mult=1):
    progress = min(t, T0) / T0
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * progress))
