"""Logits of +-1000 and +-1e4 give finite, correct losses and gradients, and no warnings.

A naive ``log(sigmoid(z))`` or ``exp(z) / sum(exp(z))`` overflows or takes log(0) there; the
reference's log-sum-exp forms must not. Every warning is an error in this module, so an overflow,
a divide-by-zero or an invalid value fails the test even when the result happens to come out finite.
The expected values are the exact limits (exp(-1000) is 0 in float64).
"""
import numpy as np
import pytest

from autograder import reference as ref

pytestmark = pytest.mark.filterwarnings("error")

HUGE = [1000.0, 1e4]


def assert_finite(*values):
    for v in values:
        assert np.all(np.isfinite(v)), f"non-finite result: {v!r}"


@pytest.mark.parametrize("big", HUGE)
def test_activations_at_huge_logits(big):
    """Check sigmoid, softmax and log_softmax at +-big: exact saturation values, no overflow."""
    np.testing.assert_array_equal(ref.sigmoid([-big, 0.0, big]), [0.0, 0.5, 1.0])
    z = np.array([[big, -big, 0.0], [big, big, -big]])
    np.testing.assert_array_equal(ref.softmax(z), [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    np.testing.assert_allclose(ref.log_softmax(z), [[0.0, -2 * big, -big], [-np.log(2), -np.log(2), -2 * big - np.log(2)]],
                               rtol=1e-15)


@pytest.mark.parametrize("big", HUGE)
def test_bce_at_huge_logits(big):
    """Check that a confident mistake costs |z| and a confident hit costs 0, with gradient (sigmoid(z) - y)/N."""
    z = np.array([big, -big, big, -big])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    assert ref.bce_loss(z, y) == pytest.approx(2 * big / 4, rel=1e-15)
    np.testing.assert_array_equal(ref.bce_grad(z, y), [0.25, -0.25, 0.0, 0.0])


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("big", HUGE)
def test_focal_and_weighted_bce_at_huge_logits(big, gamma):
    """Check focal and weighted BCE at +-big: a confident mistake costs alpha_t |z| (focal) or pi |z|, a hit 0."""
    z = np.array([big, -big, big, -big])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    # mistakes have p_t = 0, so (1 - p_t)^gamma = 1 and the focal loss is -alpha_t log p_t = alpha_t big
    assert ref.focal_loss(z, y, gamma, 0.25) == pytest.approx((0.75 * big + 0.25 * big) / 4, rel=1e-15)
    np.testing.assert_array_equal(ref.focal_grad(z, y, gamma, 0.25), [0.75 / 4, -0.25 / 4, 0.0, 0.0])
    assert ref.weighted_bce_loss(z, y, pos_weight=3.0) == pytest.approx((big + 3 * big) / 4, rel=1e-15)
    np.testing.assert_array_equal(ref.weighted_bce_grad(z, y, pos_weight=3.0), [0.25, -0.75, 0.0, 0.0])


@pytest.mark.parametrize("big", HUGE)
def test_weighted_cross_entropy_at_huge_logits(big):
    """Check weighted cross-entropy of a confidently wrong and a confidently right row: finite, exact."""
    z = np.array([[big, -big, 0.0], [-big, big, 0.0]])
    loss = ref.weighted_cross_entropy_loss(z, [1, 1], [1.0, 3.0, 1.0])
    assert loss == pytest.approx(3 * 2 * big / 6, rel=1e-15)
    assert_finite(ref.weighted_cross_entropy_grad(z, [1, 1], [1.0, 3.0, 1.0]))


@pytest.mark.parametrize("big", HUGE)
def test_mse_sigmoid_saturates_at_huge_logits(big):
    """Check that MSE on a saturated sigmoid is finite and its gradient vanishes even for a confident mistake."""
    z, y = np.array([big, -big]), np.array([0.0, 0.0])
    assert ref.mse_sigmoid_loss(z, y) == 0.5
    np.testing.assert_array_equal(ref.mse_sigmoid_grad(z, y), [0.0, 0.0])


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("big", HUGE)
def test_cross_entropy_at_huge_logits(big, label_smoothing):
    """Check cross-entropy of a confidently wrong row (loss ~ 2 big) and a confidently right row (loss ~ 0)."""
    z = np.array([[big, -big, 0.0], [-big, big, 0.0]])
    labels = np.array([1, 1])
    eps = label_smoothing
    log_p = np.array([[0.0, -2 * big, -big], [-2 * big, 0.0, -big]])  # exact to float64 here
    q = np.full((2, 3), eps / 3)
    q[:, 1] += 1 - eps
    expected = -np.sum(q * log_p) / 2
    assert ref.cross_entropy_loss(z, labels, eps) == pytest.approx(expected, rel=1e-15)
    grad = ref.cross_entropy_grad(z, labels, eps)
    np.testing.assert_allclose(grad, (np.exp(log_p) - q) / 2, rtol=1e-15, atol=1e-300)
    assert_finite(grad)


@pytest.mark.parametrize("big", HUGE)
def test_hinge_at_huge_scores(big):
    """Check hinge loss and gradient for scores of +-big."""
    s, y = np.array([big, -big]), np.array([1.0, 1.0])
    assert ref.hinge_loss(s, y) == pytest.approx((1 + big) / 2, rel=1e-15)
    np.testing.assert_array_equal(ref.hinge_grad(s, y), [0.0, -0.5])


@pytest.mark.parametrize("big", HUGE)
def test_network_221_with_saturating_weights(big):
    """Check that the 2-2-1 forward pass, loss and gradients stay finite when every unit saturates."""
    scale = {"w11": 1.0, "w21": -1.0, "b1": 0.3, "w12": -1.0, "w22": 1.0, "b2": 0.1,
             "w13": 1.0, "w23": 0.5, "b3": -0.2}
    params = {k: big * v for k, v in scale.items()}
    x = np.array([1.0, -1.0])  # z1 = 2.3 big, z2 = -1.9 big, so a1 = 1, a2 = 0 and z3 = 0.8 big
    forward = ref.forward_221(x, params)
    for y in (0, 1):
        loss = ref.loss_221(x, y, params)
        grads = ref.backward_221(x, y, params)
        assert_finite(loss, *forward.values(), *grads.values())
    # The output logit is 0.8 big: the wrong label costs z3, the right one 0.
    assert (forward["a1"], forward["a2"]) == (1.0, 0.0)
    assert forward["z3"] == pytest.approx(0.8 * big, rel=1e-15)
    assert ref.loss_221(x, 0, params) == pytest.approx(0.8 * big, rel=1e-12)
    assert ref.loss_221(x, 1, params) == 0.0
    assert ref.backward_221(x, 0, params)["b3"] == 1.0  # y_hat - y with y_hat = 1


def test_kl_divergence_with_tiny_and_zero_q():
    """Check KL is finite for q down to 1e-300 and inf, without a divide-by-zero warning, where q = 0 < p."""
    p = np.array([0.5, 0.5, 0.0])
    tiny = np.array([1e-300, 1.0 - 1e-300, 0.0])
    assert_finite(ref.kl_divergence(p, tiny))
    assert ref.kl_divergence(p, tiny) == pytest.approx(0.5 * np.log(0.5 / 1e-300) + 0.5 * np.log(0.5), rel=1e-12)
    assert ref.kl_divergence(p, [0.0, 1.0, 0.0]) == float("inf")
