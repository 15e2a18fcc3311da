"""A downloaded chapter in a real JupyterLab 4 and Notebook 7: it runs, no MyST shows, answers fold,
sliders move.

The test starts JupyterLab itself, on 127.0.0.1 with a token, serving a temporary folder that
holds only the downloaded notebook, and drives it in Debian's chromium (tools/browser.py).
``LOSSOPT_SCREENSHOTS=DIR`` keeps the screenshots it takes in DIR.
"""
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import browser  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")

CHAPTER = "book/06_momentum"
# MyST that would show as raw text in a rendered cell
RAW_MYST = re.compile(r"\{(glue(:\w+)?|doc|ref|numref|download|cite|math|eq)\}|:class:|```\{|:::\{|\{admonition\}")


@pytest.fixture
def jupyterlab(built_book, tmp_path):
    """(base URL, token, notebook name, how many Markdown blocks it renders, how many folded
    answers it holds) of a JupyterLab
    (Notebook 7 included) serving only the downloaded chapter."""
    home = tmp_path / "reader"
    home.mkdir()
    notebook = Path(CHAPTER).with_suffix(".ipynb").name
    shutil.copy(built_book.html / "_sources" / f"{CHAPTER}.ipynb", home / notebook)
    with browser.reader_jupyterlab(home, tmp_path, sys.executable) as (base, token):
        cells = nbformat.read(home / notebook, as_version=4).cells
        expected_markdown = sum(cell.cell_type == "markdown" or "Markdown(" in cell.source for cell in cells)
        answers = sum(cell.source.count("<details") for cell in cells if cell.cell_type == "markdown")
        yield base, token, notebook, expected_markdown, answers


def screenshot(page, tmp_path, name):
    folder = Path(os.environ.get("LOSSOPT_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"jupyterlab-{name}.png"))


# where each front end opens a notebook
FRONT_ENDS = {"jupyterlab": "lab/tree", "notebook7": "notebooks"}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_a_downloaded_chapter_runs_cleanly(jupyterlab, tmp_path, front_end):
    base, token, notebook, expected_markdown, quick_checks = jupyterlab
    with playwright_api.sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/{FRONT_ENDS[front_end]}/{notebook}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        browser.wait_until(lambda: browser.kernels_idle(base, token), 120, "the kernel to start")
        screenshot(page, tmp_path, f"{front_end}-opened")

        browser.run_all_cells(page, base, token)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        tracebacks = [text for text in errors.all_inner_texts() if "Traceback" in text or "Error" in text]
        assert tracebacks == []

        # text content, not the text shown: folded answers count too
        # (outputs render after the kernel is idle: wait for them, then read)
        try:
            page.wait_for_function("n => document.querySelectorAll('.jp-RenderedMarkdown').length >= n",
                                   arg=expected_markdown, timeout=60_000)
        except playwright_api.TimeoutError:
            pass  # the assertion below says what is missing
        rendered = page.locator(".jp-RenderedMarkdown").all_text_contents()
        # every text cell, and the Markdown each hidden cell computes
        assert len(rendered) == expected_markdown, "the chapter's text and computed Markdown should be rendered"
        raw = [m.group(0) for text in rendered for m in RAW_MYST.finditer(text)]
        assert raw == [], "raw MyST in the rendered notebook"
        assert page.locator(".jp-RenderedMarkdown mjx-container").count() > 20, "math is typeset"
        # numbers the build glued are in the text: the first quick check's window of 1/(1 - 0.99)
        assert re.search(r"\b100 gradients\b", " ".join(rendered))

        answers = page.locator(".jp-RenderedMarkdown details")
        assert quick_checks >= 4 and answers.count() == quick_checks
        assert all(not d.evaluate("d => d.open") for d in answers.all())
        first = answers.first
        assert not first.locator("text=Why.").is_visible()
        first.locator("summary").click()
        assert first.evaluate("d => d.open") and first.locator("strong", has_text="Why.").is_visible()
        first.scroll_into_view_if_needed()
        screenshot(page, tmp_path, f"{front_end}-answer-open")

        # the figure's output: its sliders and the frame they select, kept in the browser
        output = page.locator(".jp-OutputArea-output:has(.lossopt-live)").first
        output.scroll_into_view_if_needed()
        holder = output.locator(".lossopt-live-frame")
        holder.locator("img").wait_for(timeout=60_000)
        slider = output.locator("input.lossopt-slider").first
        screenshot(page, tmp_path, f"{front_end}-slider-before")

        def shows_a_new_frame(old):
            """The figure shows another frame than ``old``, decoded and drawn."""
            try:
                page.wait_for_function(
                    """([holder, old]) => {
                        const image = holder.firstChild;
                        return holder.dataset.frame !== old && image && image.complete && image.naturalWidth > 1;
                    }""", arg=[holder.element_handle(), old], timeout=60_000)
            finally:
                screenshot(page, tmp_path, f"{front_end}-slider-after")
            return holder.get_attribute("data-frame")

        # dragged with the mouse, as a reader does: from the thumb to the track's left end
        before, value = holder.get_attribute("data-frame"), slider.input_value()
        box = slider.bounding_box()
        fraction = int(value) / int(slider.get_attribute("max"))
        page.mouse.move(box["x"] + 8 + fraction * (box["width"] - 16), box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2, steps=6)
        page.mouse.up()
        assert slider.input_value() != value, "the slider did not move under the mouse"
        dragged = shows_a_new_frame(before)
        # and from the keyboard: the key moves the slider, not the notebook's cell selection
        slider.focus()
        page.keyboard.press("ArrowRight")
        assert slider.input_value() == "1"
        shows_a_new_frame(dragged)
        assert output.locator(".lossopt-value").first.text_content().strip() != ""
        # the frames nobody asked for arrive too, drawn ahead once the first move was on screen
        output.locator(".lossopt-live[data-all-frames]").wait_for(timeout=120_000)
        chromium.close()
