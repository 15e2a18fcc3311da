"""The hostile corpus (tests/hostile/) graded in ONE `nbgrader autograde` run of ce_vs_mse.

Each case gets exactly the points its code earns, the run finishes (nbgrader exits 0), the
control students graded before and after the hostile ones score as they do alone, and no file
outside the grading output changes. The per-case table is printed (pytest -s) and written to
``hostile-report.md`` in the grading course.
"""
import ast
import hashlib
import io
import os
import re
import shutil
import socket
import stat
import sys
import tempfile
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))

import edits  # noqa: E402  (tests/hostile/edits.py)
from grading_harness import (REPO, insert_code_cell, make_course, nbgrader,  # noqa: E402
                             replace_functions, solved_release)

from autograder.pipeline.intake import normalize_submitted  # noqa: E402

ASSIGNMENT = "ce_vs_mse"
HOSTILE = Path(__file__).resolve().parent / "hostile"
# Tight limits so the bombs cost seconds, not minutes (each of the four cells that loop forever
# costs a whole cell_timeout_s); generous enough for correct notebooks: the largest honest cell,
# 50 MB of prints, takes about 1 s in the sandbox on this 2-core machine.
# Graded through the warm launcher (the grading command's path): every case runs in a sandbox
# that the one launcher of this nbgrader run forked into, one after another.
OPTIONS = {"cell_timeout_s": 5, "notebook_timeout_s": 300, "memory_mb": 1024, "warm_launcher": True,
           "max_processes": 64, "max_kernel_restarts": 6, "cpu_seconds": 60}
WRONG_SIGMOID = "def sigmoid(z):\n    return 0.5 + 0.0 * z\n"
REPO_TARGETS = [REPO / "lossopt" / "checking.py", REPO / "nbgrader_config.py"]

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="bubblewrap missing (make system-deps installs it)")


def parse_case(path):
    text = path.read_text()
    doc = ast.get_docstring(ast.parse(text)) or ""
    fields = dict(re.findall(r"^(base|splice|loses):[ \t]*(.*)$", doc, re.MULTILINE))
    return doc.splitlines()[0], fields, text


def loses(doc):
    found = re.search(r"^\s*loses:[ \t]*(.*)$", doc or "", re.MULTILINE)
    return set(found.group(1).split()) if found else set()


def build_snippet_case(path, solution, partial, substitutions):
    summary, fields, code = parse_case(path)
    for key, value in substitutions.items():
        code = code.replace("{" + key + "}", str(value))
    base = {"solution": solution, "partial": partial}[fields["base"]]
    if fields["splice"] == "replace":
        notebook = replace_functions(base, code)
    else:
        notebook = insert_code_cell(base, textwrap.dedent(code))
    return summary, set(fields.get("loses", "").split()), nbformat.writes(notebook).encode()


def tree_digest(folder, skip=()):
    """{relative path: sha256} of every file below ``folder`` except ``skip`` prefixes."""
    digest = {}
    for root, dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, folder)
            if rel.startswith(tuple(skip)):
                continue
            with open(path, "rb") as f:
                digest[rel] = hashlib.sha256(f.read()).hexdigest()
    return digest


def lms_zip(members):
    """Zip bytes; ``members`` is a list of (name, bytes or ("link", target))."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            if isinstance(data, tuple):
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, data[1])
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


class HostServer:
    """A TCP server on the host's loopback; records every connection it accepts."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        try:
            while True:
                self.accepted.append(self.socket.accept())
        except OSError:
            pass

    def close(self):
        self.socket.close()


@pytest.fixture(scope="module")
def corpus():
    root = Path(tempfile.mkdtemp(prefix="hostile-"))
    course = root / "course"
    victim = root / "outside"
    victim.mkdir()
    (victim / "keep.txt").write_text("unchanged")
    server = HostServer()
    solution = solved_release(ASSIGNMENT)
    partial = replace_functions(solution, WRONG_SIGMOID)
    substitutions = {"COURSE": course, "REPO": REPO, "PORT": server.port}

    make_course(ASSIGNMENT, course)
    solution_bytes = nbformat.writes(solution).encode()
    cases = {}   # student -> (kind, summary, loses)
    files = {}   # student -> bytes of the submitted notebook
    for path in sorted(HOSTILE.glob("*.py")):
        if path.name == "edits.py":
            continue
        summary, lost, data = build_snippet_case(path, solution, partial, substitutions)
        files[path.stem] = data
        cases[path.stem] = ("snippet", summary, lost)
    for function in edits.CASES:
        doc = function.__doc__
        files[function.__name__] = function(solution)
        cases[function.__name__] = ("notebook", doc.strip().splitlines()[0], loses(doc))
    for path in sorted(HOSTILE.glob("*.ipynb")):
        files[path.stem] = path.read_bytes()
        cases[path.stem] = ("file", "a notebook file that is not valid JSON (truncated)", {"all"})
    # controls: graded first and last (nbgrader goes in student order)
    files["aaa-control-solution"] = solution_bytes
    files["zzz-control-solution"] = solution_bytes
    files["zzz-control-partial"] = nbformat.writes(partial).encode()
    for student, data in files.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_bytes(data)

    # archive cases, through the course's LMS collector
    from autograder.course.folder import Course
    from autograder.course.lms import collect

    archive = root / "lms-download.zip"
    archive.write_bytes(lms_zip([
        ("../../../archive-traversal_ce_vs_mse.ipynb", solution_bytes),
        ("archive-link_ce_vs_mse.ipynb", ("link", str(course / "gradebook.db"))),
        ("archive-twice_ce_vs_mse.ipynb", solution_bytes),
        ("archive-twice_ce_vs_mse (1).ipynb", nbformat.writes(partial).encode()),
    ]))
    collection = collect(Course.locate(str(course)), ASSIGNMENT, archive)
    cases["archive-traversal"] = ("archive", "a zip member named ../../../<student>_<a>.ipynb", set())

    normalized = normalize_submitted(course, ASSIGNMENT)

    outputs = ("autograded", "feedback", "gradebook.db", "nbgrader.log")
    course_before = tree_digest(course, skip=outputs)
    # the repository is shared with people editing it while this runs: only the files the
    # corpus attacks are compared
    repo_before = {path: path.read_bytes() for path in REPO_TARGETS}
    started = time.monotonic()
    args = ["autograde", ASSIGNMENT] + [f"--SandboxedExecute.{k}={v}" for k, v in OPTIONS.items()]
    nbgrader(args, course, course / "nbgrader.log")   # raises unless nbgrader exits 0
    seconds = time.monotonic() - started
    server.close()

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "lossopt") as gradebook:
        for student in sorted(p.name for p in (course / "submitted").iterdir()):
            submission = gradebook.find_submission(ASSIGNMENT, student)
            scores[student] = {g.name: (g.auto_score, g.max_score)
                               for nb in submission.notebooks for g in nb.grades
                               if g.cell_type == "code"}
    result = dict(course=course, root=root, cases=cases, scores=scores, seconds=seconds,
                  collection=collection, normalized=normalized, server=server, victim=victim,
                  course_before=course_before, repo_before=repo_before, outputs=outputs)
    write_report(result)
    yield result
    shutil.rmtree(root, ignore_errors=True)


def expected_losses(lost, checks):
    return set(checks) if "all" in lost else lost


def write_report(result):
    rows = ["| case | what it does | points | lost |", "| --- | --- | --- | --- |"]
    for student, (kind, summary, _) in sorted(result["cases"].items()):
        got = result["scores"].get(student)
        if got is None:
            rows.append(f"| {student} | {summary} | not graded | |")
            continue
        total = sum(s or 0 for s, _ in got.values())
        maximum = sum(m for _, m in got.values())
        lost = sorted(g for g, (s, m) in got.items() if (s or 0) < m)
        rows.append(f"| {student} | {summary} | {total:g} / {maximum:g} | {' '.join(lost) or '-'} |")
    report = "\n".join(rows) + f"\n\nOne nbgrader autograde run: {result['seconds']:.0f} s\n"
    (result["course"] / "hostile-report.md").write_text(report)
    print("\n" + report)


def test_the_run_finishes_and_every_case_is_graded(corpus):
    for student in corpus["cases"]:
        assert student in corpus["scores"], student
        assert corpus["scores"][student], f"{student} has no grades"


@pytest.mark.parametrize("case", sorted(
    [p.stem for p in HOSTILE.glob("*.py") if p.name != "edits.py"]
    + [f.__name__ for f in edits.CASES] + [p.stem for p in HOSTILE.glob("*.ipynb")]
    + ["archive-traversal"]))
def test_each_case_gets_exactly_the_points_its_code_earns(corpus, case):
    _, _, lost = corpus["cases"][case]
    got = corpus["scores"][case]
    control = corpus["scores"]["aaa-control-solution"]
    assert {g: m for g, (_, m) in got.items()} == {g: m for g, (_, m) in control.items()}, \
        "max points differ from the assignment's"
    should_lose = expected_losses(lost, got)
    actually_lost = {g for g, (s, m) in got.items() if (s or 0) < m}
    assert actually_lost == should_lose
    for grade_id, (score, maximum) in got.items():
        assert score in (0, maximum), f"{grade_id}: {score} (partial or ungraded)"


def test_other_students_are_graded_as_if_the_hostile_ones_were_not_there(corpus):
    scores = corpus["scores"]
    full = {g: m for g, (_, m) in scores["aaa-control-solution"].items()}
    assert {g: s for g, (s, _) in scores["aaa-control-solution"].items()} == full
    assert {g: s for g, (s, _) in scores["zzz-control-solution"].items()} == full
    partial = {g: s for g, (s, _) in scores["zzz-control-partial"].items()}
    assert {g for g in partial if partial[g] < full[g]} == {"sigmoid_values", "sigmoid_hidden"}


def test_no_file_outside_the_grading_output_changes(corpus):
    course = corpus["course"]
    assert tree_digest(course, skip=corpus["outputs"] + ("hostile-report.md",)) == corpus["course_before"]
    assert {path: path.read_bytes() for path in REPO_TARGETS} == corpus["repo_before"]
    assert sorted(p.name for p in corpus["victim"].iterdir()) == ["keep.txt"]
    assert not Path("/tmp/hostile-was-here").exists()
    assert corpus["server"].accepted == []


def test_archive_members_cannot_escape_or_link(corpus):
    root, course = corpus["root"], corpus["course"]
    assert not any(root.parent.glob("archive-traversal*"))
    assert (course / "submitted" / "archive-traversal" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    reasons = {r.path: r.reason for r in corpus["collection"].rejected}
    assert "symbolic link" in reasons["archive-link_ce_vs_mse.ipynb"]
    assert "archive-link" not in corpus["scores"]


def test_two_submissions_for_one_student_are_left_to_the_instructor(corpus):
    reasons = {r.path: r.reason for r in corpus["collection"].rejected}
    assert "2 files" in reasons["archive-twice_ce_vs_mse.ipynb"]
    assert "2 files" in reasons["archive-twice_ce_vs_mse (1).ipynb"]
    assert "archive-twice" not in corpus["scores"]


def test_read_problems_are_explained_to_the_student(corpus):
    def notes(student):
        path = corpus["course"] / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        first = nbformat.read(path, as_version=4).cells[0]
        return first.source if first.source.startswith("**Grading notes**") else ""

    assert "not a valid notebook file (JSON error" in notes("malformed_json")
    assert "read as cp1252" in notes("non_utf8")
    assert "nbformat 4.4" in notes("nbformat_4_4")
    assert "'sigmoid_hidden' was missing" in notes("deleted_test_cell")
    assert "restored to its grade id 'bce_loss_solution'" in notes("renamed_cells")
    assert "grading metadata was edited" in notes("points_raised")
    assert "'bonus'" in notes("solution_marked_as_test")
    assert notes("aaa-control-solution") == ""
    original = corpus["course"] / "submitted" / "malformed_json" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb.original"
    assert original.read_bytes() == (HOSTILE / "malformed_json.ipynb").read_bytes()


def test_what_students_display_or_write_is_stored_inert(corpus):
    """Every graded notebook of the corpus, the markup case's above all, renders nothing that runs."""
    import student_markup

    for folder in sorted((corpus["course"] / "autograded").iterdir()):
        notebook = nbformat.read(folder / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
        assert not student_markup.runnable_markup_in_notebook(notebook), folder.name


def test_the_bombs_were_stopped_by_the_sandbox(corpus):
    def errors(student, grade_id):
        path = corpus["course"] / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return " ".join(o.get("evalue", "") for o in cell.outputs)
        raise KeyError(grade_id)

    stops = {"infinite_loop": "CellTimeoutError", "fork_bomb": "CellTimeoutError",
             "os_exit": "KernelDied", "segfault": "KernelDied", "memory_bomb": "MemoryError",
             "sys_exit": "SystemExit"}
    for student, stop in stops.items():
        for grade_id in ("cross_entropy_grad_values", "cross_entropy_grad_hidden"):
            assert stop in errors(student, grade_id), (student, grade_id)
        # another function of the same notebook was judged as usual
        assert errors(student, "softmax_values") == ""


# ------------------------------------------------------------- reading, without nbgrader

def _graded_order(notebook):
    return [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
            if "nbgrader" in c.metadata]


@pytest.mark.parametrize("data", [
    b"", b"\xff\xfe\x00garbage", b"[]", b'{"cells": "not a list"}', b'{"nbformat": 5, "cells": []}',
    b'{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code"}], "metadata": 3}',
    (HOSTILE / "malformed_json.ipynb").read_bytes()])
def test_an_unreadable_file_becomes_the_release_with_a_note(data):
    from autograder.pipeline.intake import read_submission
    from grading_harness import release

    shipped = release(ASSIGNMENT)
    result = read_submission(data, shipped, name="alice.ipynb")
    assert result.readable is False or result.problems
    if not result.readable:
        assert "alice.ipynb" in result.problems[-1]
        assert result.notebook.cells[0].source.startswith("**Grading notes**")
        assert [c.source for c in result.notebook.cells[1:]] == [c.source for c in shipped.cells]


def test_graded_cells_are_put_back_in_the_release_order():
    from autograder.pipeline.intake import read_submission
    from grading_harness import release

    shipped, solution = release(ASSIGNMENT), solved_release(ASSIGNMENT)
    edited = nbformat.reads(edits.renamed_cells(solution).decode(), as_version=4)
    edited.cells = [c for c in edited.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") != "softmax_hidden"]
    result = read_submission(nbformat.writes(edited).encode(), shipped)
    assert _graded_order(result.notebook) == _graded_order(shipped)
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in result.notebook.cells
             if "nbgrader" in c.metadata}
    solved_source = next(c.source for c in solution.cells
                         if c.metadata.get("nbgrader", {}).get("grade_id") == "bce_loss_solution")
    assert by_id["bce_loss_solution"].source == solved_source  # the student's code, renamed back
    for cell in shipped.cells:
        if "nbgrader" in cell.metadata:
            assert by_id[cell.metadata["nbgrader"]["grade_id"]].metadata["nbgrader"] == cell.metadata["nbgrader"]


def test_a_clean_submission_is_left_as_it_is():
    from autograder.pipeline.intake import read_submission
    from grading_harness import release

    solution = solved_release(ASSIGNMENT)
    result = read_submission(nbformat.writes(solution).encode(), release(ASSIGNMENT))
    assert result.problems == [] and result.readable
    assert [c.source for c in result.notebook.cells] == [c.source for c in solution.cells]


def test_normalizing_a_normalized_file_changes_nothing(tmp_path):
    """Intake runs twice (the course command, then nbgrader's pre-convert hook): the second pass
    must leave the file byte for byte, or re-runs would see every submission as changed."""
    from autograder.pipeline.intake import normalize_submission
    from grading_harness import REPO

    release_path = REPO / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for name, data in [("solved", nbformat.writes(solved_release(ASSIGNMENT)).encode()),
                       ("nbformat_4_4", edits.nbformat_4_4(solved_release(ASSIGNMENT))),
                       ("malformed_json", (HOSTILE / "malformed_json.ipynb").read_bytes())]:
        path = tmp_path / f"{name}.ipynb"
        path.write_bytes(data)
        normalize_submission(path, release_path)
        once = path.read_bytes()
        normalize_submission(path, release_path)
        assert path.read_bytes() == once, name
