"""Reading flow: every figure's drawing code is folded on the page, and every figure says what it shows.

A figure-producing cell is one whose output, in the notebook the build executed, holds an image
or a slider figure; its code is folded (``hide-input``: a toggle on the page, still in the
notebook) and it carries a caption (``mystnb.figure.caption``) that the page shows under it.
"""
import html
import re

import nbformat
import pytest

from conftest import chapter_notebooks, formula_map

CHAPTERS = [name for name, _ in chapter_notebooks()]
SOURCES = dict(chapter_notebooks())
FOLDED = {"hide-input", "remove-input", "remove-cell", "hide-cell"}
SLIDER_FIGURE = 'class="lossopt-interactive"'


def draws_a_figure(cell):
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if any(mime.startswith("image/") for mime in data) or SLIDER_FIGURE in str(data.get("text/html", "")):
            return True
    return False


def figure_cells(built_book, name):
    executed = built_book.html.parent / "jupyter_execute" / f"{name}.ipynb"
    notebook = nbformat.read(executed, as_version=4)
    return [(number, cell) for number, cell in enumerate(notebook.cells, start=1)
            if cell.cell_type == "code" and draws_a_figure(cell)]


# Sphinx's smartquotes prints ' and " typographically on the page
_TYPOGRAPHIC = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalised(text):
    return " ".join(text.translate(_TYPOGRAPHIC).split())


def caption_of(cell):
    return str(cell.metadata.get("mystnb", {}).get("figure", {}).get("caption", "")).strip()


def test_every_chapter_draws_figures(built_book):
    """The check below has something to check: the executed notebooks hold the figures."""
    counts = {name: len(figure_cells(built_book, name)) for name in CHAPTERS}
    assert sum(counts.values()) >= 25, counts


@pytest.mark.parametrize("name", CHAPTERS)
def test_figure_code_is_folded_and_every_figure_captioned(built_book, name):
    page = html.unescape((built_book.html / f"{name}.html").read_text())
    captions_on_page = [normalised(re.sub(r"<[^>]+>", " ", text)) for text in
                        re.findall(r'<figcaption>\s*<p><span class="caption-number">[^<]*</span>'
                                   r'<span class="caption-text">(.*?)</span>', page, re.S)]
    problems = []
    for number, cell in figure_cells(built_book, name):
        first_line = cell.source.strip().splitlines()[0]
        if "hide-input" not in cell.metadata.get("tags", []):
            problems.append(f"cell {number} ({first_line!r}) draws a figure but its code is not folded")
        caption = caption_of(cell)
        if len(caption.split()) < 6:
            problems.append(f"cell {number} ({first_line!r}) has no caption saying what its figure shows")
        elif normalised(caption) not in captions_on_page:
            problems.append(f"cell {number}: its caption is not under its figure on the page")
    assert problems == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_code_that_teaches_stays_in_view(name):
    """No function the README's formula map says a chapter teaches is defined in a folded cell."""
    taught = {function for names, chapter, _, _ in formula_map() if chapter == f"{name}.md" for function in names}
    folded = [(number, function) for number, cell in enumerate(SOURCES[name].cells, start=1)
              if cell.cell_type == "code" and FOLDED.intersection(cell.metadata.get("tags", []))
              for function in re.findall(r"^def (\w+)\(", cell.source, re.M) if function in taught]
    assert folded == [], f"{name}: taught functions in folded cells (cell, function)"
