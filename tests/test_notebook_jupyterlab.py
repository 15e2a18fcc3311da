"""A downloaded chapter in a real JupyterLab 4: it runs, no MyST shows, answers fold, sliders move.

The test starts JupyterLab itself, on 127.0.0.1 with a token, serving a temporary folder that
holds only the downloaded notebook, and drives it in Debian's chromium (tools/browser.py).
``LOSSOPT_SCREENSHOTS=DIR`` keeps the screenshots it takes in DIR.
"""
import json
import os
import re
import secrets
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
# JupyterLab 4 renders only the cells in view by default; the test reads every cell
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


@pytest.fixture
def jupyterlab(built_book, tmp_path):
    """(base URL, token, notebook name, how many Markdown blocks it renders) of a JupyterLab serving only the downloaded chapter."""
    home = tmp_path / "reader"
    home.mkdir()
    notebook = Path(CHAPTER).with_suffix(".ipynb").name
    shutil.copy(built_book.html / "_sources" / f"{CHAPTER}.ipynb", home / notebook)
    settings = tmp_path / "settings"
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), browser.free_port()
    environment = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
                   "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
                   "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
                   "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    environment.pop("LOSSOPT_FIGURES", None)  # a reader's kernel: live sliders
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={home}",
               # containers and CI often run the tests as root, which JupyterLab refuses by default
               *(["--allow-root"] if os.geteuid() == 0 else [])]
    with browser.jupyter_server(command, token=token, port=port, log_path=tmp_path / "jupyterlab.log",
                                cwd=home, env=environment) as base:
        cells = nbformat.read(home / notebook, as_version=4).cells
        expected_markdown = sum(cell.cell_type == "markdown" or "Markdown(" in cell.source for cell in cells)
        yield base, token, notebook, expected_markdown


def screenshot(page, tmp_path, name):
    folder = Path(os.environ.get("LOSSOPT_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"jupyterlab-{name}.png"))


def test_a_downloaded_chapter_runs_cleanly_in_jupyterlab(jupyterlab, tmp_path):
    base, token, notebook, expected_markdown = jupyterlab
    with playwright_api.sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/lab/tree/{notebook}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        kernel_idle = ("() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
                       ".some(e => /\\| Idle$/.test(e.textContent.trim()))")
        page.wait_for_function(kernel_idle, timeout=120_000)
        screenshot(page, tmp_path, "opened")

        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        # every shown prompt numbered (cells with collapsed source show none), none waiting ([*]),
        # and the kernel idle again: the collapsed cells at the end have run too
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                    .map(p => p.textContent.trim()).filter(t => t);
                return prompts.length > 5 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
            }""", timeout=600_000)
        page.wait_for_function(kernel_idle, timeout=600_000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        tracebacks = [text for text in errors.all_inner_texts() if "Traceback" in text or "Error" in text]
        assert tracebacks == []

        # text content, not the text shown: folded answers count too
        rendered = page.locator(".jp-RenderedMarkdown").all_text_contents()
        # every text cell, and the Markdown each hidden cell computes
        assert len(rendered) == expected_markdown, "the chapter's text and computed Markdown should be rendered"
        raw = [m.group(0) for text in rendered for m in RAW_MYST.finditer(text)]
        assert raw == [], "raw MyST in the rendered notebook"
        assert page.locator(".jp-RenderedMarkdown mjx-container").count() > 20, "math is typeset"
        # numbers the build glued are in the text: the first quick check's window of 1/(1 - 0.99)
        assert re.search(r"\b100 gradients\b", " ".join(rendered))

        answers = page.locator(".jp-RenderedMarkdown details")
        assert answers.count() == 4
        assert all(not d.evaluate("d => d.open") for d in answers.all())
        first = answers.first
        assert not first.locator("text=Why.").is_visible()
        first.locator("summary").click()
        assert first.evaluate("d => d.open") and first.locator("strong", has_text="Why.").is_visible()
        first.scroll_into_view_if_needed()
        screenshot(page, tmp_path, "answer-open")

        # the figure's output: its sliders and the image of the frame they select (one image
        # per grid point, the browser shows the selected one)
        output = page.locator(".jp-OutputArea-output:has(.widget-slider):has(.widget-image)").first
        output.scroll_into_view_if_needed()
        before = output.locator(".widget-image").first.get_attribute("src")
        screenshot(page, tmp_path, "slider-before")
        handle = output.locator(".noUi-handle").first
        handle.focus()
        for _ in range(3):
            handle.press("ArrowLeft")
        # a new frame, decoded and drawn (a 1x1 image is one the kernel has not drawn yet)
        page.wait_for_function(
            """([output, old]) => {
                const image = output.querySelector('.widget-image');
                return image && image.getAttribute('src') !== old && image.complete && image.naturalWidth > 1;
            }""", arg=[output.element_handle(), before], timeout=60_000)
        screenshot(page, tmp_path, "slider-after")
        chromium.close()
