"""cosine_annealing keeps following the cosine after T (PyTorch's rate rises again) instead of holding lr_min.

loses: cosine_annealing_values cosine_annealing_random
"""
import math


def cosine_annealing(t, T, lr_max, lr_min=0.0):
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t / T))
