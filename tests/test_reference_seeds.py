"""The seeds' worked numbers, recomputed from the reference rather than copied.

Each test computes the number with ``autograder.reference``, checks it against the closed form it
stands for, and only then compares the rounded value with what the lesson texts print. Where the
seeds are wrong (the 2-2-1 example's z3 = 1.086 and y_hat = 0.748) the test shows that the
reference differs from the printed value by more than rounding, and where the slip came from.
"""
import inspect
import math

import numpy as np
import pytest

import reference_cases as cases
from autograder import reference as ref


def logit(p):
    """The logit whose sigmoid is ``p``: lets a loss defined on logits be fed a probability."""
    return math.log(p / (1 - p))


def differs_beyond_rounding(value, printed, decimals):
    """True when ``printed`` cannot be ``value`` rounded to ``decimals`` places."""
    return abs(value - printed) > 0.5 * 10.0 ** -decimals


# --- losses ---------------------------------------------------------------------------------

def test_cross_entropy_of_the_three_class_example_is_minus_log_0_7():
    """Check CE of probabilities [0.2, 0.7, 0.1] with true class 1: -log(0.7) ~ 0.36, not the trap answers."""
    probs = np.array([[0.2, 0.7, 0.1]])
    loss = ref.cross_entropy_loss(np.log(probs), [1])  # log-probabilities are logits of these probabilities
    assert loss == pytest.approx(-math.log(0.7), rel=1e-12)
    assert round(loss, 2) == 0.36
    for trap in (-math.log(0.2), -math.log(0.1)):
        assert differs_beyond_rounding(loss, round(trap, 2), 2)


def test_confident_right_answer_costs_less_than_confident_wrong_one():
    """Check the cat/dog/bird example: 0.70 on the true class gives a low loss, 0.10 a high one."""
    low = ref.cross_entropy_loss(np.log([[0.70, 0.20, 0.10]]), [0])
    high = ref.cross_entropy_loss(np.log([[0.10, 0.60, 0.30]]), [0])
    assert low == pytest.approx(-math.log(0.7), rel=1e-12)
    assert high == pytest.approx(-math.log(0.1), rel=1e-12)
    assert high > 6 * low


def test_confident_mistake_costs_3_9_under_cross_entropy_and_0_96_under_mse():
    """Check y_hat = 0.02 for y = 1: BCE = -log(0.02) ~ 3.9, MSE = (1 - 0.02)^2 = 0.9604."""
    z = [logit(0.02)]
    bce = ref.bce_loss(z, [1])
    mse = ref.mse_sigmoid_loss(z, [1])
    assert bce == pytest.approx(-math.log(0.02), rel=1e-12)
    assert round(bce, 1) == 3.9
    assert mse == pytest.approx((1 - 0.02) ** 2, rel=1e-12)
    assert round(mse, 4) == 0.9604 and round(mse, 2) == 0.96
    # The other log values the lesson asks to remember.
    assert round(ref.bce_loss([logit(0.01)], [1]), 1) == 4.6
    assert round(ref.bce_loss([logit(0.99)], [1]), 2) == 0.01


def test_mse_gradient_vanishes_on_a_confident_mistake_while_bce_does_not():
    """Check sigma'(z) = 0.02 * 0.98 ~ 0.0196 there, so the MSE logit gradient is 50x smaller than BCE's."""
    z = [logit(0.02)]
    sigma_prime = 0.02 * 0.98
    assert round(sigma_prime, 4) == 0.0196
    bce_grad = ref.bce_grad(z, [1])[0]
    mse_grad = ref.mse_sigmoid_grad(z, [1])[0]
    assert bce_grad == pytest.approx(0.02 - 1, rel=1e-12)
    assert mse_grad == pytest.approx(2 * (0.02 - 1) * sigma_prime, rel=1e-12)
    assert abs(bce_grad / mse_grad) == pytest.approx(1 / (2 * sigma_prime), rel=1e-12)
    assert abs(bce_grad / mse_grad) > 25


def test_sigmoid_derivative_peaks_at_a_quarter():
    """Check that sigma(z)(1 - sigma(z)) is at most 0.25, reached at z = 0."""
    z = np.linspace(-10, 10, 2001)
    s = ref.sigmoid(z)
    slope = s * (1 - s)
    assert slope.max() == 0.25 and z[np.argmax(slope)] == 0.0


def test_squared_error_examples():
    """Check (0.8 - 1.0)^2 = 0.04, and that errors of 2, 4 and 10 cost 4, 16 and 100."""
    assert ref.mse_loss([0.8], [1.0]) == pytest.approx(0.04, rel=1e-12)
    for error, cost in [(2.0, 4.0), (4.0, 16.0), (10.0, 100.0)]:
        assert ref.mse_loss([error], [0.0]) == cost


# --- the 2-2-1 network ----------------------------------------------------------------------

@pytest.fixture
def seed_forward():
    return ref.forward_221(cases.SEED_X, cases.SEED_PARAMS)


def test_hidden_activations_round_to_the_seeds_values(seed_forward):
    """Check z1 = 0.3, z2 = 0.5, a1 = sigma(0.3) ~ 0.574, a2 = sigma(0.5) ~ 0.622."""
    assert seed_forward["z1"] == pytest.approx(0.2 * 1 + 0.4 * 0 + 0.1, rel=1e-15)
    assert seed_forward["z2"] == pytest.approx(0.3 * 1 + 0.1 * 0 + 0.2, rel=1e-15)
    assert seed_forward["a1"] == pytest.approx(1 / (1 + math.exp(-0.3)), rel=1e-15)
    assert seed_forward["a2"] == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-15)
    assert round(seed_forward["a1"], 3) == 0.574
    assert round(seed_forward["a2"], 3) == 0.622


def test_output_logit_is_1_013_not_the_seeds_1_086(seed_forward):
    """Check z3 = 0.7 a1 + 0.5 a2 + 0.3 ~ 1.013 and that the printed 1.086 is an arithmetic slip."""
    a1, a2, z3 = seed_forward["a1"], seed_forward["a2"], seed_forward["z3"]
    assert z3 == pytest.approx(0.7 * a1 + 0.5 * a2 + 0.3, rel=1e-15)
    assert round(z3, 3) == 1.013
    assert differs_beyond_rounding(z3, 1.086, 3)
    # Even with the seeds' own rounded activations the sum is 1.013: the slip is in the arithmetic.
    assert round(0.7 * 0.574 + 0.5 * 0.622 + 0.3, 3) == 1.013


def test_prediction_is_0_734_not_the_seeds_0_748(seed_forward):
    """Check y_hat = sigma(z3) ~ 0.734, and that 0.748 is sigma(1.086): the slip carried forward."""
    y_hat = seed_forward["y_hat"]
    assert y_hat == pytest.approx(1 / (1 + math.exp(-seed_forward["z3"])), rel=1e-15)
    assert round(y_hat, 3) == 0.734
    assert differs_beyond_rounding(y_hat, 0.748, 3)
    assert round(float(ref.sigmoid(1.086)), 3) == 0.748


def test_backprop_deltas_of_the_seed_example(seed_forward):
    """Check delta3 = y_hat - 1 ~ -0.266, sigma'(0.3) ~ 0.244, sigma'(0.5) ~ 0.235, delta1 ~ -0.046, delta2 ~ -0.031."""
    grads = ref.backward_221(cases.SEED_X, cases.SEED_Y, cases.SEED_PARAMS)
    a1, a2 = seed_forward["a1"], seed_forward["a2"]
    delta3 = seed_forward["y_hat"] - 1
    assert grads["b3"] == pytest.approx(delta3, rel=1e-15)
    assert round(delta3, 3) == -0.266 and differs_beyond_rounding(delta3, -0.252, 3)
    assert round(a1 * (1 - a1), 3) == 0.244 and round(a2 * (1 - a2), 3) == 0.235
    assert grads["b1"] == pytest.approx(0.7 * delta3 * a1 * (1 - a1), rel=1e-12)
    assert grads["b2"] == pytest.approx(0.5 * delta3 * a2 * (1 - a2), rel=1e-12)
    assert round(grads["b1"], 3) == -0.046 and round(grads["b2"], 3) == -0.031
    # The seeds' -0.043 and -0.030 follow from their wrong delta3 = 0.748 - 1 = -0.252.
    assert round(0.7 * -0.252 * 0.244, 3) == -0.043 and round(0.5 * -0.252 * 0.235, 3) == -0.030
    assert differs_beyond_rounding(grads["b1"], -0.043, 3)
    # x = [1, 0]: the weights on x1 get the deltas, those on x2 get nothing.
    assert grads["w11"] == grads["b1"] and grads["w21"] == 0.0
    assert grads["w12"] == grads["b2"] and grads["w22"] == 0.0


# --- optimizers -----------------------------------------------------------------------------

def test_momentum_window_is_one_over_one_minus_beta():
    """Check that under a constant gradient the velocity tends to 1/(1 - 0.9) = 10 times the gradient."""
    beta, g = 0.9, np.array([1.0, -2.0])
    w, v = np.zeros(2), np.zeros(2)
    for _ in range(400):
        w, v = ref.momentum_step(w, g, v, lr=0.0, beta=beta)
    window = 1 / (1 - beta)
    assert round(window, 10) == 10
    np.testing.assert_allclose(v, window * g, rtol=1e-12)


def _seed_quadratic_grad(p):
    """The seeds' test problem f(x, y) = x^2 + 10 y^2."""
    return np.array([2 * p[0], 20 * p[1]])


def test_seeds_momentum_form_gives_the_same_path_as_the_reference():
    """Check that the seeds' v = beta v + eta g, w -= v walks the same path as momentum_step's v = beta v + g, w -= eta v."""
    lr, beta = 0.05, 0.9
    p_seed, v_seed = np.array([5.0, 3.0]), np.zeros(2)
    w, v = np.array([5.0, 3.0]), np.zeros(2)
    for _ in range(60):
        v_seed = beta * v_seed + lr * _seed_quadratic_grad(p_seed)
        p_seed = p_seed - v_seed
        w, v = ref.momentum_step(w, _seed_quadratic_grad(w), v, lr, beta)
        np.testing.assert_allclose(w, p_seed, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(lr * v, v_seed, rtol=1e-10, atol=1e-12)


def test_seeds_adam_code_gives_the_same_path_as_the_reference():
    """Check the seeds' NumPy Adam on x^2 + 10 y^2 (lr 0.05) against adam_step over 60 steps."""
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    p, m, v = np.array([5.0, 3.0]), np.zeros(2), np.zeros(2)
    w, m_ref, v_ref = p.copy(), np.zeros(2), np.zeros(2)
    for t in range(1, 61):
        g = _seed_quadratic_grad(p)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        w, m_ref, v_ref = ref.adam_step(w, _seed_quadratic_grad(w), m_ref, v_ref, t, lr, b1, b2, eps)
        np.testing.assert_allclose(w, p, rtol=1e-12, atol=1e-14)


def test_adams_first_step_is_eta_per_coordinate_whatever_the_gradient_scale():
    """Check that bias-corrected Adam's first step moves every coordinate by ~eta, for gradients from 1e-2 to 1e3."""
    g = np.array([1e-2, -0.3, 7.0, -1e3])
    w1, _, _ = ref.adam_step(np.zeros(4), g, np.zeros(4), np.zeros(4), t=1, lr=1e-3)
    # m_hat = g and v_hat = g^2 exactly, so the step is eta g / (|g| + eps).
    np.testing.assert_allclose(-w1, 1e-3 * np.sign(g), rtol=1e-6)


def test_adam_defaults_are_the_seeds():
    """Check the defaults eta = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 of adam_step and adamw_step."""
    for step in (ref.adam_step, ref.adamw_step, ref.adam_step_uncorrected):
        defaults = {k: p.default for k, p in inspect.signature(step).parameters.items()
                    if p.default is not inspect.Parameter.empty}
        assert {k: defaults[k] for k in ("lr", "beta1", "beta2", "eps")} == {
            "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, step.__name__


def test_cosine_annealing_runs_from_lr_max_to_lr_min():
    """Check eta_0 = eta_max and eta_T = eta_min, and the midpoint is their mean."""
    assert ref.cosine_annealing(0, 100, 0.1, 0.001) == 0.1
    assert ref.cosine_annealing(100, 100, 0.1, 0.001) == pytest.approx(0.001, rel=1e-12)
    assert ref.cosine_annealing(50, 100, 0.1, 0.001) == pytest.approx((0.1 + 0.001) / 2, rel=1e-12)
