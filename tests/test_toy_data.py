"""Check that the toy data generators are seeded, shaped and labelled as documented."""
import numpy as np
import pytest

from lossopt import toy_data


def test_line_is_reproducible_and_near_the_line():
    x1, y1 = toy_data.line(n=200, slope=3.0, intercept=0.5, noise=0.1, seed=4)
    x2, y2 = toy_data.line(n=200, slope=3.0, intercept=0.5, noise=0.1, seed=4)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert x1.shape == y1.shape == (200,)
    assert np.all(np.abs(x1) <= 1)
    slope, intercept = np.polyfit(x1, y1, 1)
    assert abs(slope - 3.0) < 0.1 and abs(intercept - 0.5) < 0.05


def test_line_with_outlier_moves_exactly_one_point_at_the_largest_x():
    x, y_clean = toy_data.line(n=20, seed=2)
    xo, yo, k = toy_data.line_with_outlier(n=20, outlier=7.5, seed=2)
    np.testing.assert_array_equal(x, xo)
    assert k == int(np.argmax(x))
    diff = yo - y_clean
    assert diff[k] == pytest.approx(7.5)
    assert np.count_nonzero(diff) == 1


def test_two_blobs_balanced_labels_and_separated_means():
    X, y = toy_data.two_blobs(n=401, separation=4.0, spread=0.5, dim=3, seed=1)
    assert X.shape == (401, 3) and y.shape == (401,)
    assert set(np.unique(y)) == {0, 1}
    assert np.sum(y == 0) == 200
    mean0, mean1 = X[y == 0].mean(axis=0), X[y == 1].mean(axis=0)
    assert mean0[0] == pytest.approx(-2.0, abs=0.15)
    assert mean1[0] == pytest.approx(2.0, abs=0.15)
    np.testing.assert_allclose(mean1[1:], 0.0, atol=0.15)


@pytest.mark.parametrize("call, message", [
    (lambda: toy_data.line(n=0), r"^n must be at least 1, got 0$"),
    (lambda: toy_data.line_with_outlier(n=1), r"^n must be at least 2 .*got 1$"),
    (lambda: toy_data.two_blobs(n=1), r"^n must be at least 2 .*got 1$"),
    (lambda: toy_data.two_blobs(dim=0), r"^dim must be at least 1, got 0$"),
    (lambda: toy_data.two_blobs(spread=0.0), r"^spread must be positive, got 0\.0$"),
])
def test_bad_arguments_raise_naming_the_argument_the_rule_and_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()
