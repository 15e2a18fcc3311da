"""Checks of assignment ``backprop_221`` (chapter 10): forward and backward pass of the seeds'
2-2-1 network, centred finite differences, and the gradient-descent update.

Visible cells use the seeds' example (x = [1, 0], y = 1, ``EXAMPLE_PARAMS``) and, because x2 = 0
there cannot tell w21 from w12, a second input with x2 != 0 and y = 0; hidden cells draw networks, inputs with x2 != 0 and both
labels at random, and give ``numerical_gradient`` functions with curvature (the network's own loss
and a cubic), written by the grader as ``KernelCode``, with random steps ``h``, so that one-sided
differences are off by far more than the tolerance.
"""
import numpy as np

from autograder.reference import PARAM_NAMES

from . import Call, Case, Check, KernelCode, cases_from, function_of

FUNCTIONS = ("forward_221", "backward_221", "numerical_gradient", "sgd_update")

EXAMPLE_X = np.array([1.0, 0.0])
EXAMPLE_Y = 1
EXAMPLE_PARAMS = {"w11": 0.2, "w21": 0.4, "b1": 0.1, "w12": 0.3, "w22": 0.1, "b2": 0.2,
                  "w13": 0.7, "w23": 0.5, "b3": 0.3}
# A second input, with x2 != 0 and the label 0, so that the visible cells also tell w21 from w12.
OTHER_X = np.array([0.5, -1.0])
OTHER_Y = 0
EXAMPLE_GRADS = {"w11": -0.05, "w21": 0.0, "b1": -0.05, "w12": -0.03, "w22": 0.0, "b2": -0.03,
                 "w13": -0.15, "w23": -0.17, "b3": -0.27}
# A function of the parameters whose centred differences are easy to do by hand.
SIMPLE_F = KernelCode("lambda p: p['w11'] ** 2 + 3.0 * p['w21'] * p['b3'] - 2.0 * p['b1']")

VISIBLE = {
    "forward_221_example": [((EXAMPLE_X, EXAMPLE_PARAMS), {}), ((OTHER_X, EXAMPLE_PARAMS), {})],
    "backward_221_example": [((EXAMPLE_X, EXAMPLE_Y, EXAMPLE_PARAMS), {}),
                             ((OTHER_X, OTHER_Y, EXAMPLE_PARAMS), {})],
    "numerical_gradient_example": [((SIMPLE_F, EXAMPLE_PARAMS), {"h": 1e-4})],
    "sgd_update_example": [((EXAMPLE_PARAMS, EXAMPLE_GRADS, 0.5), {})],
}


def random_params(rng, scale=1.5):
    return {name: float(rng.normal(0.0, scale)) for name in PARAM_NAMES}


def random_input(rng):
    """An input with both coordinates non-zero (x2 != 0 tells w21 from w12)."""
    x = rng.normal(0.0, 2.0, size=2)
    x[np.abs(x) < 0.1] = 0.5
    return x


def network_loss(x, y):
    """The 2-2-1 network's BCE loss at input ``x``, label ``y``, as a grader-written lambda."""
    x1, x2, y = float(x[0]), float(x[1]), float(y)
    hidden = ("p['w{0}3'] / (1.0 + np.exp(-(p['w1{0}'] * {x1!r} + p['w2{0}'] * {x2!r} + p['b{0}'])))")
    z3 = " + ".join([hidden.format(1, x1=x1, x2=x2), hidden.format(2, x1=x1, x2=x2), "p['b3']"])
    return KernelCode(f"lambda p: (lambda z3: max(z3, 0.0) - {y!r} * z3 + float(np.log1p(np.exp(-abs(z3)))))"
                      f"(float({z3}))")


def cubic(rng):
    """A random cubic in all nine parameters, with cross terms."""
    c = rng.normal(0.0, 1.0, size=(3, len(PARAM_NAMES)))
    terms = [f"{c[0, i]!r} * p['{n}'] ** 3 + {c[1, i]!r} * p['{n}'] ** 2 "
             f"+ {c[2, i]!r} * p['{n}'] * p['{PARAM_NAMES[(i + 1) % len(PARAM_NAMES)]}']"
             for i, n in enumerate(PARAM_NAMES)]
    return KernelCode("lambda p: " + " + ".join(terms))


def _forward_cases(rng):
    cases = []
    for _ in range(4):
        x, params = random_input(rng), random_params(rng)
        cases.append(Case(f"forward_221 at x = {np.round(x, 3).tolist()} on a random network",
                          [Call("forward_221", (x, params))]))
    x = random_input(rng)
    cases.append(Case(f"forward_221 at x = {np.round(x, 3).tolist()} on a network with weights up to +-6",
                      [Call("forward_221", (x, random_params(rng, scale=3.0)))]))
    return cases


def _backward_cases(rng):
    cases = []
    for y in (0, 1, 0, 1):
        x, params = random_input(rng), random_params(rng)
        cases.append(Case(f"backward_221 at x = {np.round(x, 3).tolist()}, y = {y}, on a random network",
                          [Call("backward_221", (x, y, params))]))
    return cases


def _numerical_gradient_cases(rng):
    cases = []
    for y in (0, 1):
        x, params, h = random_input(rng), random_params(rng), float(10 ** rng.uniform(-4, -2.5))
        cases.append(Case(f"numerical_gradient of the network's BCE loss (x = {np.round(x, 3).tolist()}, "
                          f"y = {y}) with h = {h:.2e}",
                          [Call("numerical_gradient", (network_loss(x, y), random_params(rng)), {"h": h})]))
    h = float(10 ** rng.uniform(-4, -2.5))
    cases.append(Case(f"numerical_gradient of a random cubic in the nine parameters with h = {h:.2e}",
                      [Call("numerical_gradient", (cubic(rng), random_params(rng)), {"h": h})]))
    cases.append(Case("numerical_gradient of a random cubic with the default h",
                      [Call("numerical_gradient", (cubic(rng), random_params(rng)))]))
    return cases


def _sgd_update_cases(rng):
    lr = float(10 ** rng.uniform(-3, 0))
    return [Case(f"sgd_update of random parameters and gradients with lr = {lr:.3g}",
                 [Call("sgd_update", (random_params(rng), random_params(rng, 0.5), lr))]),
            Case("sgd_update with lr = 0 (nothing may change)",
                 [Call("sgd_update", (random_params(rng), random_params(rng, 0.5), 0.0))])]


CHECKS = {grade_id: Check(cases_from(function_of(grade_id, FUNCTIONS), calls))
          for grade_id, calls in VISIBLE.items()}
CHECKS.update({
    "forward_221_random": Check(_forward_cases),
    "backward_221_random": Check(_backward_cases),
    # Centred differences of the same f and h agree with the reference to rounding error
    # (~1e-16 |f| / h); a one-sided difference is off by about h f''/2, orders of magnitude more.
    "numerical_gradient_random": Check(_numerical_gradient_cases, rtol=1e-6, atol=1e-8),
    "sgd_update_random": Check(_sgd_update_cases),
})
CHECKS["numerical_gradient_example"] = Check(CHECKS["numerical_gradient_example"].cases,
                                             rtol=1e-6, atol=1e-8)
