"""lossopt.blitting: a live figure with a background draws each position into it, and the frame is
the image a whole redraw gives, pixel for pixel; a position that changes the background is drawn
whole instead."""
import io

import numpy as np
import pytest
from PIL import Image

from lossopt.interactive import InteractiveFigure, Slider

SHIFT = Slider("shift", 0.0, 3.0, 1.0, value=0.0)


def whole_and_in_part(background, draw, values, sliders=(SHIFT,)):
    """The frame of every state in ``values`` drawn whole, and drawn by one figure in turn (in part
    where it can); plus that figure, to ask whether it fell back."""
    whole = []
    for state in values:
        figure = InteractiveFigure(draw, *sliders, figsize=(4, 3), background=background)
        figure.render()  # lays the figure out at its start state, as in a kernel
        figure._drawer = None
        fig = figure._prepare(80, {**figure.initial, **state})
        fig.canvas.draw()
        whole.append(np.asarray(fig.canvas.buffer_rgba()).copy())
    figure = InteractiveFigure(draw, *sliders, figsize=(4, 3), background=background)
    in_part = [np.asarray(Image.open(io.BytesIO(figure.render(**state))).convert("RGBA"))
               for state in values]
    return whole, in_part, figure


def axes_with_contours(fig):
    ax = fig.subplots()
    x, y = np.meshgrid(np.linspace(-3, 3, 40), np.linspace(-3, 3, 40))
    ax.contour(x, y, x ** 2 + 2 * y ** 2, levels=8, colors="0.75")
    ax.plot(0, 0, "k*", markersize=14, zorder=5)  # above the lines a position adds
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_xlabel("x")
    ax.grid(True, alpha=0.3)
    return ax


STATES = [{"shift": 1.0}, {"shift": 3.0}, {"shift": 0.0}, {"shift": 2.0}, {"shift": 1.0}]


def test_a_position_drawn_into_the_background_is_the_whole_redraw_pixel_for_pixel():
    def draw(ax, shift):
        t = np.linspace(-3, 3, 50)
        ax.plot(t, np.sin(t + shift), "-o", markersize=3, label=f"shift {shift:g}")
        ax.legend(loc="upper right")
        ax.set_title(f"shift = {shift:g}")

    whole, in_part, figure = whole_and_in_part(axes_with_contours, draw, STATES)
    assert figure._in_part, "a position that only adds artists should be drawn in part"
    for state, a, b in zip(STATES, whole, in_part):
        assert a.shape == b.shape
        differing = int((a != b).any(axis=-1).sum())
        assert differing == 0, f"at {state}: {differing} pixels differ from a whole redraw"


def test_titles_placed_with_the_axes_measured_once_sit_where_a_whole_redraw_puts_them():
    """Check that titles whose text (descenders, length) changes sit as in a whole redraw,
    beside a y axis with an offset text and an x axis with its ticks on top."""
    def background(fig):
        ax = fig.subplots()
        ax.set_xlim(0, 3)
        ax.set_ylim(0, 3e-5)  # an offset text ("1e-5") above the y axis, where a title may meet it
        ax.xaxis.tick_top()  # the title must clear the tick labels
        return ax

    def draw(ax, shift):
        t = np.linspace(0, 3, 30)
        ax.plot(t, 1e-5 * (1 + np.sin(t + shift)))
        ax.set_title("plain" if shift == 0 else f"gjpqy (shift {shift:g}) " + "long " * int(shift),
                     loc="left")
        ax.set_title(f"right {shift:g}" if shift != 1 else "", loc="right")

    whole, in_part, figure = whole_and_in_part(background, draw, STATES)
    assert figure._in_part
    for state, a, b in zip(STATES, whole, in_part):
        differing = int((a != b).any(axis=-1).sum())
        assert differing == 0, f"at {state}: {differing} pixels differ from a whole redraw"


def test_bars_of_one_position_are_not_in_the_next_positions_legend():
    def draw(ax, shift):
        ax.bar([-1, 0, 1], [shift, 1, 2], width=0.5, label=f"bars at {shift:g}")
        ax.legend(loc="lower left")

    whole, in_part, figure = whole_and_in_part(axes_with_contours, draw, STATES)
    assert figure._in_part
    assert len(figure._drawer.handle.containers) == 1
    for state, a, b in zip(STATES, whole, in_part):
        assert (a == b).all(), f"at {state}: the frame differs from a whole redraw"


def test_the_star_above_the_paths_stays_above_them():
    # the kept background cannot hold an artist that a whole redraw paints over the new ones
    def draw(ax, shift):
        ax.plot([-3, 3], [shift - 1, shift - 1], color="C1", linewidth=8)

    states = [{"shift": 1.0}]
    whole, in_part, _ = whole_and_in_part(axes_with_contours, draw, states)
    centre = whole[0][whole[0].shape[0] // 2 - 3: whole[0].shape[0] // 2 + 3]
    assert (centre[..., :3] < 40).all(axis=-1).any(), "the black star should show over the line"
    assert (whole[0] == in_part[0]).all()


def test_a_title_set_at_one_position_only_is_gone_at_the_next():
    def draw(ax, shift):
        ax.plot([0, 1], [shift, shift])
        if shift == 3.0:
            ax.set_title("the far end")

    states = [{"shift": 3.0}, {"shift": 1.0}]
    whole, in_part, figure = whole_and_in_part(axes_with_contours, draw, states)
    assert figure._in_part
    assert (whole[0] != whole[1]).any()
    for a, b in zip(whole, in_part):
        assert (a == b).all()


@pytest.mark.parametrize("change", ["limits", "label", "grid", "axes"])
def test_a_position_that_changes_the_background_is_drawn_whole_and_right(change):
    def draw(ax, shift):
        ax.plot([0, 1], [shift, shift])
        if shift >= 2.0:
            if change == "limits":
                ax.set_ylim(-1, 5)
            elif change == "label":
                ax.set_xlabel(f"x at {shift:g}")
            elif change == "grid":
                ax.grid(False)
            else:
                ax.figure.add_axes([0.7, 0.7, 0.2, 0.2]).plot([0, 1])

    states = [{"shift": 1.0}, {"shift": 2.0}, {"shift": 3.0}, {"shift": 1.0}]
    whole, in_part, figure = whole_and_in_part(axes_with_contours, draw, states)
    assert not figure._in_part, f"a position that changes the background ({change}) cannot be drawn in part"
    for state, a, b in zip(states, whole, in_part):
        assert (a == b).all(), f"{change}, at {state}: the frame differs from a whole redraw"


def test_without_limits_in_the_background_a_growing_line_autoscales_and_is_drawn_whole():
    def background(fig):
        return fig.subplots()

    def draw(ax, shift):
        ax.plot([0, 1], [0, shift + 1])

    whole, in_part, figure = whole_and_in_part(background, draw, STATES)
    assert not figure._in_part
    for a, b in zip(whole, in_part):
        assert (a == b).all()


def test_a_failing_background_is_named_and_so_is_a_bad_one():
    def broken(fig):
        raise KeyError("no such landscape")

    figure = InteractiveFigure(lambda ax, shift: None, SHIFT, background=broken)
    with pytest.raises(RuntimeError, match="broken failed: 'no such landscape'"):
        figure.render()
    with pytest.raises(ValueError, match="background must be a function, got 3"):
        InteractiveFigure(lambda ax, shift: None, SHIFT, background=3)
    with pytest.raises(ValueError, match=r"needs_more\(fig, extra\): parameter\(s\) \['extra'\] have no slider"):
        def needs_more(fig, extra):
            return fig.subplots()
        InteractiveFigure(lambda ax, shift: None, SHIFT, background=needs_more)


def test_a_failing_position_names_the_draw_function_and_the_state():
    def draw_or_fail(ax, shift):
        if shift == 2.0:
            raise ValueError("off the chart")
        ax.plot([0, 1], [shift, shift])

    figure = InteractiveFigure(draw_or_fail, SHIFT, background=axes_with_contours)
    figure.render(shift=1.0)
    with pytest.raises(RuntimeError, match=r"draw_or_fail failed at shift=2\.0: off the chart"):
        figure.render(shift=2.0)
