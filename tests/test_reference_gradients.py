"""Every analytic gradient of ``autograder.reference`` agrees with centred finite differences.

Finite differences come from ``lossopt.gradcheck`` (the same check chapter 10 teaches), applied to
the reference's own loss, so a gradient that does not belong to its loss fails here.
"""
from functools import partial

import numpy as np
import pytest

import reference_cases as cases
from autograder import reference as ref
from lossopt import gradcheck

SEEDS = [0, 1, 2]


def _case(make, *extra, check=None):
    """``rng -> (point, other arguments)``: the point is the first array ``make(rng)`` returns."""
    def build(rng):
        x, *others = make(rng)
        if check is not None:
            check(x, *others)
        return x, (*others, *extra)
    return build


def _both_huber_pieces(delta):
    def check(y_pred, y_true):
        r = np.abs(y_pred - y_true)
        assert (r < delta).any() and (r > delta).any(), "the case must exercise both Huber pieces"
    return check


def _active_and_inactive_margins(s, y):
    assert (y * s < 1).any() and (y * s > 1).any(), "the case must hold active and inactive margins"


# name: (loss, its gradient, rng -> (point, the loss's other arguments)). Non-smooth losses are
# sampled away from their kinks; their subgradient at the kink is tested separately below.
GRADIENT_CASES = {
    "line_mse": (ref.line_mse_loss, ref.line_mse_grad, _case(cases.line_case)),
    "mse": (ref.mse_loss, ref.mse_grad, _case(cases.regression_pair)),
    "mae away from kinks": (ref.mae_loss, ref.mae_grad, _case(partial(cases.regression_pair, kinks=[0.0]))),
    **{f"huber delta={d}": (ref.huber_loss, ref.huber_grad,
                            _case(partial(cases.regression_pair, shape=(6, 4), kinks=[d]), d,
                                  check=_both_huber_pieces(d)))
       for d in (0.5, 1.0, 2.0)},
    "bce": (ref.bce_loss, ref.bce_grad, _case(cases.binary_case)),
    "mse_sigmoid": (ref.mse_sigmoid_loss, ref.mse_sigmoid_grad, _case(partial(cases.binary_case, scale=2.0))),
    **{f"cross_entropy eps={e}": (ref.cross_entropy_loss, ref.cross_entropy_grad, _case(cases.multiclass_case, e))
       for e in (0.0, 0.1, 0.35, 1.0)},
    "hinge away from the kink": (ref.hinge_loss, ref.hinge_grad,
                                 _case(cases.signed_case, check=_active_and_inactive_margins)),
    **{f"dice smooth={s}": (ref.dice_loss, ref.dice_grad, _case(cases.dice_case, s)) for s in (0.0, 1.0)},
    **{f"iou smooth={s}": (ref.iou_loss, ref.iou_grad, _case(cases.dice_case, s)) for s in (0.0, 1.0)},
    "bce multi-label": (ref.bce_loss, ref.bce_grad, _case(cases.multilabel_case)),
    "weighted_bce pos_weight=3": (ref.weighted_bce_loss, ref.weighted_bce_grad, _case(cases.multilabel_case, 3.0)),
    "weighted_bce per-label pos_weight and weight": (
        ref.weighted_bce_loss, ref.weighted_bce_grad,
        _case(lambda rng: (*cases.multilabel_case(rng), np.array([0.5, 2.0, 7.0]),
                           rng.uniform(0.1, 2.0, size=(6, 3))))),
    "weighted_cross_entropy": (ref.weighted_cross_entropy_loss, ref.weighted_cross_entropy_grad,
                               _case(cases.multiclass_case, np.array([0.3, 1.0, 2.5, 0.8]))),
    **{f"focal gamma={g} alpha={a}": (ref.focal_loss, ref.focal_grad, _case(cases.binary_case, g, a))
       for g, a in ((0.0, None), (0.5, 0.75), (2.0, None), (2.0, 0.25))},
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(GRADIENT_CASES))
def test_gradient_matches_finite_differences(name, seed):
    """Check that each reference gradient is the derivative of its loss at random points."""
    loss, grad, make_case = GRADIENT_CASES[name]
    x, rest = make_case(np.random.default_rng(seed))
    cases.assert_gradient_matches(lambda a: loss(a, *rest), lambda a: grad(a, *rest), x)


def test_mae_grad_is_zero_where_prediction_equals_target():
    """Check that the subgradient 0 is taken at a zero residual, and sign(r)/n elsewhere."""
    y_pred = np.array([1.0, 2.0, 3.0, 4.0])
    y_true = np.array([1.0, 1.0, 5.0, 4.0])
    np.testing.assert_array_equal(ref.mae_grad(y_pred, y_true), [0.0, 0.25, -0.25, 0.0])


def test_hinge_grad_is_zero_at_the_kink():
    """Check that the subgradient 0 is taken where y*s is exactly 1, and -y/N where it is below 1."""
    s = np.array([1.0, -1.0, 0.5, 3.0])
    y = np.array([1.0, -1.0, -1.0, 1.0])
    np.testing.assert_array_equal(ref.hinge_grad(s, y), [0.0, 0.0, 0.25, 0.0])


def test_huber_grad_is_continuous_at_delta():
    """Check that at |r| = delta both Huber pieces give the gradient +-delta/n."""
    np.testing.assert_array_equal(ref.huber_grad([2.0, -2.0], [0.0, 0.0], delta=2.0), [1.0, -1.0])


def _param_cases():
    rng = np.random.default_rng(7)
    yield "seed example", cases.SEED_X, cases.SEED_Y, cases.SEED_PARAMS
    for i in range(4):
        yield f"random {i}", rng.normal(size=2), int(rng.integers(0, 2)), cases.random_params(rng)


PARAM_CASES = list(_param_cases())


@pytest.mark.parametrize("name, x, y, params", PARAM_CASES, ids=[c[0] for c in PARAM_CASES])
def test_backward_221_matches_numerical_gradient(name, x, y, params):
    """Check that backprop on the 2-2-1 network agrees with the reference's numerical_gradient."""
    analytic = ref.backward_221(x, y, params)
    numeric = ref.numerical_gradient(lambda p: ref.loss_221(x, y, p), params)
    assert set(analytic) == set(numeric) == set(ref.PARAM_NAMES)
    a = cases.params_to_vector(analytic)
    n = cases.params_to_vector(numeric)
    assert gradcheck.relative_error(a, n) < cases.GRADCHECK_TOLERANCE, f"backprop {analytic}\nnumeric {numeric}"


@pytest.mark.parametrize("name, x, y, params", PARAM_CASES, ids=[c[0] for c in PARAM_CASES])
def test_backward_221_matches_independent_finite_differences(name, x, y, params):
    """Check backprop against lossopt.gradcheck on loss_221, so numerical_gradient is not trusted blindly."""
    cases.assert_gradient_matches(
        lambda v: ref.loss_221(x, y, cases.vector_to_params(v)),
        lambda v: cases.params_to_vector(ref.backward_221(x, y, cases.vector_to_params(v))),
        cases.params_to_vector(params))


def test_loss_221_is_the_bce_of_the_forward_output():
    """Check that loss_221 equals -log(y_hat) for y = 1 and -log(1 - y_hat) for y = 0."""
    y_hat = ref.forward_221(cases.SEED_X, cases.SEED_PARAMS)["y_hat"]
    assert ref.loss_221(cases.SEED_X, 1, cases.SEED_PARAMS) == pytest.approx(-np.log(y_hat), rel=1e-12)
    assert ref.loss_221(cases.SEED_X, 0, cases.SEED_PARAMS) == pytest.approx(-np.log1p(-y_hat), rel=1e-12)


def test_numerical_gradient_is_exact_on_a_quadratic():
    """Check that numerical_gradient of sum_k c_k p_k^2 is 2 c_k p_k (centred differences are exact there up to round-off)."""
    coefficients = {k: float(i + 1) for i, k in enumerate(ref.PARAM_NAMES)}
    f = lambda p: sum(coefficients[k] * p[k] ** 2 for k in ref.PARAM_NAMES)
    numeric = ref.numerical_gradient(f, cases.SEED_PARAMS)
    for k in ref.PARAM_NAMES:
        assert numeric[k] == pytest.approx(2 * coefficients[k] * cases.SEED_PARAMS[k], rel=1e-8), k


def test_sgd_update_steps_against_the_gradient():
    """Check that sgd_update returns p - lr * g for each of the nine parameters."""
    grads = ref.backward_221(cases.SEED_X, cases.SEED_Y, cases.SEED_PARAMS)
    updated = ref.sgd_update(cases.SEED_PARAMS, grads, 0.5)
    for k in ref.PARAM_NAMES:
        assert updated[k] == cases.SEED_PARAMS[k] - 0.5 * grads[k], k
    # One small step downhill lowers the loss: the gradient points the right way.
    small = ref.sgd_update(cases.SEED_PARAMS, grads, 1e-3)
    assert ref.loss_221(cases.SEED_X, cases.SEED_Y, small) < ref.loss_221(cases.SEED_X, cases.SEED_Y, cases.SEED_PARAMS)
