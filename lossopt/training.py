"""A tiny NumPy multilayer perceptron and training loop, for chapter 11 (*Putting it together*).

The network is fixed plumbing: fully connected layers with ``tanh`` hidden units and one output
logit per example. What a course teaches is *plugged in* by the caller, written out in the
chapter itself:

- ``loss(logits, y) -> (value, dlogits)``: the loss and its gradient with respect to the logits;
- an :class:`Optimizer`: ``init(w) -> state`` and ``update(w, g, state, t, lr) -> (w, state)``,
  returning new arrays, with ``t`` the 1-based step count;
- ``schedule(t) -> lr`` with ``t`` the 0-based step count.

So this module holds no loss, optimizer step or schedule of its own.
"""
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Optimizer:
    """An optimizer as the training loop sees it.

    ``init(w)`` gives the state for a parameter array ``w`` (e.g. zeros for a velocity);
    ``update(w, g, state, t, lr)`` returns the new ``(w, state)`` without modifying its inputs.
    """
    name: str
    init: Callable
    update: Callable


@dataclass
class History:
    """What :func:`train` records at every step (lists of floats, one entry per step)."""
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    params: dict = field(default_factory=dict)


def init_mlp(sizes, seed=0, scale=1.0):
    """Random weights for layers of the given sizes, e.g. ``(2, 16, 1)``.

    Weights are Gaussian with standard deviation ``scale / sqrt(fan_in)`` (``scale = 1`` keeps
    ``tanh`` units out of saturation at the start; a large ``scale`` saturates them); biases are
    zero. Returns a dict ``W1, b1, W2, b2, ...`` of float64 arrays.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive layer widths, got {sizes}")
    if sizes[-1] != 1:
        raise ValueError(f"the last layer must have one output (a logit), got sizes={sizes}")
    rng = np.random.default_rng(seed)
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{k}"] = rng.standard_normal((fan_in, fan_out)) * scale / np.sqrt(fan_in)
        params[f"b{k}"] = np.zeros(fan_out)
    return params


def _n_layers(params):
    n = len(params) // 2
    expected = {f"{kind}{k}" for k in range(1, n + 1) for kind in "Wb"}
    if len(params) % 2 or set(params) != expected:
        raise ValueError(f"params must hold W1, b1, ..., Wn, bn; got keys {sorted(params)}")
    return n


def forward(params, X):
    """Logits of shape (N,) for inputs ``X`` of shape (N, d), and the cache backward needs."""
    X = np.asarray(X, dtype=float)
    n = _n_layers(params)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError(f"X must have shape (N, {params['W1'].shape[0]}), got {X.shape}")
    activations = [X]
    for k in range(1, n + 1):
        z = activations[-1] @ params[f"W{k}"] + params[f"b{k}"]
        activations.append(np.tanh(z) if k < n else z)
    return activations[-1][:, 0], activations


def backward(params, cache, dlogits):
    """Gradients of the loss for every parameter, given its gradient ``dlogits`` (N,) at the logits."""
    n = _n_layers(params)
    activations = cache
    delta = np.asarray(dlogits, dtype=float).reshape(-1, 1)
    grads = {}
    for k in range(n, 0, -1):
        grads[f"W{k}"] = activations[k - 1].T @ delta
        grads[f"b{k}"] = delta.sum(axis=0)
        if k > 1:
            delta = (delta @ params[f"W{k}"].T) * (1.0 - activations[k - 1] ** 2)  # tanh'
    return grads


def predict(params, X):
    """Class predictions in {0, 1}: the sign of the logit."""
    logits, _ = forward(params, X)
    return (logits > 0).astype(int)


def train(params, X, y, loss, optimizer, schedule, n_steps, batch_size=None, seed=0):
    """Train a copy of ``params`` and return its :class:`History` (the final weights in ``params``).

    Parameters
    ----------
    params : dict
        From :func:`init_mlp`; not modified.
    X, y : ndarray, shapes (N, d) and (N,)
        Inputs and labels in {0, 1}.
    loss : callable
        ``loss(logits, y_batch) -> (value, dlogits)``, a mean over the batch.
    optimizer : Optimizer
    schedule : callable
        ``schedule(t) -> lr`` for the 0-based step ``t``.
    n_steps : int
        Number of updates.
    batch_size : int, optional
        Mini-batch size, drawn afresh each step; ``None`` uses the whole data set.
    seed : int
        Seed of the mini-batch draws.

    The recorded loss and accuracy are on the whole data set after each update, so curves from
    different batch sizes compare fairly.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
    if batch_size is not None and not 1 <= batch_size <= len(X):
        raise ValueError(f"batch_size must be between 1 and {len(X)}, got {batch_size}")
    rng = np.random.default_rng(seed)
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    state = {k: optimizer.init(v) for k, v in params.items()}
    history = History()
    for t in range(int(n_steps)):
        rows = slice(None) if batch_size is None else rng.choice(len(X), batch_size, replace=False)
        logits, cache = forward(params, X[rows])
        _, dlogits = loss(logits, y[rows])
        grads = backward(params, cache, dlogits)
        lr = schedule(t)
        for k in params:
            params[k], state[k] = optimizer.update(params[k], grads[k], state[k], t + 1, lr)
        full_logits, _ = forward(params, X)
        history.loss.append(float(loss(full_logits, y)[0]))
        history.accuracy.append(float(np.mean((full_logits > 0) == (y == 1))))
        history.lr.append(float(lr))
        history.grad_norm.append(float(np.sqrt(sum(np.sum(g * g) for g in grads.values()))))
    history.params = params
    return history


def decision_grid(params, xlim, ylim, resolution=80):
    """The network's logits on a grid of points, for drawing its decision boundary (logit 0).

    Returns ``(xs, ys, logits)`` with ``logits`` of shape (resolution, resolution).
    """
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    logits, _ = forward(params, grid)
    return xs, ys, logits.reshape(resolution, resolution)
