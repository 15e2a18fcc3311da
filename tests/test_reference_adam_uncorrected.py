"""``adam_step_uncorrected`` has no PyTorch counterpart: prove it by hand and by Adam's algebra.

Adam's bias correction can be moved out of the moments into the step size and epsilon:

    eta * m_hat / (sqrt(v_hat) + eps)
        = eta_t * m / (sqrt(v) + eps_t),   eta_t = eta * sqrt(1 - b2^t) / (1 - b1^t),
                                           eps_t = eps * sqrt(1 - b2^t)

so the uncorrected step with (eta_t, eps_t) must reproduce ``adam_step`` (already proven against
torch.optim.Adam) at every step of a trajectory.
"""
import math

import numpy as np
import pytest

import reference_cases as cases
from autograder import reference as ref


@pytest.mark.parametrize("beta1, beta2", [(0.9, 0.999), (0.8, 0.99), (0.5, 0.5)])
def test_first_step_is_eta_times_one_minus_beta1_over_root_one_minus_beta2(beta1, beta2):
    """Check that from zero moments every coordinate moves by eta (1-b1)/sqrt(1-b2), against the gradient."""
    lr = 1e-3
    g = np.array([1.0, -3.0, 250.0, -0.5, 1e3])
    w0 = np.array([0.3, -0.2, 1.0, 0.0, 5.0])
    zeros = np.zeros_like(w0)
    # eps is negligible next to sqrt(1-b2)|g| >= 0.0158 here: it enters at relative order 1e-6.
    w1, m1, v1 = ref.adam_step_uncorrected(w0, g, zeros, zeros, 1, lr, beta1, beta2, eps=1e-8)
    hand = lr * (1 - beta1) / math.sqrt(1 - beta2)
    np.testing.assert_allclose(w0 - w1, hand * np.sign(g), rtol=1e-5)
    np.testing.assert_allclose(m1, (1 - beta1) * g, rtol=1e-15)
    np.testing.assert_allclose(v1, (1 - beta2) * g * g, rtol=1e-15)


def test_first_step_with_default_betas_is_about_3_16_eta():
    """Check that the uncorrected first step is ~3.16 eta where corrected Adam's is ~eta."""
    w0, g, zeros = np.zeros(3), np.array([0.2, -4.0, 7.5]), np.zeros(3)
    uncorrected, _, _ = ref.adam_step_uncorrected(w0, g, zeros, zeros, 1, lr=1.0)
    corrected, _, _ = ref.adam_step(w0, g, zeros, zeros, 1, lr=1.0)
    ratio = np.abs(uncorrected) / np.abs(corrected)
    assert round(float(ratio.min()), 2) == round(float(ratio.max()), 2) == 3.16
    # rtol: eps = 1e-8 next to sqrt(1 - b2) |g| >= 0.006 shifts the ratio at order 1e-6.
    np.testing.assert_allclose(ratio, 0.1 / math.sqrt(0.001), rtol=1e-5)


@pytest.mark.parametrize("lr, beta1, beta2, eps", [(1e-3, 0.9, 0.999, 1e-8), (0.05, 0.8, 0.95, 1e-4)])
def test_uncorrected_with_rescaled_eta_and_eps_reproduces_adam_over_100_steps(lr, beta1, beta2, eps):
    """Check the bias-correction algebra: the uncorrected step with eta_t, eps_t equals adam_step, with the same moments."""
    rng = np.random.default_rng(21)
    w = rng.normal(size=(3, 4))
    m = v = np.zeros_like(w)
    for t, g in enumerate(cases.gradient_sequence(rng), start=1):
        eta_t = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        eps_t = eps * math.sqrt(1 - beta2 ** t)
        w_adam, m_adam, v_adam = ref.adam_step(w, g, m, v, t, lr, beta1, beta2, eps)
        w_unc, m_unc, v_unc = ref.adam_step_uncorrected(w, g, m, v, t, eta_t, beta1, beta2, eps_t)
        np.testing.assert_array_equal(m_unc, m_adam)
        np.testing.assert_array_equal(v_unc, v_adam)
        np.testing.assert_allclose(w_unc - w, w_adam - w, rtol=1e-10, atol=1e-18, err_msg=f"step {t}")
        w, m, v = w_adam, m_adam, v_adam


def test_uncorrected_step_does_not_depend_on_t():
    """Check that t is validated but does not enter the uncorrected step."""
    rng = np.random.default_rng(2)
    w, g, m, v = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4), rng.uniform(size=4)
    first = ref.adam_step_uncorrected(w, g, m, v, 1)
    later = ref.adam_step_uncorrected(w, g, m, v, 500)
    for a, b in zip(first, later, strict=True):
        np.testing.assert_array_equal(a, b)
