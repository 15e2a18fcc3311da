"""cosine_warm_restarts restarts every T0 steps whatever T_mult says.

loses: cosine_warm_restarts_values cosine_warm_restarts_random
"""
import math


def cosine_warm_restarts(t, T0, lr_max, lr_min=0.0, T_mult=1):
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * (t % T0) / T0))
