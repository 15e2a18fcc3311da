"""Check that the formulas chapters 2-5 teach as code agree with autograder.reference.

Each chapter is executed as the reader would run it (see ``chapter_runner``); the functions it
defines inline are then compared with the reference on random inputs, so the book and the
grader cannot drift apart.
"""
import functools

import numpy as np
import pytest

from autograder import reference as ref
from chapter_runner import run_chapter

run_chapter_once = functools.lru_cache(maxsize=None)(run_chapter)
# each chapter is run once per worker (the cache and the module fixtures): its tests stay on one
# worker
pytestmark = pytest.mark.xdist_group("chapters-run-for-loss-formulas")

RNG_SEEDS = range(5)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter1_line_cost_and_gradient_match_reference(seed):
    """Chapter 1 teaches the line's cost and its gradient in both parameters."""
    chapter1 = run_chapter_once("01_learning_loop")
    rng = np.random.default_rng(seed)
    theta, x = rng.normal(size=2) * 2, rng.uniform(-1, 1, size=7 + seed)
    y = rng.normal() * x + rng.normal(size=x.size)
    np.testing.assert_allclose(chapter1["line_mse_loss"](theta, x, y), ref.line_mse_loss(theta, x, y),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(chapter1["line_mse_grad"](theta, x, y), ref.line_mse_grad(theta, x, y),
                               rtol=1e-12, atol=1e-15)


@pytest.fixture(scope="module")
def chapter2():
    return run_chapter("02_regression_losses")


def regression_pairs(seed):
    """Predictions and targets of a few shapes, with some exact ties (MAE's kink)."""
    rng = np.random.default_rng(seed)
    shape = [(7,), (3, 4), (1,)][seed % 3]
    y_true = rng.normal(size=shape) * 3
    y_pred = y_true + rng.normal(size=shape) * rng.choice([0.3, 3.0])
    y_pred.flat[0] = y_true.flat[0]
    return y_pred, y_true


@pytest.mark.parametrize("name", ["mse_loss", "mse_grad", "mae_loss", "mae_grad"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter2_regression_losses_match_reference(chapter2, name, seed):
    y_pred, y_true = regression_pairs(seed)
    np.testing.assert_allclose(chapter2[name](y_pred, y_true), getattr(ref, name)(y_pred, y_true),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["huber_loss", "huber_grad"])
@pytest.mark.parametrize("delta", [0.1, 1.0, 2.5])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter2_huber_matches_reference(chapter2, name, delta, seed):
    y_pred, y_true = regression_pairs(seed)
    np.testing.assert_allclose(chapter2[name](y_pred, y_true, delta=delta),
                               getattr(ref, name)(y_pred, y_true, delta=delta),
                               rtol=1e-12, atol=1e-15)


def test_chapter2_fit_line_recovers_a_clean_line(chapter2):
    """The chapter's gradient-descent fitter is what its figures rely on: on clean data it
    must reach the least-squares answer."""
    x = np.linspace(-1, 1, 15)
    y = 2.0 * x - 1.0 + 0.1 * np.sin(7 * x)
    w, b = chapter2["fit_line"](chapter2["mse_grad"], x, y)
    np.testing.assert_allclose([w, b], np.polyfit(x, y, 1), atol=1e-6)


# -- chapter 3: classification losses ---------------------------------------------------------

@pytest.fixture(scope="module")
def chapter3():
    return run_chapter("03_classification_losses")


def logits(seed, shape):
    """Random logits, a few of them extreme (+-1000) to exercise the stable forms."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=shape) * rng.choice([0.5, 5.0])
    if seed % 2:
        z.flat[0], z.flat[-1] = 1000.0, -1000.0
    return z


@pytest.mark.parametrize("name", ["sigmoid", "softmax", "log_softmax"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3_activations_match_reference(chapter3, name, seed):
    z = logits(seed, (6, 4))
    np.testing.assert_allclose(chapter3[name](z), getattr(ref, name)(z), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", ["bce_loss", "bce_grad"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3_bce_matches_reference(chapter3, name, seed):
    z = logits(seed, (9,))
    y = np.random.default_rng(seed + 100).integers(0, 2, size=9).astype(float)
    np.testing.assert_allclose(chapter3[name](z, y), getattr(ref, name)(z, y), rtol=1e-12)


@pytest.mark.parametrize("name", ["bce_loss", "bce_grad"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3_multilabel_bce_matches_reference(chapter3, name, seed):
    """The chapter's BCE on an (N, K) array of logits: the multi-label cost."""
    z = logits(seed, (6, 3))
    y = (np.random.default_rng(seed + 150).uniform(size=(6, 3)) < 0.4).astype(float)
    np.testing.assert_allclose(chapter3[name](z, y), getattr(ref, name)(z, y), rtol=1e-12)


@pytest.mark.parametrize("name", ["cross_entropy_loss", "cross_entropy_grad"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.3])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3_cross_entropy_matches_reference(chapter3, name, smoothing, seed):
    z = logits(seed, (7, 5))
    labels = np.random.default_rng(seed + 200).integers(0, 5, size=7)
    np.testing.assert_allclose(chapter3[name](z, labels, label_smoothing=smoothing),
                               getattr(ref, name)(z, labels, label_smoothing=smoothing),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["hinge_loss", "hinge_grad"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3_hinge_matches_reference(chapter3, name, seed):
    rng = np.random.default_rng(seed)
    y = rng.choice([-1.0, 1.0], size=10)
    s = rng.normal(size=10) * 2
    s[0] = y[0]             # exactly on the margin: the kink, subgradient 0
    np.testing.assert_allclose(chapter3[name](s, y), getattr(ref, name)(s, y), rtol=1e-12)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3_kl_divergence_matches_reference(chapter3, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(4), size=3)
    p[0, 1] = 0.0           # 0 log 0 = 0
    p[0] /= p[0].sum()
    q = rng.dirichlet(np.ones(4), size=3)
    np.testing.assert_allclose(chapter3["kl_divergence"](p, q), ref.kl_divergence(p, q), rtol=1e-12)
    np.testing.assert_allclose(chapter3["kl_divergence"](p[1], q[1]),
                               ref.kl_divergence(p[1], q[1]), rtol=1e-12)


def test_chapter3_worked_example_is_minus_log_of_the_true_class(chapter3):
    """The [0.2, 0.7, 0.1] example with true class 1, recomputed by the reference."""
    z = np.log(np.array([[0.2, 0.7, 0.1]]))
    assert chapter3["loss"] == pytest.approx(ref.cross_entropy_loss(z, np.array([1])))
    assert ref.cross_entropy_loss(z, np.array([1])) == pytest.approx(-np.log(0.7))


# -- chapter 3, second part: imbalanced classes and segmentation --------------------------------

@pytest.fixture(scope="module")
def chapter3b():
    return run_chapter("03_imbalance_segmentation_losses")


@pytest.mark.parametrize("smooth", [0.0, 1.0])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3_dice_and_its_gradient_match_reference(chapter3b, smooth, seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=(8, 8))
    t = (rng.uniform(size=(8, 8)) < 0.2).astype(float)
    np.testing.assert_allclose(chapter3b["dice_loss"](p, t, smooth=smooth),
                               ref.dice_loss(p, t, smooth=smooth), rtol=1e-12)
    np.testing.assert_allclose(chapter3b["dice_grad"](p, t, smooth=smooth),
                               ref.dice_grad(p, t, smooth=smooth), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("smooth", [0.0, 1.0])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3b_iou_and_its_gradient_match_reference(chapter3b, smooth, seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=(8, 8))
    t = (rng.uniform(size=(8, 8)) < 0.2).astype(float)
    np.testing.assert_allclose(chapter3b["iou_loss"](p, t, smooth=smooth),
                               ref.iou_loss(p, t, smooth=smooth), rtol=1e-12)
    np.testing.assert_allclose(chapter3b["iou_grad"](p, t, smooth=smooth),
                               ref.iou_grad(p, t, smooth=smooth), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["weighted_bce_loss", "weighted_bce_grad"])
@pytest.mark.parametrize("pos_weight", [1.0, 19.0, "per label"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3b_weighted_bce_matches_reference(chapter3b, name, pos_weight, seed):
    rng = np.random.default_rng(seed + 400)
    z = logits(seed, (5, 3))
    y = (rng.uniform(size=(5, 3)) < 0.3).astype(float)
    if pos_weight == "per label":
        pos_weight = np.array([0.5, 3.0, 12.0])
    weight = rng.uniform(0.1, 2.0, size=z.shape) if seed % 2 else None
    np.testing.assert_allclose(chapter3b[name](z, y, pos_weight, weight),
                               getattr(ref, name)(z, y, pos_weight, weight), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["weighted_cross_entropy_loss", "weighted_cross_entropy_grad"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3b_weighted_cross_entropy_matches_reference(chapter3b, name, seed):
    z = logits(seed, (9, 4))
    labels = np.random.default_rng(seed + 500).integers(0, 4, size=9)
    weights = np.random.default_rng(seed + 600).uniform(0.1, 5.0, size=4)
    np.testing.assert_allclose(chapter3b[name](z, labels, weights), getattr(ref, name)(z, labels, weights),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["focal_loss", "focal_grad"])
@pytest.mark.parametrize("gamma, alpha", [(0.0, None), (0.5, 0.75), (2.0, None), (2.0, 0.25)])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter3b_focal_matches_reference(chapter3b, name, gamma, alpha, seed):
    z = logits(seed, (11,))
    y = np.random.default_rng(seed + 700).integers(0, 2, size=11).astype(float)
    np.testing.assert_allclose(chapter3b[name](z, y, gamma, alpha), getattr(ref, name)(z, y, gamma, alpha),
                               rtol=1e-12, atol=1e-15)


# -- chapter 4: why cross-entropy beats MSE ---------------------------------------------------

@pytest.fixture(scope="module")
def chapter4():
    return run_chapter("04_why_cross_entropy")


@pytest.mark.parametrize("name", ["mse_sigmoid_loss", "mse_sigmoid_grad", "bce_loss", "bce_grad"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter4_logit_losses_match_reference(chapter4, name, seed):
    z = logits(seed, (11,))
    y = np.random.default_rng(seed + 300).integers(0, 2, size=11).astype(float)
    # sigmoid(z) - y cancels for saturated logits: the chapter's and the reference's stable
    # sigmoids round differently there, by ~1e-17 on values of order 1/N, hence the atol
    np.testing.assert_allclose(chapter4[name](z, y), getattr(ref, name)(z, y),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter4_sigmoid_and_softmax_match_reference(chapter4, seed):
    z = logits(seed, (6,))
    np.testing.assert_allclose(chapter4["sigmoid"](z), ref.sigmoid(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(chapter4["softmax"](z), ref.softmax(z), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter4_categorical_ce_matches_reference(chapter4, seed):
    z = logits(seed, (5,))
    label = seed % 5
    assert chapter4["categorical_ce"](z, label) == pytest.approx(
        ref.cross_entropy_loss(z[None, :], np.array([label])), rel=1e-12)


def test_chapter4_confidently_wrong_example_recomputed_from_the_reference():
    """The seed's y = 1, y_hat = 0.02 example, from the reference alone."""
    z = np.array([np.log(0.02 / 0.98)])
    y = np.array([1.0])
    assert ref.bce_loss(z, y) == pytest.approx(-np.log(0.02))
    assert ref.mse_sigmoid_loss(z, y) == pytest.approx(0.98 ** 2)
    assert ref.bce_grad(z, y)[0] == pytest.approx(-0.98)
    assert ref.mse_sigmoid_grad(z, y)[0] == pytest.approx(2 * -0.98 * 0.02 * 0.98)


# -- chapter 5: gradient descent ----------------------------------------------------------------

@pytest.fixture(scope="module")
def chapter5():
    return run_chapter("05_gradient_descent")


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter5_sgd_step_matches_reference(chapter5, seed):
    rng = np.random.default_rng(seed)
    w, g = rng.normal(size=(2, 6))
    lr = rng.uniform(0.001, 1.0)
    np.testing.assert_allclose(chapter5["sgd_step"](w, g, lr), ref.sgd_step(w, g, lr), rtol=1e-14)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_chapter5_line_fit_gradient_is_the_reference_mse_gradient_by_the_chain_rule(chapter5, seed):
    """The chapter's cost and its (w, b) gradient are chapter 2's MSE composed with y = w x + b."""
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(2, 17))
    theta = rng.normal(size=2)
    y_pred = theta[0] * x + theta[1]
    d_pred = ref.mse_grad(y_pred, y)
    np.testing.assert_allclose(chapter5["cost_grad"](theta, x, y),
                               [np.sum(d_pred * x), np.sum(d_pred)], rtol=1e-12)
    assert chapter5["cost"](theta, x, y) == pytest.approx(ref.mse_loss(y_pred, y), rel=1e-12)
    # and it is chapter 1's line gradient, whose reference is line_mse_grad
    np.testing.assert_allclose(chapter5["cost_grad"](theta, x, y), ref.line_mse_grad(theta, x, y),
                               rtol=1e-12)


def test_chapter5_minibatch_loop_with_the_full_batch_is_batch_gradient_descent(chapter5):
    """batch_size = n must reproduce plain gradient descent with the reference step exactly."""
    x, y = chapter5["x"], chapter5["y"]
    path = chapter5["minibatch_gd"](x, y, batch_size=len(x), lr=0.1, epochs=5)
    theta = np.zeros(2)
    for _ in range(5):
        theta = ref.sgd_step(theta, chapter5["cost_grad"](theta, x, y), 0.1)
    np.testing.assert_allclose(path[-1], theta, rtol=1e-12)
    assert len(path) == 6


def test_chapter5_stability_limit_separates_converging_from_diverging_runs(chapter5):
    limit, run, cost = chapter5["lr_limit"], chapter5["run"], chapter5["cost"]
    x, y = chapter5["x"], chapter5["y"]
    best = cost(np.polyfit(x, y, 1), x, y)
    assert cost(run(0.95 * limit, steps=400)[-1], x, y) == pytest.approx(best, rel=1e-6)
    assert cost(run(1.05 * limit, steps=400)[-1], x, y) > 1e3 * best
