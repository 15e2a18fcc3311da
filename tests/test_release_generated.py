"""The committed release of every assignment is exactly what `nbgrader generate_assignment` makes
from solutions/, and it carries no solution code and no hidden test."""
import json
from pathlib import Path

import pytest

from grading_harness import REPO, fresh_release

ASSIGNMENTS = sorted(p.name for p in (REPO / "solutions").iterdir()
                     if (p / f"{p.name}.ipynb").is_file())
SOLUTION_LINES = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "BEGIN HIDDEN")


def _cells(path):
    return json.loads(Path(path).read_text())["cells"]


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def generated(request):
    """(assignment, fresh release text); reuses a generation the grading tests already made."""
    return request.param, fresh_release(request.param)


def test_every_solution_has_a_release():
    released = sorted(p.name for p in (REPO / "exercises").iterdir() if p.is_dir())
    assert released == ASSIGNMENTS


def test_committed_release_equals_fresh_generation(generated):
    assignment, fresh = generated
    committed = REPO / "exercises" / assignment / f"{assignment}.ipynb"
    assert committed.read_text() == fresh, (
        f"{committed} differs from a fresh `nbgrader generate_assignment {assignment}`; "
        "regenerate it (never edit exercises/ by hand)")


def test_release_holds_no_solution_and_no_hidden_test(generated):
    assignment, _ = generated
    release_cells = _cells(REPO / "exercises" / assignment / f"{assignment}.ipynb")
    release_text = "\n".join("".join(c["source"]) for c in release_cells)
    for marker in SOLUTION_LINES:
        assert marker not in release_text
    # every line written between solution markers in the source is gone from the release
    for cell in _cells(REPO / "solutions" / assignment / f"{assignment}.ipynb"):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = "".join(cell["source"])
        if meta.get("solution") and cell["cell_type"] == "markdown":
            assert source.strip() not in release_text, meta["grade_id"]
        inside = False
        for line in source.splitlines():
            if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 12:
                assert line not in release_text, (assignment, meta.get("grade_id"), line)
