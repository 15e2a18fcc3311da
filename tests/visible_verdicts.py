"""What a student sees: the verdicts of a released notebook's visible tests in a plain kernel.

No grader, no sandbox: the notebook runs top to bottom in an ordinary ``python3`` kernel
(nbclient), as after *Restart & Run All*, with the solution (or a submission variant) in its
solution cells. A visible test cell *fails* when it ends in an error. Used by
``test_visible_tests_catch_mistakes.py`` and ``benchmarks/visible_catch_rate.py``.
"""
import os
import tempfile
from pathlib import Path

from nbclient import NotebookClient

from grading_harness import REPO, replace_functions, solved_release, variants


def visible_test_cells(notebook):
    """Grade ids of the autograded test cells that show code (not only a hidden test's docstring)."""
    found = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            if any(line.strip() for line in cell.source.strip().splitlines()[1:]):
                found.append(meta["grade_id"])
    return found


def failing_visible_cells(notebook, root=REPO, timeout=120):
    """``{grade_id: error}`` of the visible test cells that raise when ``notebook`` is run in a
    plain kernel that imports ``lossopt`` from ``root``."""
    visible = set(visible_test_cells(notebook))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(root)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])),
        MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory(prefix="visible-") as folder:
        client = NotebookClient(notebook, timeout=timeout, allow_errors=True, kernel_name="python3",
                                resources={"metadata": {"path": folder}})
        client.execute(env=env)
    failures = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in visible:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                failures[grade_id] = f"{errors[0].get('ename')}: {errors[0].get('evalue')}"
    return failures


def mistakes(assignment):
    """The plausible mistakes of ``assignment``: its ``tests/wrong_submissions`` variants."""
    return variants("wrong_submissions", assignment)


def run_variant(assignment, code, root=REPO):
    """Failing visible cells of the release in ``root`` solved, with ``code``'s functions in it."""
    notebook = solved_release(assignment, root)
    if code is not None:
        notebook = replace_functions(notebook, code)
    return failing_visible_cells(notebook, root)


def assignments(root=REPO):
    return sorted(p.name for p in (Path(root) / "solutions").iterdir()
                  if (p / f"{p.name}.ipynb").is_file())
