"""Every slider figure of the built book shows what the live figure shows, for the same slider values.

Each chapter with slider figures runs here (``chapter_runner``), its ``interactive_figure`` calls
recorded; each figure is drawn as a reader's kernel draws it (laid out at its start state, then
moved) at one state away from its start. The built page's figure is moved to the same state in
Chromium, and its SVG (as the page's script assembled it from the stored parts) is rasterised at
the live image's pixel size and compared with

* the live figure rendered by matplotlib's SVG backend, rasterised by the same Chromium: the two
  must agree up to the book's 0.1 pt rounding, so a part lost or garbled in storage (a light
  contour set, a grid, a legend, a glyph) fails;
* the live figure rendered by Agg (the PNG a reader's kernel shows): Agg and Chromium anti-alias
  and place edges differently, so this compares ink per tile of the image, loosely: an artist the
  SVG backend could not draw would fail it.

The live figure is drawn as a reader's kernel draws it: what no slider changes once, each new
position into it (``lossopt.blitting``); those frames are also checked against a whole redraw,
pixel for pixel.
"""
import base64
import io
import itertools
import random
import re

import numpy as np
import pytest
from PIL import Image

from chapter_runner import run_chapter
from conftest import source_of, toc_files
from lossopt.svgframes import render_svg
from test_book_browser import PageVisit, browser, server  # noqa: F401  (fixtures)

#: Grey levels (0-255) by which a pixel may differ between two Chromium renders of the same figure.
PIXEL_TOLERANCE = 32
#: Share of pixels that may differ by more: the book's rounding of coordinates to 0.1 pt moves an
#: edge by at most 0.07 px. The valley's light grey contours in "Momentum and Nesterov" cover
#: over 1 % of that figure.
SAME_RENDERER_AREA = 0.002
#: Tiles (pixels) over which Agg's and Chromium's ink is compared, and the share of the figure's
#: ink that may differ between them tile by tile (anti-aliasing and pixel snapping move ink by
#: a pixel or so; within a tile it is kept).
TILE = 32
AGG_INK_TOLERANCE = 0.10


def chapters_with_sliders():
    return [name.split("/")[-1] for name in toc_files()
            if source_of(name).suffix == ".md" and "interactive_figure(" in source_of(name).read_text()]


def recorded_figures(monkeypatch, chapter):
    """The InteractiveFigure of every ``interactive_figure`` call of the chapter, in page order."""
    from lossopt import interactive

    figures = []

    def record(draw, *sliders, **options):
        figures.append(interactive.InteractiveFigure(draw, *sliders, **options))

    monkeypatch.setattr(interactive, "interactive_figure", record)
    run_chapter(chapter)
    return figures


def moved_state(figure):
    """Grid indices away from the start: every slider at the far end of its grid from its start."""
    far = {}
    for slider in figure.sliders:
        k = slider.index(slider.value)
        far[slider.name] = len(slider.values) - 1 if k < len(slider.values) / 2 else 0
    return far


def differing_area(a, b):
    """Share of pixels whose grey levels differ by more than PIXEL_TOLERANCE."""
    assert a.size == b.size
    a, b = (np.asarray(image.convert("L"), dtype=float) for image in (a, b))
    return float((np.abs(a - b) > PIXEL_TOLERANCE).mean())


def ink_difference(a, b):
    """Share of the figure's ink (darkness) that differs between the two images, tile by tile."""
    assert a.size == b.size
    inks = []
    for image in (a, b):
        ink = 255 - np.asarray(image.convert("L"), dtype=float)
        h, w = ink.shape[0] // TILE * TILE, ink.shape[1] // TILE * TILE
        inks.append(ink[:h, :w].reshape(h // TILE, TILE, w // TILE, TILE).sum(axis=(1, 3)))
    return float(np.abs(inks[0] - inks[1]).sum() / max(inks[0].sum(), 1.0))


def rasterise(context, markup, size):
    """``markup`` (an inline <svg> or an <img>) drawn alone on a page of exactly ``size`` pixels,
    so that no sub-pixel position in the book's column shifts it."""
    page = context.new_page()
    try:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.set_content(f'<body style="margin:0"><div style="width:{size[0]}px;line-height:0">{markup}</div></body>')
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        return Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    finally:
        page.close()


def book_frame(page, index, state):
    """The markup of the page's figure number ``index`` once its sliders are at ``state``."""
    figure = page.locator(".lossopt-interactive").nth(index)
    figure.locator("xpath=self::*[@data-ready]").wait_for()
    for slider, k in zip(figure.locator("input.lossopt-slider").all(), state):
        slider.fill(str(k))
    return figure.locator("svg.lossopt-frame").evaluate("svg => svg.outerHTML")



def assert_drawn_in_part_as_a_whole_redraw(figure, where, seed, count=3):
    """A reader's never-drawn frames are drawn into the figure's kept background
    (lossopt.blitting): check that no position falls back to a whole redraw and that each frame
    is a whole redraw's pixels."""
    assert figure.background is not None, f"{where}: no background, so every live move redraws it whole"
    names = [s.name for s in figure.sliders]
    states = list(itertools.product(*(s.values for s in figure.sliders)))
    random.Random(seed).shuffle(states)
    for point in states[:count]:
        values = dict(zip(names, point))
        figure.render()  # a drawer at the start state, as in a reader's kernel
        in_part = np.asarray(Image.open(io.BytesIO(figure.render(**values))).convert("RGBA"))
        assert figure._in_part, f"{where}: at {values} the position changed the background, so it is redrawn whole"
        whole = figure._prepare(figure._drawer.fig.dpi, values)
        whole.canvas.draw()
        differing = int((np.asarray(whole.canvas.buffer_rgba()) != in_part).any(axis=-1).sum())
        assert differing == 0, f"{where}: at {values}, {differing} pixels differ from a whole redraw"


@pytest.mark.parametrize("chapter", chapters_with_sliders())
def test_static_frames_match_the_live_figure(monkeypatch, browser, server, built_book, chapter, tmp_path):  # noqa: F811
    figures = recorded_figures(monkeypatch, chapter)
    assert figures, f"{chapter}: no interactive_figure call was recorded"
    visit = PageVisit(browser, server, f"book/{chapter}.html")
    try:
        page = visit.page
        assert page.locator(".lossopt-interactive").count() == len(figures)
        for index, figure in enumerate(figures):
            state = moved_state(figure)
            values = {s.name: s.values[state[s.name]] for s in figure.sliders}
            figure.render()  # the start state lays the figure out, as in a reader's kernel
            agg = Image.open(io.BytesIO(figure.render(**values))).convert("RGB")
            svg = base64.b64encode(render_svg(figure._figure).encode()).decode()
            live = rasterise(visit.context, f'<img style="width:100%" src="data:image/svg+xml;base64,{svg}">', agg.size)
            book = rasterise(visit.context, book_frame(page, index, [state[s.name] for s in figure.sliders]), agg.size)
            name = re.sub(r"\W", "_", f"{chapter}-{index}-{figure.draw.__name__}")
            for kind, image in (("agg", agg), ("live", live), ("book", book)):
                image.save(tmp_path / f"{name}-{kind}.png")
            where = f"{chapter}, figure {index} ({figure.draw.__name__}) at {values} (images in {tmp_path})"
            area, ink = differing_area(live, book), ink_difference(agg, book)
            print(f"{where}: {area:.4%} of pixels differ from the live SVG, {ink:.2%} of ink from Agg")
            assert area <= SAME_RENDERER_AREA, f"{where}: the book's frame differs from the live figure over {area:.2%} of its area"
            assert ink <= AGG_INK_TOLERANCE, f"{where}: {ink:.1%} of the live (Agg) figure's ink is elsewhere or missing in the book"
            assert_drawn_in_part_as_a_whole_redraw(figure, where, seed=f"{chapter}-{index}")
    finally:
        visit.close()

