"""Unit tests for lossopt.landscapes: the functions, their gradients, descend and the plots."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lossopt import gradcheck, landscapes


def test_valley_values_and_minimum():
    """Check that the valley is x^2 + 10 y^2 and vanishes only at the origin."""
    assert landscapes.valley([0.0, 0.0]) == 0.0
    assert landscapes.valley([5.0, 3.0]) == pytest.approx(25 + 90)
    grid = np.array([[[1.0, 2.0], [-3.0, 0.5]]])
    np.testing.assert_allclose(landscapes.valley(grid), [[1 + 40, 9 + 2.5]])


@pytest.mark.parametrize("point", [(5.0, 3.0), (-1.2, 0.3), (0.0, -2.0)])
def test_valley_grad_matches_finite_differences(point):
    """Check that valley_grad agrees with a centred difference of valley."""
    error, _, _ = gradcheck.check_gradient(landscapes.valley, landscapes.valley_grad, point)
    assert error < 1e-8


def test_valley_grad_keeps_shape_of_a_path():
    """Check that the gradient of a path of points has the path's shape."""
    path = np.arange(12.0).reshape(6, 2)
    assert landscapes.valley_grad(path).shape == (6, 2)


def test_valley_rejects_points_that_are_not_2d():
    """Check that a point with three coordinates raises an error naming p."""
    with pytest.raises(ValueError, match="p must hold 2-D points"):
        landscapes.valley([1.0, 2.0, 3.0])


def test_double_well_minima_are_stationary_and_ordered():
    """Check that both minima have zero slope, positive curvature, and the global one is lower."""
    glob, local = landscapes.double_well_minima(0.5)
    for x in (glob, local):
        assert landscapes.double_well_grad(x) == pytest.approx(0.0, abs=1e-10)
        assert 12 * x**2 - 4 > 0
    assert landscapes.double_well(glob) < landscapes.double_well(local)
    assert glob < 0 < local  # positive tilt lifts the right-hand well


def test_double_well_grad_matches_finite_differences():
    """Check that double_well_grad is the derivative of double_well on a grid of points."""
    xs = np.linspace(-2, 2, 9)
    f = lambda x: np.sum(landscapes.double_well(x, tilt=0.3))
    error, _, _ = gradcheck.check_gradient(f, lambda x: landscapes.double_well_grad(x, 0.3), xs)
    assert error < 1e-8


def test_double_well_with_one_well_is_refused():
    """Check that a tilt too large for two wells raises a clear error."""
    with pytest.raises(ValueError, match="single well"):
        landscapes.double_well_minima(2.0)


def test_descend_records_every_point_and_passes_state():
    """Check that descend returns start + n points and threads the state and step count."""
    seen = []

    def step(p, g, state, t):
        seen.append(t)
        return p - 0.1 * g, state + 1

    path = landscapes.descend(step, landscapes.valley_grad, (1.0, 1.0), 3, state=0)
    assert path.shape == (4, 2)
    assert seen == [1, 2, 3]
    np.testing.assert_allclose(path[1], [1 - 0.1 * 2, 1 - 0.1 * 20])


def test_descend_rejects_negative_steps():
    """Check that a negative step count is refused with the argument named."""
    with pytest.raises(ValueError, match="n_steps"):
        landscapes.descend(lambda p, g, s, t: (p, s), landscapes.valley_grad, (0, 0), -1)


def test_plots_draw_contours_and_path():
    """Check that the plot helpers put contour lines, a minimum marker and a path on the axes."""
    fig, ax = plt.subplots()
    landscapes.plot_contours(ax)
    path = np.array([[5.0, 3.0], [4.0, -2.0], [3.0, 1.0]])
    line = landscapes.plot_path(ax, path, label="demo")
    np.testing.assert_allclose(line.get_xydata(), path)
    assert ax.collections, "no contour lines were drawn"
    assert ax.get_xlim() == (-6.0, 6.0)
    plt.close(fig)
