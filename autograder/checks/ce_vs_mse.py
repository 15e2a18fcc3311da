"""Checks of assignment ``ce_vs_mse`` (chapters 3 and 4): sigmoid, BCE vs MSE-on-sigmoid, softmax CE.

Visible cells show the ``VISIBLE`` inputs; hidden cells draw random batches with logits out to
+-1000, confidently wrong predictions and 2-D shapes, and every input is checked for mutation.
Alongside the random cases, the binary and softmax cross-entropy cells build in
(``with_discriminating``) the inputs where each anticipated mistake shows on every draw:
moderate logits of both labels (no derivative vanishes, so a missing factor or chain rule shows)
and rows of several classes whose own class stands apart (indexing the wrong slot shows).
"""
import numpy as np

from . import Call, Case, Check, visible_checks, with_discriminating
from . import casegen as gen

Z4 = np.array([-2.0, 0.0, 0.5, 3.0])
Y4 = np.array([0.0, 1.0, 1.0, 0.0])
Z_EXTREME = np.array([-1000.0, -40.0, 40.0, 1000.0])
Y_EXTREME = np.array([1.0, 0.0, 1.0, 0.0])
LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
LABELS = np.array([0, 2])
LOGITS_EXTREME = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 999.0, 1000.0]])
LABELS_EXTREME = np.array([2, 1])

# The functions students write, as the solution cells define them.
FUNCTIONS = ("sigmoid", "bce_loss", "bce_grad", "mse_sigmoid_loss", "mse_sigmoid_grad", "softmax",
             "cross_entropy_loss", "cross_entropy_grad")

# (args, kwargs) of every call a visible cell makes, keyed by grade id.
VISIBLE = {
    "sigmoid_values": [((Z4,), {}), ((Z_EXTREME,), {})],
    "bce_loss_values": [((Z4, Y4), {})],
    "bce_loss_stable": [((Z_EXTREME, Y_EXTREME), {})],
    "bce_grad_values": [((Z4, Y4), {}), ((Z_EXTREME, Y_EXTREME), {})],
    "mse_sigmoid_loss_values": [((Z4, Y4), {}), ((Z_EXTREME, Y_EXTREME), {})],
    "mse_sigmoid_grad_values": [((Z4, Y4), {}), ((Z_EXTREME, Y_EXTREME), {})],
    "softmax_values": [((LOGITS,), {}), ((LOGITS[0],), {})],
    "softmax_stable": [((LOGITS_EXTREME,), {})],
    "cross_entropy_loss_values": [((LOGITS, LABELS), {})],
    "cross_entropy_loss_stable": [((LOGITS_EXTREME, LABELS_EXTREME), {})],
    "cross_entropy_grad_values": [((LOGITS, LABELS), {}), ((LOGITS_EXTREME, LABELS_EXTREME), {})],
}


def _binary_cases(function):
    """Random batches of logits/labels: with extremes, confidently wrong, moderate, and N = 1."""
    def cases(rng):
        n, m = gen.size(rng, 4, 64), gen.size(rng, 2, 32)
        z_wrong, y_wrong = gen.confidently_wrong(rng, gen.size(rng, 2, 16))
        z_one = gen.logits(rng, (1,))
        return [
            Case(f"{function} on a random batch of {n} logits (some near +-1000)",
                 [Call(function, (gen.logits(rng, (n,)), gen.binary_labels(rng, (n,))))]),
            Case(f"{function} on {z_wrong.size} confidently wrong predictions",
                 [Call(function, (z_wrong, y_wrong))]),
            Case(f"{function} on a batch of {m} moderate logits",
                 [Call(function, (gen.reals(rng, (m,)), gen.binary_labels(rng, (m,))))]),
            Case(f"{function} on a batch of one logit", [Call(function, (z_one, gen.binary_labels(rng, (1,))))]),
        ]
    return cases


def _binary_discriminating(function):
    """Logits in (-2, 2) of both labels: sigmoid, its derivative and every residual are far from
    0 and 1, so a factor, a sign, a mean or a chain rule left out changes every entry."""
    def cases(rng):
        n = gen.size(rng, 2, 8)
        y = gen.binary_labels(rng, (n,))
        y[:2] = [0.0, 1.0]
        order = rng.permutation(n)
        return [Case(f"{function} on {n} logits between -2 and 2 with both labels",
                     [Call(function, (rng.uniform(-2.0, 2.0, n), y[order]))])]
    return cases


def _sigmoid_cases(rng):
    shape = gen.shape(rng)
    return [Case(f"sigmoid of an array of shape {shape} (logits out to +-1000)",
                 [Call("sigmoid", (gen.logits(rng, shape),))]),
            Case("sigmoid of a long vector of moderate logits",
                 [Call("sigmoid", (gen.reals(rng, (gen.size(rng, 50, 200),), scale=10.0),))])]


def _softmax_cases(rng):
    n, k = gen.size(rng, 1, 32), gen.size(rng, 2, 10)
    return [Case(f"softmax of {n} rows x {k} classes of logits (some near +-1000)",
                 [Call("softmax", (gen.logits(rng, (n, k)),))]),
            Case("softmax of a single row of logits", [Call("softmax", (gen.logits(rng, (1, 5)),))]),
            Case("softmax of a 1-D vector of logits (one row, shape (K,))",
                 [Call("softmax", (gen.logits(rng, (gen.size(rng, 2, 8),)),))])]


def _cross_entropy_cases(function):
    def cases(rng):
        n, k = gen.size(rng, 2, 32), gen.size(rng, 2, 10)
        return [Case(f"{function} on {n} rows x {k} classes (some logits near +-1000)",
                     [Call(function, (gen.logits(rng, (n, k)), gen.class_labels(rng, n, k)))]),
                Case(f"{function} on one row of {k} classes",
                     [Call(function, (gen.logits(rng, (1, k)), gen.class_labels(rng, 1, k)))]),
                Case(f"{function} on {n} rows x 2 classes with moderate logits",
                     [Call(function, (gen.reals(rng, (n, 2)), gen.class_labels(rng, n, 2)))])]
    return cases


def _cross_entropy_discriminating(function):
    """Rows of several classes whose own class beats the others: taking another row's label, a
    sign or the mean wrongly changes the result on every draw."""
    def cases(rng):
        n, k = gen.size(rng, 2, 8), gen.size(rng, 2, 6)
        labels = gen.mixed_class_labels(rng, n, k)
        return [Case(f"{function} on {n} rows x {k} classes of moderate logits, labels of several "
                     "classes, each row's own class scoring highest",
                     [Call(function, (gen.logits_favouring(rng, labels, k), labels))])]
    return cases


def _binary_check(function):
    return Check(with_discriminating(_binary_cases(function), _binary_discriminating(function)))


def _cross_entropy_check(function):
    return Check(with_discriminating(_cross_entropy_cases(function),
                                     _cross_entropy_discriminating(function)))


CHECKS = visible_checks(VISIBLE, FUNCTIONS)
CHECKS.update({
    "sigmoid_hidden": Check(_sigmoid_cases),
    "bce_loss_hidden": _binary_check("bce_loss"),
    "bce_grad_hidden": _binary_check("bce_grad"),
    "mse_sigmoid_loss_hidden": _binary_check("mse_sigmoid_loss"),
    "mse_sigmoid_grad_hidden": _binary_check("mse_sigmoid_grad"),
    "softmax_hidden": Check(_softmax_cases),
    "cross_entropy_loss_hidden": _cross_entropy_check("cross_entropy_loss"),
    "cross_entropy_grad_hidden": _cross_entropy_check("cross_entropy_grad"),
})
