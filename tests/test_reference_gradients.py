"""Every analytic gradient of ``autograder.reference`` agrees with centred finite differences.

Finite differences come from ``lossopt.gradcheck`` (the same check chapter 10 teaches), applied to
the reference's own loss, so a gradient that does not belong to its loss fails here.
"""
import numpy as np
import pytest

import reference_cases as cases
from autograder import reference as ref
from lossopt import gradcheck

SEEDS = [0, 1, 2]


@pytest.mark.parametrize("seed", SEEDS)
def test_mse_grad_matches_finite_differences(seed):
    """Check that mse_grad is the derivative of mse_loss with respect to y_pred."""
    y_pred, y_true = cases.regression_pair(np.random.default_rng(seed))
    cases.assert_gradient_matches(lambda p: ref.mse_loss(p, y_true), lambda p: ref.mse_grad(p, y_true), y_pred)


@pytest.mark.parametrize("seed", SEEDS)
def test_mae_grad_matches_finite_differences_away_from_kinks(seed):
    """Check that mae_grad is the derivative of mae_loss wherever no residual is 0."""
    y_pred, y_true = cases.regression_pair(np.random.default_rng(seed), kinks=[0.0])
    cases.assert_gradient_matches(lambda p: ref.mae_loss(p, y_true), lambda p: ref.mae_grad(p, y_true), y_pred)


def test_mae_grad_is_zero_where_prediction_equals_target():
    """Check that the subgradient 0 is taken at a zero residual, and sign(r)/n elsewhere."""
    y_pred = np.array([1.0, 2.0, 3.0, 4.0])
    y_true = np.array([1.0, 1.0, 5.0, 4.0])
    np.testing.assert_array_equal(ref.mae_grad(y_pred, y_true), [0.0, 0.25, -0.25, 0.0])


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("seed", SEEDS)
def test_huber_grad_matches_finite_differences_in_both_regimes(seed, delta):
    """Check that huber_grad is the derivative of huber_loss with residuals on both sides of delta."""
    y_pred, y_true = cases.regression_pair(np.random.default_rng(seed), shape=(6, 4), kinks=[delta])
    r = np.abs(y_pred - y_true)
    assert (r < delta).any() and (r > delta).any(), "the case must exercise both the quadratic and linear pieces"
    cases.assert_gradient_matches(lambda p: ref.huber_loss(p, y_true, delta),
                                  lambda p: ref.huber_grad(p, y_true, delta), y_pred)


@pytest.mark.parametrize("seed", SEEDS)
def test_bce_grad_matches_finite_differences(seed):
    """Check that bce_grad is the derivative of bce_loss with respect to the logits."""
    z, y = cases.binary_case(np.random.default_rng(seed))
    cases.assert_gradient_matches(lambda a: ref.bce_loss(a, y), lambda a: ref.bce_grad(a, y), z)


@pytest.mark.parametrize("seed", SEEDS)
def test_mse_sigmoid_grad_matches_finite_differences(seed):
    """Check that mse_sigmoid_grad is the derivative of mse_sigmoid_loss with respect to the logits."""
    z, y = cases.binary_case(np.random.default_rng(seed), scale=2.0)
    cases.assert_gradient_matches(lambda a: ref.mse_sigmoid_loss(a, y), lambda a: ref.mse_sigmoid_grad(a, y), z)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1, 0.35, 1.0])
@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_grad_matches_finite_differences(seed, label_smoothing):
    """Check that cross_entropy_grad is the derivative of cross_entropy_loss, with and without smoothing."""
    z, labels = cases.multiclass_case(np.random.default_rng(seed))
    cases.assert_gradient_matches(lambda a: ref.cross_entropy_loss(a, labels, label_smoothing),
                                  lambda a: ref.cross_entropy_grad(a, labels, label_smoothing), z)


@pytest.mark.parametrize("seed", SEEDS)
def test_hinge_grad_matches_finite_differences_away_from_the_kink(seed):
    """Check that hinge_grad is the derivative of hinge_loss where no margin y*s equals 1."""
    s, y = cases.signed_case(np.random.default_rng(seed))
    margin = y * s
    assert (margin < 1).any() and (margin > 1).any(), "the case must hold active and inactive margins"
    cases.assert_gradient_matches(lambda a: ref.hinge_loss(a, y), lambda a: ref.hinge_grad(a, y), s)


def test_hinge_grad_is_zero_at_the_kink():
    """Check that the subgradient 0 is taken where y*s is exactly 1, and -y/N where it is below 1."""
    s = np.array([1.0, -1.0, 0.5, 3.0])
    y = np.array([1.0, -1.0, -1.0, 1.0])
    np.testing.assert_array_equal(ref.hinge_grad(s, y), [0.0, 0.0, 0.25, 0.0])


@pytest.mark.parametrize("smooth", [0.0, 1.0])
@pytest.mark.parametrize("seed", SEEDS)
def test_dice_grad_matches_finite_differences(seed, smooth):
    """Check that dice_grad is the derivative of dice_loss with respect to p."""
    p, t = cases.dice_case(np.random.default_rng(seed))
    cases.assert_gradient_matches(lambda a: ref.dice_loss(a, t, smooth), lambda a: ref.dice_grad(a, t, smooth), p)


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
