"""Cases for optimizer steps, shared by the ``adam`` and ``optimizers`` registries.

An optimizer step is judged on *rollouts*: many consecutive calls in which the parameters and the
state the student's function returned are fed back into it (``Previous``), with a fresh random
gradient each step, so that state carried wrongly across steps, a step count ``t`` off by one or a
missing bias correction shows up however the first step looks. The reference carries its own
state alongside (see :func:`autograder.pipeline.judge.reference_outputs`).
"""
import numpy as np

from . import Call, Case, Previous
from . import casegen as gen


def gradients(rng, shape, scale_range=(1e-3, 10.0), zero_fraction=0.0):
    """A gradient whose entries span several orders of magnitude, some of them exactly zero."""
    low, high = np.log10(scale_range[0]), np.log10(scale_range[1])
    g = np.array(rng.normal(size=shape) * 10.0 ** rng.uniform(low, high, size=shape), dtype=np.float64)
    if zero_fraction:
        g[rng.random(size=shape) < zero_fraction] = 0.0
    return g


def rollout(function, rng, description, *, shape, n_steps, n_state, hyper=None, counted=False,
            w=None, grad=None):
    """One case: ``n_steps`` calls of ``function(w, g, *state[, t], **hyper)`` chained together.

    ``n_state`` state arrays start at zeros; ``counted`` passes the 1-based step count ``t`` after
    the state (Adam's signature). ``grad(rng, step)`` draws each step's gradient (default: random,
    a few entries zero).
    """
    if grad is None:
        # every step's gradient in one draw: a rollout is hundreds of steps, drawn per check
        drawn = gradients(rng, (n_steps,) + tuple(shape), zero_fraction=0.1)
        grad = lambda rng, step: drawn[step, ...]  # noqa: E731  (a 0-d view stays an array)
    w0 = gen.reals(rng, shape) if w is None else w
    kwargs = dict(hyper or {})  # shared by the calls: nothing writes to a Call's kwargs
    calls = []
    for step in range(n_steps):
        if step == 0:
            carried = [w0] + [np.zeros(shape) for _ in range(n_state)]
        else:
            carried = [Previous(step - 1, i) for i in range(1 + n_state)]
        args = [carried[0], grad(rng, step)] + carried[1:]
        if counted:
            args.append(step + 1)
        calls.append(Call(function, tuple(args), kwargs))
    return Case(description, calls)


def single_step(function, rng, description, *, shape, n_state, hyper=None, t=None, grad=None,
                squares_last=True):
    """One call from random non-zero state: what a step does in the middle of training.

    With ``squares_last`` the last state array is an average of squared gradients, so >= 0.
    """
    g = gradients(rng, shape) if grad is None else grad
    state = [gradients(rng, shape) for _ in range(n_state)]
    if squares_last:
        state[-1] = state[-1] ** 2
    args = [gen.reals(rng, shape), g] + state + ([] if t is None else [t])
    return Case(description, [Call(function, tuple(args), dict(hyper or {}))])


def matrix_shape(rng):
    """A 2-D shape of 6 to 20 entries: enough entries that a wrong formula shows on some of them
    on every draw, however the random magnitudes fall."""
    return (int(rng.integers(2, 5)), int(rng.integers(3, 6)))


def random_shape(rng):
    """A scalar (0-d array), a vector, a matrix or a 3-D array, at random."""
    return [(), (int(rng.integers(1, 9)),), gen.shape(rng, 2, 5), gen.shape(rng, 3, 4)][int(rng.integers(4))]


def rollout_cases(function, draw_hyper, *, n_state, counted=False, defaults=None,
                  long_steps=200, short_steps=40):
    """The hidden rollouts of one optimizer step, as a ``cases(rng)`` for a :class:`Check`.

    A long run with the signature's default hyperparameters (``defaults``: only what has no
    default, e.g. ``lr``), a short run with hyperparameters from ``draw_hyper(rng)`` on a random
    shape (0-d included), three steps of all-zero gradients, and ten steps of small gradients
    near small weights: there ``eps`` is not negligible next to the root of the averaged
    squares, so where it sits shows on every draw (with large random gradients it may not).
    """
    def cases(rng):
        shape, long_shape = random_shape(rng), matrix_shape(rng)
        hyper = draw_hyper(rng)
        common = {"n_state": n_state, "counted": counted}
        return [
            rollout(function, rng, f"{function}: {long_steps} steps from zero state with the default "
                    f"hyperparameters, parameters of shape {long_shape}",
                    shape=long_shape, n_steps=long_steps, hyper=defaults, **common),
            rollout(function, rng, f"{function}: {short_steps} steps with {hyper}, shape {shape}",
                    shape=shape, n_steps=short_steps, hyper=hyper, **common),
            rollout(function, rng, f"{function}: 3 steps with an all-zero gradient and {hyper}",
                    shape=(4,), n_steps=3, hyper=hyper, grad=lambda rng, step: np.zeros(4), **common),
            rollout(function, rng, f"{function}: 10 steps of small gradients (1e-4 .. 1e-2) on small "
                    f"weights with {hyper}", shape=(4,), n_steps=10, hyper=hyper,
                    w=gen.reals(rng, (4,), scale=0.01),
                    grad=lambda rng, step: gradients(rng, (4,), scale_range=(1e-4, 1e-2)), **common),
        ]
    return cases
