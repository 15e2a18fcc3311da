"""Check that the shared plot helpers draw what they are given and reject mismatched data."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lossopt import plots  # noqa: E402


def test_curves_draws_one_labelled_line_per_entry_with_its_colour():
    ax = Figure().subplots()
    x = np.linspace(0, 1, 5)
    plots.curves(ax, x, {"a": x, "b": x ** 2}, colours={"a": "#112233"}, title="t", xlabel="x")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[1].get_ydata(), x ** 2)
    assert matplotlib.colors.to_hex(lines[0].get_color()) == "#112233"
    assert ax.get_title() == "t" and ax.get_xlabel() == "x"
    assert ax.get_legend() is not None


def test_curves_rejects_a_curve_of_the_wrong_length():
    ax = Figure().subplots()
    with pytest.raises(ValueError, match="'bad'"):
        plots.curves(ax, np.arange(3), {"bad": np.arange(4)})


def test_loss_history_plots_each_run_against_its_steps():
    ax = Figure().subplots()
    plots.loss_history(ax, {"sgd": [3, 2, 1], "adam": [3, 1]}, log=True)
    sgd, adam = ax.get_lines()
    np.testing.assert_array_equal(sgd.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(adam.get_ydata(), [3, 1])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"


def test_function_and_derivative_pairs_panels_and_marks_a_point():
    fig = Figure()
    x = np.linspace(-1, 1, 11)
    ax_f, ax_d = plots.function_and_derivative(fig, x, {"sq": x ** 2}, {"sq": 2 * x}, marker=0.5)
    np.testing.assert_array_equal(ax_f.get_lines()[0].get_ydata(), x ** 2)
    np.testing.assert_array_equal(ax_d.get_lines()[0].get_ydata(), 2 * x)
    marked = [line for line in ax_f.get_lines() if np.all(np.asarray(line.get_xdata()) == 0.5)]
    assert len(marked) == 1


def test_function_and_derivative_needs_the_same_labels():
    with pytest.raises(ValueError, match="same labels"):
        plots.function_and_derivative(Figure(), [0, 1], {"f": [0, 1]}, {"g": [0, 1]})
