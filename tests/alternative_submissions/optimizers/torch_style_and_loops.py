"""Valid alternatives: PyTorch's closed-form cycle index for warm restarts, schedules in NumPy,
the seeds' look-ahead written out for Nesterov, element loops for AdaGrad, np.linalg.norm of
the concatenated gradients for clipping, and copies updated in place."""
import math

import numpy as np


def sgd_step(w, g, lr):
    w_new = np.array(w, dtype=float, copy=True)
    w_new -= lr * g
    return w_new


def nesterov_step(w, g, v, lr, beta=0.9):
    v_new = beta * v + g
    # Same step, grouped as momentum's step plus the extra look-ahead gradient term.
    return (w - lr * v_new) - lr * (g + beta * v_new - v_new), v_new


def adagrad_step(w, g, s, lr=0.01, eps=1e-10):
    w_new, s_new = np.array(w, dtype=float), np.array(s, dtype=float)
    for i in np.ndindex(np.shape(w)):
        s_new[i] += g[i] * g[i]
        w_new[i] -= lr * g[i] / (math.sqrt(s_new[i]) + eps)
    return w_new, s_new


def cosine_annealing(t, T, lr_max, lr_min=0.0):
    if t >= T:
        return lr_min
    return float(lr_min + (lr_max - lr_min) * np.cos(np.pi * t / T / 2) ** 2)


def warmup_cosine(t, warmup, T, lr_max, lr_min=0.0):
    if warmup and t < warmup:
        return float(np.interp(t, [0, warmup], [0.0, lr_max]))
    if t >= T:
        return lr_min
    return lr_min + (lr_max - lr_min) * (1 + math.cos(math.pi * (t - warmup) / (T - warmup))) / 2


def cosine_warm_restarts(t, T0, lr_max, lr_min=0.0, T_mult=1):
    if T_mult == 1:
        t_cur, t_i = t % T0, T0
    else:  # torch.optim.lr_scheduler.CosineAnnealingWarmRestarts
        n = int(math.log(t / T0 * (T_mult - 1) + 1, T_mult))
        t_cur = t - T0 * (T_mult ** n - 1) / (T_mult - 1)
        t_i = T0 * T_mult ** n
    return lr_min + (lr_max - lr_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


def clip_by_global_norm(grads, max_norm):
    total_norm = float(np.linalg.norm(np.concatenate([np.ravel(g) for g in grads])))
    if total_norm > max_norm:
        return [g * (max_norm / (total_norm + 1e-6)) for g in grads], total_norm
    return [np.copy(g) for g in grads], total_norm
