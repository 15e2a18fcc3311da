"""``autograder release``: exercises/ regenerated from solutions/, refused when anything leaks."""
import shutil

import nbformat

from autograder.cli import main
from autograder.course import release
from grading_harness import REPO

ASSIGNMENT = "ce_vs_mse"


def course(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    return root


def test_release_regenerates_exercises_without_leaks(tmp_path, capsys):
    root = course(tmp_path)
    assert main(["release", "--course", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"{ASSIGNMENT}: released to {root / 'exercises' / ASSIGNMENT}, no solution or hidden test in it" in out
    released = nbformat.read(root / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    committed = nbformat.read(REPO / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert [c.source for c in released.cells] == [c.source for c in committed.cells]


def test_every_solution_and_hidden_line_is_a_leak_when_shipped(tmp_path):
    source = REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    secrets = release.secret_lines(source)
    assert secrets  # the assignment has solutions and hidden tests to protect
    leaks = release.find_leaks(source, source)  # "releasing" the source itself
    kinds = {leak.what.split(" ")[0] for leak in leaks}
    assert {"marker", "solution"} <= kinds
    leaked = {leak.what.split("line ", 1)[1].strip("'\"") for leak in leaks if leak.what.startswith("solution")}
    assert leaked == secrets


def test_release_fails_naming_notebook_cell_and_line(tmp_path, monkeypatch, capsys):
    root = course(tmp_path)

    def leaky_generate(course_, assignment, release_directory=None):
        target = course_.folder("release") / assignment
        target.mkdir(parents=True, exist_ok=True)
        notebook = nbformat.read(course_.folder("source") / assignment / f"{assignment}.ipynb", as_version=4)
        shipped = nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
        solution = next(c for c in notebook.cells if "### BEGIN SOLUTION" in c.source)
        index = next(i for i, c in enumerate(shipped.cells) if c.get("metadata", {}).get("nbgrader", {}).get(
            "grade_id") == solution.metadata.nbgrader.grade_id)
        body = [line for line in solution.source.splitlines() if len(line.strip()) >= 12
                and "###" not in line and line.strip() not in shipped.cells[index].source]
        shipped.cells[index].source += "\n" + body[0]
        nbformat.write(shipped, target / f"{assignment}.ipynb")

    monkeypatch.setattr(release, "generate", leaky_generate)
    assert main(["release", ASSIGNMENT, "--course", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"{ASSIGNMENT}: LEAKS into" in out
    assert f"{ASSIGNMENT}.ipynb cell " in out and "solution or hidden-test line" in out


def test_release_of_unknown_assignment_names_it(tmp_path, capsys):
    root = course(tmp_path)
    assert main(["release", "nope", "--course", str(root)]) == 2
    assert "no assignment 'nope'" in capsys.readouterr().err
