"""Check that the formulas chapters 2-5 teach as code agree with autograder.reference.

Each chapter is executed as the reader would run it (see ``chapter_runner``); the functions it
defines inline are then compared with the reference on random inputs, so the book and the
grader cannot drift apart.
"""
import numpy as np
import pytest

from autograder import reference as ref
from chapter_runner import run_chapter

RNG_SEEDS = range(5)


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
