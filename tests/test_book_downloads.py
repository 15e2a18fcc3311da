"""A chapter downloaded from the book is at home in Jupyter: no MyST left in its text, quick-check
answers folded, every glued number and every cross-reference filled in by the build."""
import html
import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

from conftest import chapter_notebooks

CHAPTERS = [name for name, _ in chapter_notebooks()]
SOURCES = dict(chapter_notebooks())

# What Jupyter would show as raw text: MyST directives, options, roles, targets and comments.
MYST_RESIDUE = re.compile(
    r"(?P<directive>^\s*>?\s*(`{3,}|:{3,})\s*\{[\w:-]+\})"
    r"|(?P<option>^\s*>?\s*:(class|tags|label|name|alt|width|align):)"
    r"|(?P<role>\{[a-zA-Z][\w:.-]*\}`)"
    r"|(?P<target>^\([\w:-]+\)=\s*$)"
    r"|(?P<comment>^%)", re.M)
GLUE_ROLE = re.compile(r"\{glue(:[a-z]*)?\}`[^`]+`")
PASTED = re.compile(r'<span class="pasted-text">(.*?)</span>', re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def download_of(built_book, name):
    return built_book.html / "_sources" / f"{name}.ipynb"


def markdown_cells(notebook):
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_myst_syntax_is_left_in_a_download(built_book, name):
    notebook = nbformat.read(download_of(built_book, name), as_version=4)
    residue = [(number, match.group(0)) for number, cell in enumerate(notebook.cells, start=1)
               if cell.cell_type == "markdown" for match in MYST_RESIDUE.finditer(cell.source)]
    assert residue == [], f"{name}: raw MyST in its download (cell, text)"


@pytest.mark.parametrize("name", CHAPTERS)
def test_quick_check_answers_are_folded_until_opened(built_book, name):
    """Every dropdown of the chapter is a closed <details> whose <summary> is its title."""
    source = "\n".join(markdown_cells(SOURCES[name]))
    dropdowns = len(re.findall(r"^:class:.*\bdropdown\b", source, re.M)) + source.count("```{dropdown}")
    text = "\n".join(markdown_cells(nbformat.read(download_of(built_book, name), as_version=4)))
    folded = re.findall(r"^<details>\n<summary>[^<\n]+</summary>\n\n", text, re.M)
    assert len(folded) == dropdowns == text.count("</details>")
    assert "<details open" not in text


@pytest.mark.parametrize("name", CHAPTERS)
def test_glued_numbers_are_the_ones_the_page_shows(built_book, name):
    """myst_nb pasted each glued value into the page; the download has the same value in its place."""
    page_values = [html.unescape(value) for value in
                   PASTED.findall((built_book.html / f"{name}.html").read_text())]
    downloaded = markdown_cells(nbformat.read(download_of(built_book, name), as_version=4))[1:]  # after the install line
    source_cells = markdown_cells(SOURCES[name])
    assert len(downloaded) == len(source_cells)
    roles = sum(len(GLUE_ROLE.findall(cell)) for cell in source_cells)
    assert len(page_values) == roles, f"{name}: {roles} glue roles, {len(page_values)} values on the page"
    values = iter(page_values)
    for number, (source, text) in enumerate(zip(source_cells, downloaded), start=1):
        expected = [next(values) for _ in GLUE_ROLE.finditer(source)]
        for value in set(expected):
            assert text.count(value) >= expected.count(value), \
                f"{name}, text cell {number}: the download should read {value!r} where the page does"


@pytest.mark.parametrize("name", CHAPTERS)
def test_links_in_a_download_lead_into_the_book(built_book, name):
    """Relative links resolve, from where the notebook is served, to a page or file of the book."""
    path = download_of(built_book, name)
    notebook = nbformat.read(path, as_version=4)
    links = [url for text in markdown_cells(notebook) for url in LINK.findall(text)]
    source = "\n".join(markdown_cells(SOURCES[name]))
    assert len(links) >= len(re.findall(r"\{(doc|ref|numref|download|cite)\}`", source))
    broken = []
    for url in links:
        assert not re.match(r"(https?:)?//", url), f"{name}: {url} leaves the book (no base URL is set)"
        target, _, anchor = url.partition("#")
        file = (path.parent / unquote(target)).resolve()
        if not file.is_file() or (anchor and f'id="{anchor}"' not in file.read_text()):
            broken.append(url)
        assert Path(built_book.html).resolve() in file.parents, f"{name}: {url} points outside the book"
    assert broken == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_cells_the_page_hides_open_collapsed(built_book, name):
    notebook = nbformat.read(download_of(built_book, name), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            hidden = bool({"hide-input", "remove-input", "remove-cell"} & set(cell.metadata.get("tags", [])))
            assert cell.metadata.get("jupyter", {}).get("source_hidden", False) == hidden, cell.source[:80]
