"""Unit tests for lossopt.gradcheck."""
import numpy as np
import pytest

from lossopt import gradcheck


def test_centred_difference_of_a_cubic():
    """Check that the centred difference of sum(x^3) is 3 x^2 to O(h^2)."""
    x = np.array([[0.5, -1.0], [2.0, 0.0]])
    numeric = gradcheck.centred_difference(lambda a: np.sum(a**3), x)
    np.testing.assert_allclose(numeric, 3 * x**2, atol=1e-8)


def test_centred_difference_leaves_input_unchanged():
    """Check that the input array is not modified."""
    x = np.array([1.0, 2.0])
    before = x.copy()
    gradcheck.centred_difference(lambda a: a @ a, x)
    np.testing.assert_array_equal(x, before)


def test_relative_error_small_for_equal_large_for_different():
    """Check that relative_error is 0 for equal arrays and 1/3 for 1 vs 2."""
    assert gradcheck.relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert gradcheck.relative_error([1.0], [2.0]) == pytest.approx(1 / 3)


def test_check_gradient_catches_a_wrong_gradient():
    """Check that a right gradient passes (<1e-8) and a gradient off by a factor 2 does not."""
    f = lambda w: np.sum(np.sin(w))
    w = np.array([0.1, 0.7, -1.3])
    good, _, _ = gradcheck.check_gradient(f, np.cos, w)
    bad, _, _ = gradcheck.check_gradient(f, lambda v: 2 * np.cos(v), w)
    assert good < 1e-8
    assert bad > 0.3


def test_shape_mismatch_and_bad_h_are_named():
    """Check that errors name the mismatched shapes and the bad h."""
    with pytest.raises(ValueError, match="shapes differ"):
        gradcheck.relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="h must be positive"):
        gradcheck.centred_difference(np.sum, np.zeros(2), h=0.0)
    with pytest.raises(ValueError, match="grad\\(x\\) has shape"):
        gradcheck.check_gradient(np.sum, lambda x: np.zeros(5), np.zeros(2))


def test_chapter_and_assignment_state_the_same_target():
    """Check that chapter 10 computes the gradient-check target from RELATIVE_ERROR_TARGET and that
    the backprop_221 assignment states that value and compares with the constant."""
    import json
    import math
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    power = f"10^{{{round(math.log10(gradcheck.RELATIVE_ERROR_TARGET))}}}"
    chapter = (root / "book" / "10_backprop_221.md").read_text()
    assert "gradcheck.RELATIVE_ERROR_TARGET" in chapter
    cells = json.loads((root / "solutions" / "backprop_221" / "backprop_221.ipynb").read_text())["cells"]
    text = ["".join(c["source"]) for c in cells]
    stating = [t for t in text if "RELATIVE_ERROR_TARGET" in t]
    assert any(power in t for t in stating), f"no cell states the target as ${power}$"
    assert any("< RELATIVE_ERROR_TARGET" in t for t in stating), "no cell compares with the constant"
    other = [p for p in ("10^{-9}", "10^{-8}", "10^{-6}") if any(p in t for t in text)]
    assert not other, f"the assignment also states {other}"
