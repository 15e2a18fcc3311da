"""The course gradebook under contention, and what is exported from it (no kernels: fast).

- a grading run that finds another one recording the assignment in the shared gradebook waits for
  it instead of failing on the assignment's unique name;
- merging a graded submission waits out another writer's SQLite lock instead of failing with
  "database is locked", and keeps a human's manual score;
- grades.csv groups checks by function, leaves non-submitters blank; report.html embeds its
  pictures and names the failures.
"""
import csv
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from nbgrader.api import Gradebook, MissingEntry

from autograder.batch import run as batch_run
from autograder.batch.run import GradingOptions
from autograder.course import gradebook as gb
from autograder.course import lms_export, lms_records
from autograder.course.folder import Course, CourseError, prepare_nbgrader
from autograder.course.export import column_of, read_table, write_csv
from autograder.course.report import write_report

ASSIGNMENT = "toy"
SOLUTION = {
    "cells": [
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": True, "grade_id": "adam_step_code"}},
         "source": "def adam_step(p, g):\n    return p\n", "outputs": [], "execution_count": None},
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": True, "grade_id": "adam_code"}},
         "source": "def adam(p):\n    return p\n", "outputs": [], "execution_count": None},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}
CELLS = [("adam_step_first_step", 2.0), ("adam_step_hidden", 3.0), ("adam_rollout", 1.0), ("written", 2.0)]


@pytest.fixture
def course(tmp_path):
    import json

    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'lossopt'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{tmp_path}/gradebook.db'\n")
    (tmp_path / "source" / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(SOLUTION))
    prepare_nbgrader()
    course = Course.locate(str(tmp_path))
    with Gradebook(course.db_url, "lossopt") as book:
        book.add_assignment(ASSIGNMENT)
        book.add_notebook(ASSIGNMENT, ASSIGNMENT)
        for name, points in CELLS:
            book.add_grade_cell(name, ASSIGNMENT, ASSIGNMENT, max_score=points,
                                cell_type="markdown" if name == "written" else "code")
        book.add_solution_cell("written", ASSIGNMENT, ASSIGNMENT)
    return course


def result(scores):
    return {"timestamp": None, "notebooks": {ASSIGNMENT: {
        "late_submission_penalty": None,
        "grades": {name: (score, name == "written") for name, score in scores.items()},
        "comments": {"written": None}}}}


@pytest.fixture
def unrecorded(tmp_path):
    """A course whose gradebook does not know the assignment yet; its one notebook has one
    graded test cell."""
    import json

    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'lossopt'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{tmp_path}/gradebook.db'\n")
    notebook = json.loads(json.dumps(SOLUTION))
    notebook["cells"].append(
        {"cell_type": "code", "source": "assert adam(1) == 1\n", "outputs": [], "execution_count": None,
         "metadata": {"nbgrader": {"grade": True, "grade_id": "adam_rollout", "points": 1}}})
    (tmp_path / "source" / ASSIGNMENT).mkdir(parents=True)
    path = tmp_path / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    path.write_text(json.dumps(notebook))
    prepare_nbgrader()
    course = Course.locate(str(tmp_path))
    Gradebook(course.db_url, "lossopt").close()
    return course, [path]


def another_run_recording(course, monkeypatch, finishes_after):
    """Replace this run's recording of the assignment by what losing the race looks like: the
    other run has committed the assignment's row, its notebook follows ``finishes_after`` seconds
    later (never if None), and our own insert fails on the unique name."""
    def lose_the_race(course_, assignment):
        with Gradebook(course.db_url, "lossopt") as other:
            other.add_assignment(assignment)

        def finish():
            time.sleep(finishes_after)
            with Gradebook(course.db_url, "lossopt") as other:
                other.add_notebook(assignment, assignment)
                other.add_grade_cell("adam_rollout", assignment, assignment, max_score=1, cell_type="code")
        if finishes_after is not None:
            threading.Thread(target=finish, daemon=True).start()
        raise CourseError(f"nbgrader generate_assignment {assignment} failed: "
                          f"Key (name)=({assignment}) already exists.")
    monkeypatch.setattr(batch_run, "add_to_gradebook", lose_the_race)


def test_a_run_that_loses_the_race_to_record_the_assignment_waits_for_the_winner(unrecorded, monkeypatch):
    course, sources = unrecorded
    another_run_recording(course, monkeypatch, finishes_after=1.5)
    with Gradebook(course.db_url, "lossopt") as master:
        started = time.monotonic()
        batch_run.ensure_assignment(course, master, ASSIGNMENT, sources, wait_seconds=30)
        waited = time.monotonic() - started
        assert gb.missing_grade_cells(master, ASSIGNMENT, {"adam_rollout"}) == set()
    assert waited >= 1.5


def test_a_winner_that_never_finishes_is_reported_with_the_original_error(unrecorded, monkeypatch):
    course, sources = unrecorded
    another_run_recording(course, monkeypatch, finishes_after=None)
    with Gradebook(course.db_url, "lossopt") as master:
        with pytest.raises(CourseError, match=r"generate_assignment toy failed: Key \(name\)=\(toy\) already"):
            batch_run.ensure_assignment(course, master, ASSIGNMENT, sources, wait_seconds=2)


def test_a_failure_to_record_the_assignment_with_no_other_run_is_reported_at_once(unrecorded, monkeypatch):
    course, sources = unrecorded

    def broken(course_, assignment):
        raise CourseError(f"nbgrader generate_assignment {assignment} failed: a broken notebook")
    monkeypatch.setattr(batch_run, "add_to_gradebook", broken)
    with Gradebook(course.db_url, "lossopt") as master:
        started = time.monotonic()
        with pytest.raises(CourseError, match="a broken notebook"):
            batch_run.ensure_assignment(course, master, ASSIGNMENT, sources, wait_seconds=30)
        assert time.monotonic() - started < 5


def test_two_runs_recording_one_assignment_at_once_take_turns_and_record_it_once(unrecorded, tmp_path,
                                                                                 monkeypatch):
    """Check that two runs finding one assignment unrecorded record it once, one after the other."""
    import multiprocessing

    course, sources = unrecorded
    log = tmp_path / "recordings.log"

    def slow_recording(course_, assignment):
        """What nbgrader's generate_assignment does to the gradebook, as slowly as on a loaded
        machine: a notebook found already there is removed and written again (SaveCells)."""
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} start {time.monotonic()}\n")
        with Gradebook(course_.db_url, "lossopt") as book:
            book.update_or_create_assignment(assignment)
            try:
                book.remove_notebook(assignment, assignment)
            except MissingEntry:
                pass
            book.add_notebook(assignment, assignment)
            time.sleep(1.0)
            book.add_grade_cell("adam_rollout", assignment, assignment, max_score=1, cell_type="code")
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} end {time.monotonic()}\n")
    monkeypatch.setattr(batch_run, "add_to_gradebook", slow_recording)

    def one_run():
        with Gradebook(course.db_url, "lossopt") as master:
            batch_run.ensure_assignment(course, master, ASSIGNMENT, sources, wait_seconds=30)

    runs = [multiprocessing.get_context("fork").Process(target=one_run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(120)
    assert [run.exitcode for run in runs] == [0, 0]
    recordings = [line.split() for line in log.read_text().splitlines()]
    # one recording: the second run waited for the first's, then found the assignment complete
    assert [kind for _, kind, _ in recordings] == ["start", "end"], recordings
    with Gradebook(course.db_url, "lossopt") as master:
        assert gb.missing_grade_cells(master, ASSIGNMENT, {"adam_rollout"}) == set()


def test_merge_waits_out_another_writers_lock(course):
    path = course.db_url.split("sqlite:///", 1)[1]
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    # the lock is real: an ordinary writer gives up with the error the command must never show
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        sqlite3.connect(path, timeout=0.1).execute("CREATE TABLE probe (x)")
    released = threading.Timer(6.0, lambda: holder.execute("COMMIT"))  # past pysqlite's 5 s timeout
    released.start()
    started = time.monotonic()
    master = None
    try:
        master = gb.open_gradebook(course.db_url, "lossopt")
        gb.merge_result(master, ASSIGNMENT, "alice", result(
            {"adam_step_first_step": 2.0, "adam_step_hidden": 0.0, "adam_rollout": 1.0, "written": None}), "hash-a")
    finally:
        released.join()
        if master:
            master.close()
    assert time.monotonic() - started >= 5.0
    with Gradebook(course.db_url, "lossopt") as book:
        assert book.find_submission(ASSIGNMENT, "alice").score == 3.0
        assert gb.read_ledger(book, ASSIGNMENT)["alice"].content_hash == "hash-a"


def test_regrading_keeps_a_manual_score(course):
    master = gb.open_gradebook(course.db_url, "lossopt")
    try:
        scores = {"adam_step_first_step": 0.0, "adam_step_hidden": 0.0, "adam_rollout": 0.0, "written": None}
        gb.merge_result(master, ASSIGNMENT, "bob", result(scores), "h1")
        master.find_grade("adam_rollout", ASSIGNMENT, ASSIGNMENT, "bob").manual_score = 0.5
        master.find_grade("written", ASSIGNMENT, ASSIGNMENT, "bob").manual_score = 2.0
        master.db.commit()
        prior = gb.prior_grading(master, ASSIGNMENT, "bob")
        assert prior["grades"] == {f"{ASSIGNMENT}/adam_rollout": (0.5, None), f"{ASSIGNMENT}/written": (2.0, None)}
        gb.merge_result(master, ASSIGNMENT, "bob", result(dict(scores, adam_rollout=1.0)), "h2")
        grade = master.find_grade("adam_rollout", ASSIGNMENT, ASSIGNMENT, "bob")
        assert (grade.auto_score, grade.manual_score, grade.score, grade.needs_manual_grade) == (1.0, 0.5, 0.5, True)
    finally:
        master.close()


def test_grade_ids_go_to_the_longest_function_they_name():
    functions = ["adam", "adam_step", "sigmoid"]
    assert column_of("adam_step_first_step", functions) == "adam_step"
    assert column_of("adam_rollout", functions) == "adam"
    assert column_of("sigmoid", functions) == "sigmoid"
    assert column_of("mse_answer", functions) == "mse_answer"


def test_csv_and_report_from_the_gradebook(course, tmp_path):
    master = gb.open_gradebook(course.db_url, "lossopt")
    try:
        gb.merge_result(master, ASSIGNMENT, "alice", result(
            {"adam_step_first_step": 2.0, "adam_step_hidden": 3.0, "adam_rollout": 1.0, "written": None}), "a")
        gb.merge_result(master, ASSIGNMENT, "bob", result(
            {"adam_step_first_step": 2.0, "adam_step_hidden": 0.0, "adam_rollout": 0.0, "written": None}), "b")
        master.update_or_create_student("carol")  # on the roster, submitted nothing
        # submitted, but autograding failed (e.g. no kernel could start): no score anywhere
        gb.merge_result(master, ASSIGNMENT, "dan", result(
            {"adam_step_first_step": None, "adam_step_hidden": None, "adam_rollout": None, "written": None}), "d")
        table = read_table(master, course, ASSIGNMENT)
    finally:
        master.close()
    path = write_csv(table, tmp_path / "grades.csv")
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    # (columns follow the notebook's order; this toy source has no test cells, so grade-id order)
    # a written answer no one has graded yet is empty (awaiting), never 0
    # late: empty, no due date and no LMS said anything
    assert rows == [["student_id", "adam", "adam_step", "written", "total", "awaiting_manual_grade", "late"],
                    ["alice", "1", "5", "", "6", "written", ""],
                    ["bob", "0", "2", "", "2", "written", ""],
                    ["carol", "", "", "", "", "", ""],
                    ["dan", "", "", "", "", "", ""]]
    assert table.pass_rate("adam_step") == 0.5 and table.pass_rate("adam") == 0.5
    assert table.pass_rate("written") is None and table.awaiting_count() == 2
    assert table.summary() == {"graded": 2, "max_total": 8.0, "mean": 4.0, "median": 4.0}
    html = write_report(table, {"dave": "NotJSONError: Notebook does not appear to be JSON"},
                        tmp_path / "report.html").read_text()
    assert html.count("<svg ") == 2 and "<img" not in html
    assert "<title>toy: scores of 2 submissions</title>" in html
    assert "<title>pass rate per graded function</title>" in html
    assert "http" not in html and "<script" not in html
    assert "<td>dave</td><td>NotJSONError: Notebook does not appear to be JSON</td>" in html
    assert "alice: written" in html  # awaiting a manual grade
    assert "2 written answer(s) wait for a grade in the formgrader" in html
    assert "<td>written</td><td class='num'>2</td><td class='num'>–</td><td class='num'>awaiting grading</td>" in html


# The published columns of each LMS's import, written out here so the test checks the exporter
# against the documentation rather than against itself:
# - Canvas: Instructor Guide "How do I import grades in the Gradebook?" and the header of the CSV
#   its Gradebook > Export writes: Student, ID, SIS User ID, SIS Login ID, Section, then one column
#   per assignment named "<name> (<assignment id>)", then the "Points Possible" row.
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS = "Points Possible"
# - Moodle: Moodle Docs "Import grades" (Import grades from CSV): one column identifying the user
#   (user id, username, ID number or email address, chosen under "Identify user by") and a column
#   per grade item; the user fields named as Moodle's own CSV grade export names them.
MOODLE_USER_FIELDS = {"ID number", "Email address", "First name", "Last name", "Username"}


def test_lms_imports_and_late_marks_from_the_gradebook(course, tmp_path):
    import datetime

    due = datetime.datetime(2026, 3, 1, 12, 0)
    master = gb.open_gradebook(course.db_url, "lossopt")
    try:
        master.update_or_create_assignment(ASSIGNMENT, duedate=due)
        full = {"adam_step_first_step": 2.0, "adam_step_hidden": 3.0, "adam_rollout": 1.0, "written": None}
        # Canvas ids as student ids (collected with --pattern canvas)
        for student in ("101", "102", "104"):
            gb.merge_result(master, ASSIGNMENT, student, result(full), student)
        master.find_grade("written", ASSIGNMENT, ASSIGNMENT, "101").manual_score = 1.5  # graded by hand
        master.find_grade("written", ASSIGNMENT, ASSIGNMENT, "104").manual_score = 0.0
        master.db.commit()
        # nbgrader's own timestamp says 104 came a day after the due date
        gb.merge_result(master, ASSIGNMENT, "104", dict(result(full), timestamp=due + datetime.timedelta(days=1)),
                        "104")
        master.update_or_create_student("103", first_name="Ada", last_name="Lovelace", email="ada@example.org")
        master.update_or_create_student("105", lms_user_id="555")  # on the roster, nothing submitted
        lms_records.record(master, ASSIGNMENT, {
            "101": {"late": True, "name": "doejane", "submission": "9001"},
            "102": {"late": False, "name": "roerichard", "submission": "9002"},
            "106": {"late": None, "name": None, "submission": None}})  # said nothing: not stored
        table, people = lms_export.read_with_lms(master, course, ASSIGNMENT)
        assert set(lms_records.read(master, ASSIGNMENT)) == {"101", "102"}
    finally:
        master.close()
    files = lms_export.write_lms_files(table, people, tmp_path, canvas_assignment_id="98765")

    with open(files["canvas"], newline="") as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0][:5] == CANVAS_HEADER and canvas[0][5:] == [f"{ASSIGNMENT} (98765)"]
    assert canvas[1] == [CANVAS_POINTS, "", "", "", "", "8"]
    # 101: 6 autograded + 1.5 by hand; 102: its written answer awaits the formgrader, so empty;
    # 103, 105: no submission, empty (105 matched by its Canvas id from the roster); 104: late, 6 + 0
    assert canvas[2:] == [["doejane", "101", "", "", "", "7.5"], ["roerichard", "102", "", "", "", ""],
                          ["Lovelace, Ada", "103", "", "", "", ""], ["104", "104", "", "", "", "6"],
                          ["105", "555", "", "", "", ""]]
    assert all(row[5] != "0" for row in canvas[2:])

    with open(files["moodle"], newline="") as handle:
        moodle = list(csv.reader(handle))
    assert moodle[0][0] in MOODLE_USER_FIELDS and set(moodle[0][:-1]) <= MOODLE_USER_FIELDS
    assert moodle[0][-1] == ASSIGNMENT
    by_id = {row[0]: dict(zip(moodle[0], row)) for row in moodle[1:]}
    assert {s: r[ASSIGNMENT] for s, r in by_id.items()} == {"101": "7.5", "102": "", "103": "", "104": "6", "105": ""}
    assert by_id["103"]["Email address"] == "ada@example.org" and by_id["103"]["First name"] == "Ada"

    with open(write_csv(table, tmp_path / "grades.csv"), newline="") as handle:
        late = {row["student_id"]: row["late"] for row in csv.DictReader(handle)}
    # LMS said late / on time; nbgrader's timestamp after the due date; no submission: empty
    assert late == {"101": "yes", "102": "no", "103": "", "104": "yes", "105": ""}
    assert table.late_count() == 2
    html = write_report(table, {}, tmp_path / "report.html").read_text()
    assert "2 submission(s) late</strong>" in html and "101, 104" in html
    assert "No score here is reduced for it" in html

    with pytest.raises(ValueError, match="a Canvas assignment id is a number"):
        lms_export.canvas_column(ASSIGNMENT, "adam")
    # the run's options refuse it before anything is collected or graded
    with pytest.raises(CourseError, match="--canvas-assignment-id 'adam'"):
        GradingOptions(jobs=1, canvas_assignment_id="adam")
    assert GradingOptions(jobs=1, canvas_assignment_id="98765").canvas_assignment_id == "98765"


def test_report_charts_are_escaped_inline_svg_without_matplotlib():
    import re
    import xml.etree.ElementTree as ET

    from autograder.course.export import GradedCell, GradeTable, StudentGrades
    from autograder.course.report import render

    def student(name, first, second):
        return StudentGrades(name, True, {"weird_check": first, "ok_check": second})

    # 10 points in all: ten bins of 1 point; totals 7, 5, 3.5 and 3.2 (eve submitted nothing)
    table = GradeTable("hw<1>&", [GradedCell("weird_check", "a<&>b", 5.0), GradedCell("ok_check", "ok", 5.0)],
                       [student("ann", 2.0, 5.0), student("ben", 0.0, 5.0), student("cat", 0.5, 3.0),
                        student("dov", 0.2, 3.0), StudentGrades("eve", False)])
    page = render(table, {}, "")
    assert "a&lt;&amp;&gt;b" in page and "a<&>b" not in page and "hw<1>" not in page
    histogram, rates = (ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", page, re.S))
    for chart, title in ((histogram, "hw<1>&: scores of 4 submissions"), (rates, "pass rate per graded function")):
        assert chart.get("role") == "img" and chart.get("aria-label") == chart.findtext("title") == title
        assert chart.get("width") == "100%" and chart.get("viewBox").startswith("0 0 ")
    texts = [t.text for t in histogram.iter("text")]
    assert "total score (out of 10)" in texts and "students" in texts and {"0", "2", "10"} <= set(texts)
    bars = [(r.get("fill"), r.findtext("title")) for r in histogram.iter("rect")]
    assert bars == [("#3b6ea5", "2 scored 3 to 4"), ("#3b6ea5", "1 scored 5 to 6"), ("#3b6ea5", "1 scored 7 to 8")]
    bars = [(r.get("fill"), float(r.get("width")) > 0) for r in rates.iter("rect")]
    assert bars == [("#b8453b", False), ("#3b8f5a", True)]  # nobody full on a<&>b; half on ok
    texts = [t.text for t in rates.iter("text")]
    assert texts.index("a<&>b") < texts.index("0%") < texts.index("ok") < texts.index("50%")
    assert "% of students with full marks" in texts

    probe = ("import sys; from autograder.course.export import GradedCell, GradeTable, StudentGrades; "
             "from autograder.course.report import render; "
             "render(GradeTable('a', [GradedCell('f_1', 'f', 1.0)], [StudentGrades('s', True, {'f_1': 1.0})]), "
             "{}, ''); "
             "print('matplotlib' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_migration_head_is_alembics_answer_without_importing_alembic(tmp_path):
    import os

    import nbgrader.api
    from alembic.script import ScriptDirectory

    from autograder.course.folder import migration_head

    scripts = os.path.join(os.path.dirname(nbgrader.api.__file__), "alembic")
    assert migration_head(os.path.join(scripts, "versions")) == ScriptDirectory(scripts).get_current_head()
    chain = {"a1.py": "revision = 'a1'\ndown_revision = None\n", "b2.py": 'revision = "b2"\ndown_revision = "a1"\n',
             "c3.py": "revision = 'c3'\ndown_revision = 'b2'\n"}
    for name, text in chain.items():
        (tmp_path / name).write_text(text)
    assert migration_head(str(tmp_path)) == "c3"
    (tmp_path / "d4.py").write_text("revision = 'd4'\ndown_revision = 'b2'\n")  # a branch: two heads
    assert migration_head(str(tmp_path)) is None


def test_plain_nbgrader_creates_a_gradebook_without_alembic_on_path(tmp_path):
    """Check that the course's nbgrader_config.py makes a plain `nbgrader generate_assignment`
    stamp a new gradebook with alembic's head read in-process: it succeeds with only the system's
    bin folders on PATH (no `alembic` command to start) and records the head alembic reports."""
    import os
    import shutil
    from pathlib import Path

    import nbgrader.api
    from alembic.script import ScriptDirectory

    from conftest import ROOT

    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / "adam", tmp_path / "solutions" / "adam")
    nbgrader_command = Path(sys.executable).with_name("nbgrader")
    run = subprocess.run([str(nbgrader_command), "generate_assignment", "adam"], cwd=tmp_path,
                         env={**os.environ, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    scripts = os.path.join(os.path.dirname(nbgrader.api.__file__), "alembic")
    with sqlite3.connect(tmp_path / "gradebook.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (ScriptDirectory(scripts).get_current_head(),)]
