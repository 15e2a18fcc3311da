"""Checks of assignment ``losses`` (chapters 2 and 3): regression losses, hinge, KL, Dice, smoothed CE.

Hidden cells draw arrays of random shapes with exact ties (``y_pred == y_true``, margins exactly
at 1) where a subgradient convention decides, random ``delta`` / ``smooth`` / ``label_smoothing``,
zeros in distributions and logits out to +-1000; every input is checked for mutation. Alongside
the random cases, each hidden cell builds in (``with_discriminating``) the inputs where each
anticipated mistake shows, so that no draw lets one through: residuals of both signs on both
sides of ``delta`` and of 1, hinge margins above and below 1 for both labels, a target mask that
overlaps the prediction, and rows whose own class stands apart from the others.
"""
import numpy as np

from . import Call, Case, Check, visible_checks, with_discriminating
from . import casegen as gen

Y_PRED = np.array([[1.5, -0.5, 2.0], [0.0, 3.0, -1.0]])
Y_TRUE = np.array([[1.0, 0.5, 2.0], [0.5, 0.0, -4.0]])
SCORES = np.array([2.0, 0.3, -0.5, 1.0, -2.0])
SIGNS = np.array([1.0, 1.0, -1.0, 1.0, 1.0])
P_ROWS = np.array([[0.5, 0.5, 0.0], [0.1, 0.2, 0.7]])
Q_ROWS = np.array([[0.25, 0.25, 0.5], [0.3, 0.3, 0.4]])
P_ONE = np.array([0.2, 0.8])
Q_ONE = np.array([0.5, 0.5])
MASK_PRED = np.array([[0.9, 0.1], [0.8, 0.3]])
MASK_TRUE = np.array([[1.0, 0.0], [1.0, 1.0]])
LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
LABELS = np.array([0, 2])
LOGITS_EXTREME = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 999.0, 1000.0]])
LABELS_EXTREME = np.array([2, 1])

# The functions students write, as the solution cells define them.
FUNCTIONS = ("mse_loss", "mse_grad", "mae_loss", "mae_grad", "huber_loss", "huber_grad", "hinge_loss",
             "hinge_grad", "kl_divergence", "dice_loss", "cross_entropy_loss")

# (args, kwargs) of every call a visible cell makes, keyed by grade id.
VISIBLE = {
    "mse_loss_values": [((Y_PRED, Y_TRUE), {})],
    "mse_grad_values": [((Y_PRED, Y_TRUE), {})],
    "mae_loss_values": [((Y_PRED, Y_TRUE), {})],
    "mae_grad_values": [((Y_PRED, Y_TRUE), {})],
    "huber_loss_values": [((Y_PRED, Y_TRUE), {}), ((Y_PRED, Y_TRUE), {"delta": 2.0})],
    "huber_grad_values": [((Y_PRED, Y_TRUE), {}), ((Y_PRED, Y_TRUE), {"delta": 2.0})],
    "hinge_loss_values": [((SCORES, SIGNS), {})],
    "hinge_grad_values": [((SCORES, SIGNS), {})],
    "kl_divergence_values": [((P_ROWS, Q_ROWS), {}), ((P_ONE, Q_ONE), {}),
                             ((P_ONE, np.array([1.0, 0.0])), {})],
    "dice_loss_values": [((MASK_PRED, MASK_TRUE), {}), ((MASK_PRED, MASK_TRUE), {"smooth": 0.0})],
    "cross_entropy_loss_values": [((LOGITS, LABELS), {})],
    "cross_entropy_loss_smoothing": [((LOGITS, LABELS), {"label_smoothing": 0.1}),
                                     ((LOGITS, LABELS), {"label_smoothing": 1.0})],
    "cross_entropy_loss_stable": [((LOGITS_EXTREME, LABELS_EXTREME), {})],
}


def _pair_with_ties(rng, shape):
    y_true = gen.reals(rng, shape)
    y_pred = y_true + gen.reals(rng, shape, scale=2.0)
    ties = rng.random(shape) < 0.2
    ties.flat[0] = True
    y_pred[ties] = y_true[ties]
    return y_pred, y_true


def _regression_cases(function, with_delta=False):
    def cases(rng):
        shape = gen.shape(rng)
        kwargs = {"delta": float(rng.uniform(0.2, 3.0))} if with_delta else {}
        one_pred, one_true = gen.reals(rng, (1,)), gen.reals(rng, (1,))
        long = gen.size(rng, 50, 200)
        return [Case(f"{function} on arrays of shape {shape}, some predictions exactly on target"
                     + (f", delta={kwargs['delta']:.3g}" if with_delta else ""),
                     [Call(function, _pair_with_ties(rng, shape), kwargs)]),
                Case(f"{function} on a single prediction", [Call(function, (one_pred, one_true))]),
                Case(f"{function} on a long vector with large residuals",
                     [Call(function, (gen.reals(rng, (long,), scale=50.0), gen.reals(rng, (long,))), kwargs)])]
    return cases


def _regression_discriminating(function, with_delta=False):
    """Residuals 0 (a tie), +-small and +-large: small ones inside the quadratic piece of the Huber
    loss, large ones beyond both ``delta`` and 1, with ``delta`` well away from 1 (its default)."""
    def cases(rng):
        delta = float(rng.choice([rng.uniform(0.3, 0.7), rng.uniform(1.5, 3.0)])) if with_delta else 1.0
        small = rng.uniform(0.3, 0.9, size=2) * min(delta, 1.0)
        large = rng.uniform(1.5, 4.0, size=2) * max(delta, 1.0)
        residuals = rng.permutation(np.array([0.0, small[0], -small[1], large[0], -large[1]]))
        y_true = gen.reals(rng, residuals.shape)
        y_pred = y_true + residuals
        kwargs = {"delta": delta} if with_delta else {}
        return [Case(f"{function} on five residuals: one 0, two small and two large, of both signs"
                     + (f", delta={delta:.3g}" if with_delta else ""),
                     [Call(function, (y_pred, y_true), kwargs)])]
    return cases


def _hinge_cases(function):
    def cases(rng):
        n = gen.size(rng, 2, 64)
        y = gen.signed_labels(rng, (n,))
        s = gen.reals(rng, (n,), scale=2.0)
        on_margin = rng.random(n) < 0.2
        on_margin[0] = True
        s[on_margin] = y[on_margin]  # y * s == 1 exactly: the kink
        return [Case(f"{function} on {n} scores, some exactly on the margin y*s = 1",
                     [Call(function, (s, y))]),
                Case(f"{function} on one score", [Call(function, (gen.reals(rng, (1,)), gen.signed_labels(rng, (1,))))])]
    return cases


def _hinge_discriminating(function):
    """For each label, one score exactly on the margin, one beyond it (y*s > 1, where the max
    matters), one inside it (0 < y*s < 1) and one on the wrong side (y*s < 0)."""
    def cases(rng):
        margins = np.concatenate([[1.0], rng.uniform(1.5, 4.0, 1), rng.uniform(0.2, 0.8, 1),
                                  rng.uniform(-3.0, -0.5, 1)] * 2)
        y = np.repeat([1.0, -1.0], 4)
        order = rng.permutation(8)
        return [Case(f"{function} on 8 scores with both labels: y*s above 1, exactly 1, between 0 "
                     "and 1, and below 0", [Call(function, ((y * margins)[order], y[order]))])]
    return cases


def _kl_cases(rng):
    n, k = gen.size(rng, 1, 16), gen.size(rng, 2, 8)
    p = gen.distributions(rng, n, k)
    p_no_support = gen.distributions(rng, 1, 3, zeros=False)
    q_no_support = np.array([[0.5, 0.5, 0.0]])
    return [Case(f"kl_divergence on {n} rows of {k} probabilities, some entries of p exactly 0",
                 [Call("kl_divergence", (p, gen.distributions(rng, n, k, zeros=False)))]),
            Case("kl_divergence of two 1-D distributions",
                 [Call("kl_divergence", (gen.distributions(rng, 1, k)[0], gen.distributions(rng, 1, k, zeros=False)[0]))]),
            Case("kl_divergence where q is 0 somewhere p is not (the answer is inf)",
                 [Call("kl_divergence", (p_no_support, q_no_support))])]


def _dice_cases(rng):
    shape = gen.shape(rng, max_ndim=3, max_side=8)
    smooth = float(rng.uniform(0.0, 2.0))
    return [Case(f"dice_loss on masks of shape {shape}, smooth={smooth:.3g}",
                 [Call("dice_loss", (rng.random(shape), gen.binary_labels(rng, shape)), {"smooth": smooth})]),
            Case(f"dice_loss on masks of shape {shape} with the default smooth",
                 [Call("dice_loss", (rng.random(shape), gen.binary_labels(rng, shape)))]),
            Case("dice_loss on an empty target mask",
                 [Call("dice_loss", (0.1 * rng.random(shape), np.zeros(shape)))])]


def _dice_discriminating(rng):
    """A target mask of both 0s and 1s with the prediction high where the target is 1, so the
    overlap sum(p * t) is far from 0."""
    t = gen.binary_labels(rng, (3, 4))
    t.flat[rng.permutation(12)[:2]] = [0.0, 1.0]
    p = np.where(t == 1.0, rng.uniform(0.5, 1.0, t.shape), rng.uniform(0.0, 0.5, t.shape))
    return [Case("dice_loss on a 3 x 4 mask whose prediction overlaps the target",
                 [Call("dice_loss", (p, t))])]


def _cross_entropy_cases(rng):
    n, k = gen.size(rng, 2, 32), gen.size(rng, 2, 10)
    eps = float(rng.uniform(0.01, 0.3))
    return [Case(f"cross_entropy_loss on {n} rows x {k} classes, label_smoothing={eps:.3g}, "
                 "some logits near +-1000",
                 [Call("cross_entropy_loss", (gen.logits(rng, (n, k)), gen.class_labels(rng, n, k)),
                       {"label_smoothing": eps})]),
            Case(f"cross_entropy_loss on {n} rows x {k} classes with the default label_smoothing",
                 [Call("cross_entropy_loss", (gen.reals(rng, (n, k)), gen.class_labels(rng, n, k)))])]


def _cross_entropy_discriminating(rng):
    """Rows whose own class beats the others by 2 to 5, labels of several classes, and
    label_smoothing well above 0: the smoothed target's mass on the other classes matters."""
    n, k = gen.size(rng, 2, 8), gen.size(rng, 2, 6)
    labels = gen.mixed_class_labels(rng, n, k)
    eps = float(rng.uniform(0.05, 0.3))
    return [Case(f"cross_entropy_loss on {n} rows x {k} classes in which each row's own class "
                 f"scores highest, label_smoothing={eps:.3g}",
                 [Call("cross_entropy_loss", (gen.logits_favouring(rng, labels, k), labels),
                       {"label_smoothing": eps})])]


def _regression_check(function, with_delta=False):
    return Check(with_discriminating(_regression_cases(function, with_delta),
                                     _regression_discriminating(function, with_delta)))


def _hinge_check(function):
    return Check(with_discriminating(_hinge_cases(function), _hinge_discriminating(function)))


CHECKS = visible_checks(VISIBLE, FUNCTIONS)
CHECKS.update({
    "mse_loss_hidden": _regression_check("mse_loss"),
    "mse_grad_hidden": _regression_check("mse_grad"),
    "mae_loss_hidden": _regression_check("mae_loss"),
    "mae_grad_hidden": _regression_check("mae_grad"),
    "huber_loss_hidden": _regression_check("huber_loss", with_delta=True),
    "huber_grad_hidden": _regression_check("huber_grad", with_delta=True),
    "hinge_loss_hidden": _hinge_check("hinge_loss"),
    "hinge_grad_hidden": _hinge_check("hinge_grad"),
    # a zero of p (nan-at-0) and a zero of p where q > 0 (reversed: inf) are on every draw already
    "kl_divergence_hidden": Check(_kl_cases),
    "dice_loss_hidden": Check(with_discriminating(_dice_cases, _dice_discriminating)),
    "cross_entropy_loss_hidden": Check(with_discriminating(_cross_entropy_cases,
                                                           _cross_entropy_discriminating)),
})
