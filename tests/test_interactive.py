"""lossopt.interactive: one figure description, a live slider widget and a static HTML scrubber."""
import base64
import io
import json
import os
import re
import zlib

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from PIL import Image

from lossopt import interactive, live
from lossopt.interactive import InteractiveFigure, Slider, figure_mode, interactive_figure


def draw_line(fig, slope, offset=0.0):
    ax = fig.subplots()
    x = np.linspace(-1, 1, 50)
    ax.plot(x, slope * x + offset)
    ax.set_ylim(-3, 3)


def scrubber_data(html):
    """The frames a static figure carries, inflated as the page's script does."""
    payload = re.search(r'<script type="application/octet-stream" class="lossopt-frames">(.*?)</script>', html, re.S)
    return json.loads(zlib.decompress(base64.b64decode(payload.group(1))))


def frame_markup(data, point):
    """The SVG markup the page shows at grid point number ``point`` (row-major)."""
    return "".join(data["parts"][k] for k in data["frames"][data["index"][point]])


# -- Slider ------------------------------------------------------------------------------------

def test_slider_grid_is_exact_decimals_and_starts_at_min():
    slider = Slider("lr", 0.1, 0.5, 0.1)
    assert slider.values == (0.1, 0.2, 0.3, 0.4, 0.5)
    assert slider.value == 0.1
    assert slider.text == "lr"


def test_integer_slider_passes_integers():
    slider = Slider("steps", 0, 10, 2, value=4, label="steps")
    assert slider.values == (0, 2, 4, 6, 8, 10)
    assert all(isinstance(v, int) for v in slider.values)
    assert slider.format(4) == "4"


def test_readout_uses_the_step_precision():
    assert Slider("d", 0.1, 3.0, 0.1, value=1.0).format(1.0) == "1.0"
    assert Slider("d", 0.0, 1.0, 0.25).format(0.5) == "0.50"


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="lr", min=0.0, max=1.0, step=0.1, value=0.25), "not on its grid"),
    (dict(name="lr", min=0.0, max=1.0, step=0.3), "whole number of steps"),
    (dict(name="lr", min=1.0, max=0.0, step=0.1), "greater than min"),
    (dict(name="lr", min=0.0, max=1.0, step=0.0), "step must be positive"),
    (dict(name="learning rate", min=0.0, max=1.0, step=0.1), "identifier"),
    (dict(name="lr", min=0.0, max=float("nan"), step=0.1), "finite number"),
])
def test_bad_slider_is_rejected_with_its_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Slider(**kwargs)


# -- description checks ------------------------------------------------------------------------

def test_slider_without_matching_parameter_is_rejected():
    with pytest.raises(ValueError, match=r"\['slop'\] match no parameter of draw_line"):
        InteractiveFigure(draw_line, Slider("slop", 0, 2, 1))


def test_parameter_without_slider_or_default_is_rejected():
    def draw(fig, a, b):
        pass

    with pytest.raises(ValueError, match=r"\['b'\] have no slider and no default"):
        InteractiveFigure(draw, Slider("a", 0, 2, 1))


def test_repeated_slider_names_are_rejected():
    with pytest.raises(ValueError, match="unique"):
        InteractiveFigure(draw_line, Slider("slope", 0, 2, 1), Slider("slope", 0, 4, 1))


def test_draw_taking_keywords_accepts_any_slider():
    def draw(fig, **values):
        fig.subplots().set_title(str(values))

    assert InteractiveFigure(draw, Slider("anything", 0, 1, 1)).frame_count == 2


def test_too_many_frames_is_rejected_before_drawing():
    calls = []

    def draw(fig, a, b):
        calls.append((a, b))

    figure = InteractiveFigure(draw, Slider("a", 0, 100, 1), Slider("b", 0, 100, 1))
    with pytest.raises(ValueError, match=r"101 \(a\) x 101 \(b\) = 10201 frames"):
        figure.static_html()
    assert calls == []


def test_failing_draw_names_the_slider_values():
    def draw(fig, slope):
        if slope > 1:
            raise ZeroDivisionError("boom")
        fig.subplots()

    with pytest.raises(RuntimeError, match=r"draw failed at slope=2: boom"):
        InteractiveFigure(draw, Slider("slope", 0, 2, 1)).static_html()


# -- live mode ----------------------------------------------------------------------------------

class Browser:
    """The browser end of a live figure, as far as the kernel can tell: the frames it has been
    sent (by flat grid index, row-major) and the moves it makes (setting ``index``)."""

    def __init__(self, view, says_painted=True):
        self.view, self.messages, self.frames = view, [], {}
        self.says_painted, self.asked_ahead = says_painted, False
        view.send = self.receive
        view._handle_custom_msg({"want": "frames"}, [])  # what a view asks for when it is rendered

    def receive(self, content, buffers=None):
        self.messages.append(content)
        for at, png in zip(content.get("frames", []), buffers or [], strict=True):
            self.frames[at] = png

    def move(self, **values):
        index = list(self.view.index)
        for name, value in values.items():
            k = [s.name for s in self.view.frames.figure.sliders].index(name)
            index[k] = self.view.frames.figure.sliders[k].index(value)
        self.view.index = index
        # as the view does: once the frame of the first move is painted, it says so
        if self.says_painted and not self.asked_ahead and self.shown() is not None:
            self.asked_ahead = True
            self.view._handle_custom_msg({"want": "ahead"}, [])

    def shown(self):
        return self.frames.get(self.view.flat(self.view.index))


def test_live_widget_redraws_the_same_figure_when_a_slider_moves():
    figure = InteractiveFigure(draw_line, Slider("slope", -2.0, 2.0, 0.5, value=1.0), figsize=(3, 2))
    view = figure.widget()
    browser = Browser(view)
    before, fig_before = browser.shown(), figure._figure
    assert before == figure.render(slope=1.0)
    browser.move(slope=-1.5)
    assert view.index == [1] and browser.shown() != before
    assert browser.shown() == figure.render(slope=-1.5) == view.shown_png()
    assert figure._figure is fig_before, "a slider move must not create a new figure"
    assert Image.open(io.BytesIO(browser.shown())).size == (3 * interactive.LIVE_DPI, 2 * interactive.LIVE_DPI)
    assert view.size == [3 * interactive.LIVE_DPI, 2 * interactive.LIVE_DPI]
    assert view.texts == ["slope"] and view.shape == [9]
    assert view.labels == [["-2.0", "-1.5", "-1.0", "-0.5", "0.0", "0.5", "1.0", "1.5", "2.0"]]


def test_the_browser_is_sent_each_frame_once_and_a_new_view_all_of_them():
    """The browser keeps what it is sent and picks the frame itself; the kernel sends a frame
    when it is first drawn, and everything drawn so far to a view that asks (a reopened page)."""
    figure = InteractiveFigure(draw_line, Slider("slope", 0, 2, 1, value=2), Slider("offset", 0, 1, 1, value=1),
                               figsize=(2, 2), dpi=40)
    view = figure.widget()
    browser = Browser(view)
    assert view.shape == [3, 2] and view.index == [2, 1]
    assert browser.messages == [{"frames": [5]}]  # the start values: slope=2, offset=1 -> 2 * 2 + 1
    browser.move(slope=0)
    browser.move(slope=2)  # back to a frame the browser has: nothing sent
    assert browser.messages == [{"frames": [5]}, {"frames": [1]}]
    assert browser.frames[1] == figure.render(slope=0, offset=1)
    second = Browser(view)
    assert second.messages == [{"frames": [5, 1]}] and second.frames == browser.frames


def test_static_html_draws_its_frames_into_one_svg_at_the_column_width():
    figure = InteractiveFigure(draw_line, Slider("slope", -2.0, 2.0, 1.0, value=1.0), figsize=(3, 2), dpi=50)
    html = figure.static_html()
    assert re.search(r'<svg class="lossopt-frame" viewBox="0 0 216 144" role="img" aria-label="[^"]+"[^>]*'
                     r'style="display:block;width:100%;height:auto">', html)
    data = scrubber_data(html)
    assert "<path" in data["definitions"] and "<path" in frame_markup(data, 3)


def recording_line_figure():
    """A small slope x offset figure (3 x 2 grid) and the list of states it has drawn."""
    drawn = []

    def draw(fig, slope, offset):
        drawn.append((slope, offset))
        draw_line(fig, slope, offset)

    return InteractiveFigure(draw, Slider("slope", 0, 2, 1), Slider("offset", 0, 1, 1),
                             figsize=(2, 2), dpi=40), drawn


def test_a_frame_that_cannot_be_drawn_is_reported_to_the_reader_not_waited_for():
    def draw(fig, k):
        if k == 2:
            raise ValueError("no such learning rate")
        draw_line(fig, k, 0)

    view = InteractiveFigure(draw, Slider("k", 0, 3, 1), figsize=(2, 2), dpi=40).widget()
    browser = Browser(view)
    with pytest.raises(RuntimeError, match="no such learning rate"):
        browser.move(k=2)
    assert browser.messages[-1]["frame"] == 2
    assert "draw failed at k=2: no such learning rate" in browser.messages[-1]["error"]
    browser.move(k=3)  # the next move draws as before
    assert browser.shown() == view.frames.frames[(3,)]


def test_without_the_cache_every_slider_move_draws_its_state_and_shows_it():
    figure, seen = recording_line_figure()
    view = figure.widget(cache=False)
    browser = Browser(view)
    shown = [browser.shown()]
    for name, value in (("slope", 1), ("offset", 1), ("slope", 2), ("offset", 0)):
        browser.move(**{name: value})
        shown.append(browser.shown())
    # the start state, then each move's state, drawn at once
    assert seen == [(0, 0), (1, 0), (1, 1), (2, 1), (2, 0)]
    assert len(set(shown)) == 5  # five states, five different pictures


# -- static mode --------------------------------------------------------------------------------

def test_static_html_holds_one_frame_per_grid_point_in_row_major_order():
    figure = InteractiveFigure(draw_line, Slider("slope", 0, 2, 1, value=1), Slider("offset", -1.0, 1.0, 1.0),
                               figsize=(2, 2), dpi=40)
    html = figure.static_html()
    data = scrubber_data(html)
    assert data["shape"] == [3, 3]
    assert len(data["index"]) == 9
    assert data["labels"] == [["0", "1", "2"], ["-1.0", "0.0", "1.0"]]
    frames = [frame_markup(data, k) for k in range(9)]
    # every state draws a different line, so all nine frames differ
    assert len(set(frames)) == 9
    # frame (slope=2, offset=1) in row-major order is the one drawn for those values (the ids
    # of a figure's definitions start with its own prefix: compare without it)
    expected = InteractiveFigure(draw_line, Slider("slope", 2, 3, 1), Slider("offset", 1.0, 2.0, 1.0),
                                 figsize=(2, 2), dpi=40)
    alone = scrubber_data(expected.static_html())
    assert re.sub(r"lo\d+-", "", frame_markup(alone, 0)) == re.sub(r"lo\d+-", "", frames[2 * 3 + 2])
    assert html.count('type="range"') == 2
    assert 'value="1"' in html  # slope starts at index 1


def test_static_html_is_self_contained():
    html = InteractiveFigure(draw_line, Slider("slope", 0, 2, 1), figsize=(2, 2), dpi=40).static_html()
    assert "http" not in html and "require" not in html and "widget" not in html
    assert "document.currentScript" in html


def test_identical_frames_are_stored_once():
    def draw(fig, slope):
        draw_line(fig, 1.0)  # ignores the slider

    data = scrubber_data(InteractiveFigure(draw, Slider("slope", 0, 4, 1), figsize=(2, 2), dpi=40).static_html())
    assert data["index"] == [0] * 5 and len(data["frames"]) == 1


def test_what_the_slider_does_not_change_is_stored_once():
    """A contour set drawn in every frame is one part of the figure; the moving line one part per frame."""
    def draw(fig, slope):
        ax = fig.subplots()
        xs = np.linspace(-1, 1, 30)
        ax.contour(xs, xs, np.add.outer(xs ** 2, 3 * xs ** 2), levels=6, colors="0.75")
        ax.plot(xs, slope * xs, color="C1")
        ax.set_ylim(-1, 1)  # fixed axes: only the line moves

    data = scrubber_data(InteractiveFigure(draw, Slider("slope", 0, 4, 1), figsize=(2, 2), dpi=40).static_html())
    contours = [k for k, part in enumerate(data["parts"]) if 'stroke: #bfbfbf' in part]
    assert len(contours) == 1  # 0.75 grey
    assert all(contours[0] in frame for frame in data["frames"])
    lines = {k for frame in data["frames"] for k in frame} - set.intersection(*map(set, data["frames"]))
    assert len(lines) == 5 and all("stroke: #ff7f0e" in data["parts"][k] for k in lines)  # C1


def test_two_figures_on_a_page_never_share_an_id():
    pages = [InteractiveFigure(draw_line, Slider("slope", 0, 1, 1), figsize=(2, 2), dpi=40).static_html()
             for _ in range(2)]
    ids = [set(re.findall(r' id="([^"]+)"', scrubber_data(html)["definitions"])) for html in pages]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    for html, own in zip(pages, ids):  # every reference points at the figure's own definitions
        data = scrubber_data(html)
        referenced = set(re.findall(r'(?:href="#|url\(#)([^")]+)', data["definitions"] + "".join(data["parts"])))
        assert referenced and referenced <= own


def test_a_frame_that_cannot_be_encoded_names_the_figure_and_state():
    def draw_bad_title(fig, k):
        ax = fig.subplots()
        ax.set_title(r"$\frac{1}{$" if k == 2 else "fine")

    figure = InteractiveFigure(draw_bad_title, Slider("k", 0, 3, 1), figsize=(2, 2), dpi=40)
    with pytest.raises(RuntimeError, match=r"draw_bad_title: the SVG frame at k=2 cannot be encoded: ValueError"):
        figure.static_html()


def test_over_budget_frames_raise(monkeypatch):
    monkeypatch.setattr(interactive, "MAX_STATIC_BYTES", 100)
    with pytest.raises(ValueError, match="MB budget"):
        InteractiveFigure(draw_line, Slider("slope", 0, 2, 1), figsize=(2, 2), dpi=40).static_html()


# -- mode switch ---------------------------------------------------------------------------------

def test_mode_defaults_to_live_and_rejects_unknown(monkeypatch):
    monkeypatch.delenv(interactive.MODE_VARIABLE, raising=False)
    assert figure_mode() == "live"
    monkeypatch.setenv(interactive.MODE_VARIABLE, "Static")
    assert figure_mode() == "static"
    monkeypatch.setenv(interactive.MODE_VARIABLE, "sometimes")
    with pytest.raises(ValueError, match="LOSSOPT_FIGURES"):
        figure_mode()


def test_sphinx_setup_switches_the_build_to_static(monkeypatch):
    monkeypatch.setenv(interactive.MODE_VARIABLE, "live")
    interactive.setup(app=None)
    assert figure_mode() == "static"


@pytest.mark.parametrize("mode, mime", [("static", "text/html"),
                                        ("live", "application/vnd.jupyter.widget-view+json")])
def test_interactive_figure_displays_the_mode_output_once(monkeypatch, mode, mime):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    monkeypatch.setenv(interactive.MODE_VARIABLE, mode)
    with capture_output() as captured:
        result = interactive_figure(draw_line, Slider("slope", 0, 1, 1), figsize=(2, 2), dpi=40)
    assert result is None
    assert len(captured.outputs) == 1 and mime in captured.outputs[0].data
    if mode == "static":
        assert "application/vnd.jupyter.widget-view+json" not in captured.outputs[0].data


# -- live frame cache -----------------------------------------------------------------------------

def test_frames_drawn_ahead_fill_the_whole_grid_in_another_process():
    figure, drawn = recording_line_figure()
    view = figure.widget(prefetch=False)
    browser = Browser(view)
    view.frames.start()
    assert view.frames.wait(timeout=60)
    assert drawn == [(0, 0)], "the kernel draws only the start state; the rest is drawn elsewhere"
    assert set(view.frames.frames) == {(a, b) for a in range(3) for b in range(2)}
    sent = [at for message in browser.messages for at in message["frames"]]
    assert sorted(sent) == list(range(6)), f"each frame sent to the browser once: {sent}"
    for (a, b), png in view.frames.frames.items():
        assert browser.frames[2 * a + b] == png == figure.render(slope=a, offset=b)
    before = len(drawn)
    browser.move(slope=2, offset=1)  # moves after the fill draw nothing and send nothing
    assert len(drawn) == before and len(browser.messages) == 1 + 5
    assert browser.shown() == figure.render(slope=2, offset=1)


def test_a_move_is_drawn_at_once_and_drawing_ahead_goes_on_around_it():
    import multiprocessing

    from lossopt import live

    context = multiprocessing.get_context("fork")
    holding, release = context.Event(), context.Event()
    parent = os.getpid()

    def draw(fig, k):
        if k == 1 and os.getpid() != parent:
            holding.set()
            release.wait(30)  # the drawing process is held on its first frame
        draw_line(fig, k, 0)

    figure = InteractiveFigure(draw, Slider("k", 0, 9, 1), figsize=(2, 2), dpi=40)
    view = figure.widget(prefetch=True)  # the kernel draws k=0; the process starts on k=1
    arrived = []
    store = view.frames._store
    view.frames._store = lambda key, png: (arrived.append(key[0]), store(key, png))
    browser = Browser(view)
    assert holding.wait(60), "the drawing process never reached its first frame"
    browser.move(k=9)  # the far end: the kernel draws it now, not after the process
    assert (9,) in view.frames.frames and browser.shown() == view.frames.frames[(9,)]
    release.set()
    assert view.frames.wait(timeout=60)
    assert arrived[0] == 9 and arrived[1] == 1, arrived
    assert arrived[2:] == [8, 7, 6, 5, 4, 3, 2], f"not drawn nearest the latest position first: {arrived}"
    assert len(view.frames.frames) == 10 and sorted(browser.frames) == list(range(10))


def test_outside_a_kernel_nothing_is_drawn_in_the_background():
    drawn = []

    def draw(fig, k):
        drawn.append(k)
        draw_line(fig, k, 0)

    view = InteractiveFigure(draw, Slider("k", 0, 5, 1), figsize=(2, 2), dpi=40).widget()
    Browser(view).move(k=3)
    assert view.frames.thread is None and drawn == [0, 3]


def test_in_a_kernel_the_first_move_painted_starts_the_background_drawing(monkeypatch):
    monkeypatch.setattr(interactive, "_in_kernel", lambda: True)
    view = InteractiveFigure(draw_line, Slider("slope", 0, 4, 1), Slider("offset", 0, 1, 1),
                             figsize=(2, 2), dpi=40).widget()
    browser = Browser(view)
    assert view.frames.thread is None  # shown, nobody has touched it: nothing drawn ahead
    browser.move(slope=1)
    assert view.frames.thread is not None and view.frames.wait(timeout=60)
    assert len(view.frames.frames) == 10 and sorted(browser.frames) == list(range(10))


def test_a_move_is_answered_before_any_drawing_process_is_forked(monkeypatch):
    """Check that the fork waits for the view to say the move's frame is on screen."""
    monkeypatch.setattr(interactive, "_in_kernel", lambda: True)
    view = InteractiveFigure(draw_line, Slider("slope", 0, 4, 1), figsize=(2, 2), dpi=40).widget()
    browser = Browser(view, says_painted=False)
    browser.move(slope=3)
    assert browser.shown() is not None, "the move's frame should be drawn and sent at once"
    assert view.frames.thread is None, "no drawing process before the view says the frame is painted"
    view._handle_custom_msg({"want": "ahead"}, [])
    assert view.frames.wait(timeout=60) and sorted(browser.frames) == list(range(5))


def test_the_kernel_and_the_drawing_process_can_draw_math_text_at_once():
    """A log axis's labels (10^-8) are math text, whose parsed form keeps its fonts; a drawing
    process that kept the kernel's would read the font files through the kernel's descriptors,
    and the kernel's own draws would fail ("FT_Load_Glyph ... too many hints")."""
    def draw(fig, k):
        ax = fig.subplots()
        ax.semilogy(np.arange(50), np.exp(-np.arange(50) * (k + 1) / 10) + 1e-9)
        ax.set_ylim(1e-8, 1e3)
        ax.set_title(f"$k = {k}$, $10^{{-{k}}}$")

    figure = InteractiveFigure(draw, Slider("k", 0, 59, 1), figsize=(3, 2), dpi=60)
    view = figure.widget(prefetch=True)
    failures, draws = [], 0
    while not view.frames.wait(timeout=0) and draws < 400:
        try:
            figure._png({"k": draws % 60})
        except RuntimeError as error:
            failures.append(str(error))
        draws += 1
    assert failures == []
    assert view.frames.wait(timeout=60) and len(view.frames.frames) == 60
