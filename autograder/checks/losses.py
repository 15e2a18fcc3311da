"""Checks of assignment ``losses`` (chapters 2 and 3): regression losses, hinge, KL, Dice, smoothed CE.

Hidden cells draw arrays of random shapes with exact ties (``y_pred == y_true``, margins exactly
at 1) where a subgradient convention decides, random ``delta`` / ``smooth`` / ``label_smoothing``,
zeros in distributions and logits out to +-1000; every input is checked for mutation.
"""
import numpy as np

from . import Call, Case, Check, visible_checks
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


def _cross_entropy_cases(rng):
    n, k = gen.size(rng, 2, 32), gen.size(rng, 2, 10)
    eps = float(rng.uniform(0.01, 0.3))
    return [Case(f"cross_entropy_loss on {n} rows x {k} classes, label_smoothing={eps:.3g}, "
                 "some logits near +-1000",
                 [Call("cross_entropy_loss", (gen.logits(rng, (n, k)), gen.class_labels(rng, n, k)),
                       {"label_smoothing": eps})]),
            Case(f"cross_entropy_loss on {n} rows x {k} classes with the default label_smoothing",
                 [Call("cross_entropy_loss", (gen.reals(rng, (n, k)), gen.class_labels(rng, n, k)))])]


CHECKS = visible_checks(VISIBLE)
CHECKS.update({
    "mse_loss_hidden": Check(_regression_cases("mse_loss")),
    "mse_grad_hidden": Check(_regression_cases("mse_grad")),
    "mae_loss_hidden": Check(_regression_cases("mae_loss")),
    "mae_grad_hidden": Check(_regression_cases("mae_grad")),
    "huber_loss_hidden": Check(_regression_cases("huber_loss", with_delta=True)),
    "huber_grad_hidden": Check(_regression_cases("huber_grad", with_delta=True)),
    "hinge_loss_hidden": Check(_hinge_cases("hinge_loss")),
    "hinge_grad_hidden": Check(_hinge_cases("hinge_grad")),
    "kl_divergence_hidden": Check(_kl_cases),
    "dice_loss_hidden": Check(_dice_cases),
    "cross_entropy_loss_hidden": Check(_cross_entropy_cases),
})
