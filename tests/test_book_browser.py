"""Every page of the built book in a real browser (Debian's chromium, driven by Playwright).

Each page is opened from a server on 127.0.0.1 with every request recorded: a request to any other
host fails the page (and is blocked, so the test never waits on the network). The page must log
no console error, its math must be typeset by MathJax, and every slider of its static figures
must change the figure when moved, and every icon it shows must be drawn (tools/fontawesome_subset.py
trims the icon script to the icons the book uses). In the same visit, axe-core checks the page as a
reader's browser shows it; the Nu HTML Checker reads every page the build wrote.
"""
import os
import time
from urllib.parse import urlsplit

import pytest
from playwright import sync_api as playwright_api

from browser import CHROMIUM, launch, serve
from conftest import ROOT

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def server(built_book):
    assert built_book.returncode == 0, "the book did not build; see test_book_build"
    with serve(built_book.html) as base:
        yield base.rstrip("/")


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: make test installs it through .ci/system-deps.sh")
    with playwright_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def pages(built_book):
    """Every page the build wrote (the theme's HTML snippets under _static are not pages)."""
    return sorted(str(p.relative_to(built_book.html)) for p in built_book.html.rglob("*.html")
                  if p.relative_to(built_book.html).parts[0] != "_static")


def book_pages():
    """The pages the build must write: one per _toc.yml entry, plus Sphinx's own."""
    from conftest import toc_files

    names = [f"{name}.html" for name in toc_files()]
    return names + ["index.html", "genindex.html", "search.html"]


class PageVisit:
    """Opens one page, recording requests and console errors."""

    def __init__(self, browser, server, path):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.foreign, self.errors, self.failed = [], [], []
        self.context.route("**/*", self.route)
        self.page.on("console", self.console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfailed", lambda request: self.failed.append(request.url))
        # "load", not "networkidle": a visit waits for what it checks (math typeset, frames
        # inflated), and the test waits for the network to settle before reading the requests
        self.response = self.page.goto(f"{server}/{path}", wait_until="load")

    def console(self, message):
        # a browser asks every site for /favicon.ico by itself; the book has none
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(message.text)

    def route(self, route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.mark.parametrize("path", book_pages())
def test_page_is_offline_clean_typeset_accessible_and_its_sliders_work(browser, server, built_book, path):
    """Check that the page loads nothing from another host, logs no error, typesets its math,
    draws its icons, offers its notebook, that every slider changes its figure, and that axe-core
    finds no serious or critical violation (one visit for all: a page visit is most of the cost)."""
    assert (built_book.html / path).is_file(), f"{path} was not built"
    visit = PageVisit(browser, server, path)
    try:
        page = visit.page
        assert visit.response is not None and visit.response.ok
        math = page.locator(".math").count()
        if math:
            page.wait_for_function(
                "n => document.querySelectorAll('mjx-container').length >= n", arg=math, timeout=90_000)
            assert page.locator("mjx-merror").count() == 0, f"{path}: MathJax reports a TeX error"
        typeset = time.monotonic()
        check_sliders(page, path)
        check_notebook_download(page, path, built_book)
        icons = page.locator("svg.svg-inline--fa")
        icons.first.wait_for(state="attached", timeout=30_000)  # drawn by the theme's script
        assert icons.count() > 0, f"{path}: the theme's icons did not render"
        assert page.locator("svg.svg-inline--fa path[d='']").count() == 0, \
            f"{path}: an icon the page shows was trimmed from fontawesome.js"
        check_accessibility(page, path)
        # a request made late (half a second after typesetting, axe's run included) is recorded
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(max(0, 500 - 1000 * (time.monotonic() - typeset)))
        assert visit.foreign == [], f"{path} requested other hosts"
        assert visit.failed == [], f"{path}: requests failed"
        assert visit.errors == [], f"{path}: console errors"
    finally:
        visit.close()


def check_notebook_download(page, path, built_book):
    """A chapter page's download menu offers its .ipynb, and the link serves a notebook."""
    source = built_book.html / "_sources" / path.replace(".html", ".ipynb")
    # the download menu's link; pages may also link assignment notebooks (_downloads/)
    links = page.locator('a[href$=".ipynb"][href*="_sources/"]')
    if not source.is_file():
        assert links.count() == 0, f"{path} links a notebook the build did not write"
        return
    assert links.count() == 1, f"{path}: expected one .ipynb download link, found {links.count()}"
    response = page.request.get(links.first.evaluate("a => a.href"))
    assert response.ok and response.json()["nbformat"] == 4


def check_sliders(page, path):
    figures = page.locator(".lossopt-interactive")
    for f in range(figures.count()):
        figure = figures.nth(f)
        figure.locator("xpath=self::*[@data-ready]").wait_for(timeout=30_000)  # frames inflated
        frame = figure.locator("svg.lossopt-frame g.lossopt-frame-parts")
        assert frame.evaluate("g => g.getBBox().width > 0"), f"{path}: figure {f} is blank"
        sliders = figure.locator("input.lossopt-slider")
        assert sliders.count() >= 1
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            start, top = slider.input_value(), int(slider.get_attribute("max"))
            before = frame.inner_html()
            changed = False
            for position in {0, top, top // 2} - {int(start)}:
                slider.fill(str(position))
                if frame.inner_html() != before:
                    changed = True
                    break
            assert changed, f"{path}: slider {s} of figure {f} never changes its figure"
            slider.fill(start)
            assert frame.inner_html() == before, f"{path}: moving back does not restore the figure"


def test_every_page_of_the_build_is_visited(built_book):
    """The parametrised list above (from _toc.yml) covers every page the build wrote."""
    assert sorted(book_pages()) == pages(built_book)


# -- accessibility and validity -------------------------------------------------------------------

NPM_TOOLS = ROOT / ".venv" / "npm" / "node_modules"
AXE = NPM_TOOLS / "axe-core" / "axe.min.js"
VNU = NPM_TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"


def tool(path):
    if not path.is_file():
        pytest.fail(f"{path} is missing: `make install-test` installs it from npm")
    return path


def check_accessibility(page, path):
    """axe-core, in the page as a reader's browser shows it (math typeset, figures drawn, every
    slider back where it started)."""
    if page.locator(".math").count():
        page.wait_for_selector("html[data-math-ready]", state="attached", timeout=90_000)
    page.add_script_tag(path=str(tool(AXE)))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{path}: axe-core reports\n" + "\n".join(serious)


def test_every_page_is_valid_html(built_book):
    """The Nu HTML Checker (vnu.jar) finds no error in any page the build wrote."""
    import json
    import subprocess

    files = [str(built_book.html / path) for path in book_pages()]
    result = subprocess.run(["java", "-jar", str(tool(VNU)), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{m['url'].rsplit('/html/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}" for m in messages
              if m["type"] == "error" or m.get("subType") == "fatal"]
    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(errors[:60])
