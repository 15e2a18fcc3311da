"""Plain ``nbgrader autograde`` (no course command, no explicit intake step) grades notebooks that
arrive broken, because ``nbgrader_config.py`` normalizes each submission before nbgrader reads it.

Without the hook nbgrader stops such a student with a traceback and grades nothing.
"""
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))

import edits  # noqa: E402  (tests/hostile/edits.py)
from grading_harness import make_course, nbgrader, solved_release  # noqa: E402

ASSIGNMENT = "ce_vs_mse"
HOSTILE = Path(__file__).resolve().parent / "hostile"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from nbgrader.api import Gradebook

    course = make_course(ASSIGNMENT, tmp_path_factory.mktemp("plain-intake"))
    solved = solved_release(ASSIGNMENT)
    files = {
        "control": nbformat.writes(solved).encode("utf-8"),
        "malformed": (HOSTILE / "malformed_json.ipynb").read_bytes(),
        "renamed": edits.renamed_cells(solved),
        "cp1252": edits.non_utf8(solved),
    }
    for student, data in files.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_bytes(data)
    nbgrader(["autograde", ASSIGNMENT], course, course / "nbgrader.log")
    totals = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "lossopt") as gradebook:
        for student in files:
            submission = gradebook.find_submission(ASSIGNMENT, student)
            totals[student] = (submission.score, submission.max_score)
    return course, files, totals


def test_every_student_is_graded(run):
    course, files, totals = run
    for student in files:
        assert (course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file(), student


def test_readable_notebooks_keep_their_marks(run):
    _, _, totals = run
    control_score, max_score = totals["control"]
    assert control_score > 0
    for student in ("renamed", "cp1252"):
        assert totals[student][0] == control_score, f"{student}: {totals[student]} vs control {totals['control']}"


def test_an_unreadable_notebook_scores_zero_and_its_bytes_are_kept(run):
    course, files, totals = run
    assert totals["malformed"][0] == 0
    original = course / "submitted" / "malformed" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb.original"
    assert original.read_bytes() == files["malformed"]
    notes = nbformat.read(course / "autograded" / "malformed" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                          as_version=4).cells[0].source
    assert "Grading notes" in notes and "JSON" in notes
