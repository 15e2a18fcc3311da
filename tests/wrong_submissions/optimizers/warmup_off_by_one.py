"""warmup_cosine warms up with (t + 1) / warmup, so step 0 already has a non-zero rate.

loses: warmup_cosine_values warmup_cosine_random
"""
import math


def warmup_cosine(t, warmup, T, lr_max, lr_min=0.0):
    if t < warmup:
        return lr_max * (t + 1) / warmup
    if t >= T:
        return lr_min
    progress = (t - warmup) / (T - warmup)
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * progress))
