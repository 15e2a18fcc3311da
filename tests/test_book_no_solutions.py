"""No solution code and no hidden-test source reaches the built book.

The chapters teach the formulas as readable code of their own, and the Exercises part renders the
released notebooks; neither, nor any notebook the book offers for download, may carry what
``solutions/`` keeps between nbgrader's markers.
"""
import html
import re

import nbformat
import pytest

from conftest import ROOT

MARKERS = {"solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
           "hidden test": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")}
WINDOW = 3  # consecutive significant lines that count as a leak
# A one-line solution (``return w - lr * g``) is the formula itself, which the chapters must teach;
# what may not appear is worked code, so only blocks of two or more lines are looked for.
MIN_LINES = 2


def significant(lines):
    """Code lines with the layout folded away: no blanks, no comments, single spaces."""
    out = []
    for line in lines:
        line = " ".join(line.split())
        if line and not line.startswith("#"):
            out.append(line)
    return out


def marked_blocks():
    """(notebook, cell id, kind, significant lines) of every solution/hidden-test block."""
    blocks = []
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
            for kind, (begin, end) in MARKERS.items():
                for body in re.findall(re.escape(begin) + r"(.*?)" + re.escape(end), cell.source, re.S):
                    lines = significant(body.splitlines())
                    if len(lines) >= MIN_LINES:
                        blocks.append((path.relative_to(ROOT), grade_id, kind, lines))
    return blocks


def page_text(page):
    """The text a reader can see or copy from a page, one line per source line."""
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", page.read_text(), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(significant(text.splitlines()))


def notebook_text(path):
    """The code and text of a notebook the book offers for download, one line per source line."""
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(significant("\n".join(cell.source for cell in notebook.cells).splitlines()))


def test_solutions_have_marked_blocks():
    """The leak check below is only worth something if it has blocks to look for."""
    notebooks = {notebook for notebook, _, kind, _ in marked_blocks() if kind == "solution"}
    assert len(notebooks) == len(list((ROOT / "solutions").glob("*/*.ipynb"))) > 0


@pytest.mark.parametrize("notebook,grade_id,kind,lines", marked_blocks(),
                         ids=lambda v: str(v) if isinstance(v, str) else None)
def test_no_block_appears_in_the_book(built_book, notebook, grade_id, kind, lines):
    assert built_book.returncode == 0, "the book did not build"
    pages = {p.relative_to(built_book.html): page_text(p) for p in built_book.html.rglob("*.html")}
    # the notebooks readers download: chapters (_sources) and released assignments (_downloads)
    pages.update({p.relative_to(built_book.html): notebook_text(p)
                  for p in built_book.html.rglob("*.ipynb")})
    # the page sources the download menu also offers (.md)
    pages.update({p.relative_to(built_book.html): "\n".join(significant(p.read_text().splitlines()))
                  for p in built_book.html.rglob("*.md")})
    windows = ["\n".join(lines[i:i + WINDOW]) for i in range(max(1, len(lines) - WINDOW + 1))]
    leaks = [f"{page}: {w!r}" for page, text in pages.items() for w in windows if w in text]
    assert leaks == [], f"the {kind} of {notebook} cell {grade_id} appears in the built book"
