"""Inputs shared by the tests of ``autograder.reference``: random cases and the seeds' example.

Every generator takes a ``numpy.random.Generator`` so that a test chooses its own seed and a failure
is reproducible. Cases that a gradient check would trip over (a kink of MAE, Huber's hand-over point,
the hinge) are generated at a safe distance from it, since a centred difference straddling a kink
measures the average of two one-sided slopes, not the derivative.
"""
import numpy as np

from autograder.reference import PARAM_NAMES
from lossopt import gradcheck

# The seeds' 2-2-1 example (lesson text 003): x = [1, 0], y = 1.
SEED_X = np.array([1.0, 0.0])
SEED_Y = 1
SEED_PARAMS = {"w11": 0.2, "w21": 0.4, "b1": 0.1,
               "w12": 0.3, "w22": 0.1, "b2": 0.2,
               "w13": 0.7, "w23": 0.5, "b3": 0.3}

# Finite differences of smooth float64 functions agree to ~1e-9 relative; a wrong factor or sign
# gives an error of order 1e-1 or more, so 1e-6 separates right from wrong with room on both sides.
GRADCHECK_TOLERANCE = 1e-6

# Far from any kink: the centred-difference step h = 1e-5 never straddles one.
KINK_MARGIN = 0.05


def assert_gradient_matches(loss, grad, x, h=1e-5):
    """Assert that ``grad(x)`` agrees with the centred difference of the scalar ``loss`` at ``x``."""
    error, analytic, numeric = gradcheck.check_gradient(loss, grad, x, h)
    assert error < GRADCHECK_TOLERANCE, (
        f"relative error {error:.3g} between the analytic gradient and finite differences;\n"
        f"analytic:\n{analytic}\nnumeric:\n{numeric}")


def residuals_away_from(rng, shape, kinks, scale=3.0):
    """Random residuals whose absolute value keeps at least KINK_MARGIN from every value in ``kinks``."""
    r = rng.uniform(-scale, scale, size=shape)
    for kink in kinks:
        for _ in range(100):
            close = np.abs(np.abs(r) - kink) < KINK_MARGIN
            if not close.any():
                break
            r[close] = rng.uniform(-scale, scale, size=int(close.sum()))
    return r


def regression_pair(rng, shape=(4, 3), kinks=()):
    """``(y_pred, y_true)`` with residuals away from ``kinks``."""
    y_true = rng.normal(size=shape)
    return y_true + residuals_away_from(rng, shape, kinks), y_true


def line_case(rng, n=9):
    """``(theta, x, y)``: a line's parameters (w, b) and ``n`` noisy points of another line."""
    x = rng.uniform(-1.0, 1.0, size=n)
    y = rng.normal() * x + rng.normal() + 0.3 * rng.normal(size=n)
    return rng.normal(size=2) * 2, x, y


def binary_case(rng, n=7, scale=3.0):
    """Logits ``(n,)`` and labels in {0, 1}, both labels present."""
    z = rng.normal(scale=scale, size=n)
    y = rng.permutation(np.arange(n) % 2).astype(float)
    return z, y


def signed_case(rng, n=8):
    """Scores ``(n,)`` and labels in {-1, +1} with every margin ``y s`` away from the kink at 1.

    About half the margins lie below 1 (active, gradient -y/N) and half above (gradient 0).
    """
    y = rng.permutation(np.where(np.arange(n) % 2 == 0, 1.0, -1.0))
    margin = 1.0 + residuals_away_from(rng, n, [0.0], scale=2.0)
    return y * margin, y


def multilabel_case(rng, n=6, k=3, scale=3.0):
    """Logits ``(n, k)`` and labels in {0, 1} for k independent labels; some rows hold several 1s."""
    z = rng.normal(scale=scale, size=(n, k))
    y = (rng.uniform(size=(n, k)) < 0.4).astype(float)
    y[0], y[1] = 1.0, 0.0  # one example with every label, one with none
    return z, y


def multiclass_case(rng, n=5, k=4, scale=2.0):
    """Logits ``(n, k)`` and integer labels ``(n,)`` in [0, k)."""
    return rng.normal(scale=scale, size=(n, k)), rng.integers(0, k, size=n)


def distributions(rng, n=4, k=5, zeros=False):
    """Rows of an ``(n, k)`` array that are probability distributions; with ``zeros``, some entries are 0."""
    p = rng.uniform(0.05, 1.0, size=(n, k))
    if zeros:
        p[rng.uniform(size=(n, k)) < 0.3] = 0.0
        p[:, 0] += 0.1  # every row keeps some mass
    return p / p.sum(axis=1, keepdims=True)


def dice_case(rng, shape=(4, 4)):
    """Predicted probabilities in (0, 1) and a binary mask with both classes present."""
    p = rng.uniform(0.01, 0.99, size=shape)
    t = (rng.uniform(size=shape) < 0.5).astype(float)
    t.flat[0], t.flat[1] = 1.0, 0.0
    return p, t


def random_params(rng, scale=1.0):
    """A params dict of the 2-2-1 network with nine random floats."""
    return {k: float(v) for k, v in zip(PARAM_NAMES, rng.normal(scale=scale, size=len(PARAM_NAMES)))}


def params_to_vector(params):
    return np.array([params[k] for k in PARAM_NAMES])


def vector_to_params(vector):
    return {k: float(v) for k, v in zip(PARAM_NAMES, vector)}


def gradient_sequence(rng, steps=100, shape=(3, 4)):
    """The gradients fed to an optimizer, one array per step, with scales from 1e-3 to 1e1.

    Mixed scales exercise the adaptive methods' per-coordinate normalisation.
    """
    scales = 10.0 ** rng.uniform(-3, 1, size=shape)
    return [rng.normal(size=shape) * scales for _ in range(steps)]
