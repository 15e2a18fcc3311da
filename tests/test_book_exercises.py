"""The book's Exercises part: every released assignment rendered, downloadable, and described by
numbers read from its own nbgrader metadata.
"""
import re
from html import unescape

import nbformat
import pytest

from autograder.vocabulary import column_of, graded_parts
from conftest import ROOT, toc_files

ASSIGNMENTS = ["losses", "ce_vs_mse", "optimizers", "adam", "backprop_221"]


def released(name):
    return ROOT / "exercises" / name / f"{name}.ipynb"


def visible_text(page):
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", page.read_text(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


def same_notebook(path, expected):
    """Same cells (type and source) as the released notebook; outputs and ids aside."""
    got, want = nbformat.read(path, as_version=4), nbformat.read(expected, as_version=4)
    return [(c.cell_type, c.source) for c in got.cells] == [(c.cell_type, c.source) for c in want.cells]


# ------------------------------------------------------------------ without building the book

def test_toc_lists_the_landing_page_and_every_released_assignment():
    """Check that _toc.yml has the Exercises page and one page per released notebook."""
    files = toc_files()
    assert "book/exercises" in files
    released_notebooks = {p.relative_to(ROOT).with_suffix("").as_posix()
                          for p in (ROOT / "exercises").glob("*/*.ipynb")}
    assert released_notebooks == {f"exercises/{a}/{a}" for a in ASSIGNMENTS}
    assert released_notebooks <= set(files)
    assert not any(f.startswith("solutions") for f in files)


def write_notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, meta in cells:
        cell = (nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell)(source)
        cell.metadata["nbgrader"] = meta
        nb.cells.append(cell)
    nbformat.write(nb, path)


def test_graded_parts_groups_cells_by_the_longest_function_name(tmp_path):
    """Check points per function, hidden cells and written answers on a notebook built here."""
    path = tmp_path / "a.ipynb"
    write_notebook(path, [
        ("code", "def step(w):\n    raise NotImplementedError()", {"solution": True, "grade_id": "step_code"}),
        ("code", '"""Check that step works."""\nstep(1)', {"grade": True, "grade_id": "step_example", "points": 1}),
        ("code", '"""Check that step matches the reference."""', {"grade": True, "grade_id": "step_random", "points": 2}),
        ("code", "def step_fast(w):\n    pass", {"solution": True, "grade_id": "step_fast_code"}),
        ("code", '"""Check that step_fast is fast."""\n', {"grade": True, "grade_id": "step_fast_rollout", "points": 3}),
        ("markdown", "YOUR ANSWER HERE", {"grade": True, "solution": True, "grade_id": "why_answer", "points": 4}),
    ])
    parts = graded_parts(path)
    assert [(p.name, p.written, p.points, p.hidden) for p in parts] == [
        ("step", False, 3.0, ["step_random"]),
        ("step_fast", False, 3.0, ["step_fast_rollout"]),
        ("why_answer", True, 4.0, []),
    ]
    assert column_of("step_fast_rollout", ["step", "step_fast"]) == "step_fast"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_released_test_cell_belongs_to_a_function_or_is_a_written_answer(name):
    """Check that the page's per-function points account for every graded cell of the release."""
    parts = graded_parts(released(name))
    graded = {cell.metadata.nbgrader["grade_id"]: cell.metadata.nbgrader.get("points", 0)
              for cell in nbformat.read(released(name), as_version=4).cells
              if cell.metadata.get("nbgrader", {}).get("grade")}
    assert {gid: pts for part in parts for gid, pts in part.cells.items()} == graded
    assert all(part.written or part.points > 0 for part in parts)
    assert any(not part.written for part in parts)


# ------------------------------------------------------------------ in the built book

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_assignment_page_is_rendered_unexecuted_with_its_download(built_book, name):
    """Check that the assignment's page shows the release as handed out and offers the .ipynb."""
    assert built_book.returncode == 0, "the book did not build"
    page = built_book.html / "exercises" / name / f"{name}.html"
    assert page.is_file(), f"no page {page}"
    html = page.read_text()
    # shown as handed out (the stubs are there) and not executed: a run would have left outputs,
    # the stubs' NotImplementedError among them
    assert "raise NotImplementedError ()" in visible_text(page)
    assert not re.search(r'class="[^"]*\bcell_output\b', html), "the notebook was executed"
    assert "Traceback" not in html
    source = built_book.html / "_sources" / "exercises" / name / f"{name}.ipynb"
    assert f"_sources/exercises/{name}/{name}.ipynb" in html, "no .ipynb in the download menu"
    assert same_notebook(source, released(name))


def test_landing_page_states_the_points_of_the_released_notebooks(built_book):
    """Check that the Exercises page's numbers are the releases' and every download is the release."""
    assert built_book.returncode == 0, "the book did not build"
    page = built_book.html / "book" / "exercises.html"
    text = visible_text(page)
    html = page.read_text()
    for name in ASSIGNMENTS:
        parts = graded_parts(released(name))
        total = sum(p.points for p in parts)
        assert f"{total:g} points in all" in text, name
        for part in parts:
            if not part.written:
                hidden = len(part.hidden)
                assert f"{part.name} {part.points:g} {len(part.cells) - hidden} {hidden}" in text, part.name
        links = re.findall(rf'href="(\.\./_downloads/[0-9a-f]+/{name}\.ipynb)"', html)
        assert links, f"no download link for {name}.ipynb"
        for link in links:
            assert same_notebook((page.parent / link).resolve(), released(name))
        assert f'href="../exercises/{name}/{name}.html"' in html


@pytest.mark.parametrize("chapter", ["01_learning_loop", "06_momentum", "07_adaptive_methods", "08_lr_schedules",
                                     "09_gradient_clipping", "10_backprop_221",
                                     "11_putting_it_together"])
def test_chapters_link_their_assignment(built_book, chapter):
    """Check that a chapter's Practise it section links an assignment page and its download."""
    assert built_book.returncode == 0, "the book did not build"
    html = (built_book.html / "book" / f"{chapter}.html").read_text()
    practise = html[html.index('id="practise-it"'):]
    assert re.search(r'href="\.\./exercises/(\w+)/\1\.html"', practise), "no link to an assignment page"
    if chapter != "11_putting_it_together":
        assert re.search(r'href="\.\./_downloads/[0-9a-f]+/\w+\.ipynb"', practise), "no download link"
    assert "TODO" not in (ROOT / "book" / f"{chapter}.md").read_text()
