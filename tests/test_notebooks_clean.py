"""No notebook tracked by git carries outputs: they are generated (book build, nbgrader), never stored."""
import subprocess

import nbformat
import pytest

from conftest import ROOT


# The hostile-submission corpus keeps notebooks that are broken on purpose (not even JSON);
# they are test data for the grader's intake, not notebooks anyone runs.
CORPUS = "tests/hostile/"


def tracked_notebooks():
    listing = subprocess.run(["git", "ls-files", "-z", "--", "*.ipynb"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    return sorted(path for path in listing.split("\0") if path and not path.startswith(CORPUS))


def stored_outputs(notebook):
    """(cell number, what it stores) for every code cell holding outputs or an execution count."""
    found = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append((number, f"{len(cell.outputs)} output(s)"))
        elif cell.get("execution_count") is not None:
            found.append((number, f"execution count {cell.execution_count}"))
    return found


@pytest.mark.parametrize("path", tracked_notebooks() or [pytest.param(None, marks=pytest.mark.skip(
    reason="no notebook is tracked yet"))])
def test_tracked_notebook_holds_no_outputs(path):
    notebook = nbformat.read(ROOT / path, as_version=4)
    assert stored_outputs(notebook) == [], f"{path}: clear the outputs before committing"


def test_stored_outputs_are_detected():
    """The check above can fail: a notebook with an output and a counted cell is caught."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("text"),
        nbformat.v4.new_code_cell("1 + 1", execution_count=1,
                                  outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                                                  execution_count=1)]),
        nbformat.v4.new_code_cell("x = 1", execution_count=2),
        nbformat.v4.new_code_cell("y = 2"),
    ])
    assert stored_outputs(notebook) == [(2, "1 output(s)"), (3, "execution count 2")]
