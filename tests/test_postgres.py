"""The grading command on a PostgreSQL gradebook shared by two graders running at once.

The test starts its own PostgreSQL server (``postgres_server``: Debian's binaries, a temporary
folder, a free localhost port). Two course folders (two graders' machines) grade overlapping sets of
students at the same moment into it, both starting before the assignment is in the gradebook.
"""
import subprocess
import sys

import pytest

from autograder.course.folder import driver_url
from postgres_server import BIN, MISSING, postgres_server
from submission_mix import submission_mix, write_submitted
from test_cli_grade import ASSIGNMENT, autograded_points, new_course

pytestmark = pytest.mark.skipif(BIN is None, reason=MISSING)


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


def test_two_grading_runs_at_once_into_one_postgres_gradebook(postgres_url, tmp_path):
    from nbgrader.api import Gradebook

    class_ = submission_mix(ASSIGNMENT, 5)
    # grader A takes the first three students, grader B the last three: one student is in both
    sections = {"a": class_[:3], "b": class_[2:]}
    runs = {}
    for name, students in sections.items():
        course = new_course(tmp_path / f"grader-{name}")
        source = write_submitted(tmp_path / f"download-{name}", ASSIGNMENT, students)
        runs[name] = subprocess.Popen(
            [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(source), "--db", postgres_url,
             "--jobs", "1"], cwd=course, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    outputs = {name: run.communicate(timeout=900)[0] for name, run in runs.items()}
    for name, run in runs.items():
        assert run.returncode == 0, outputs[name][-4000:]
        assert "failed 0" in outputs[name] and "database is locked" not in outputs[name]

    points = autograded_points()
    with Gradebook(driver_url(postgres_url), "lossopt") as gradebook:
        totals = {s.student.id: s.score for s in gradebook.find_assignment(ASSIGNMENT).submissions}
    assert set(totals) == {s.student for s in class_}
    for submission in class_:
        if submission.kind == "correct":
            assert totals[submission.student] == pytest.approx(sum(points.values()))
        elif submission.kind == "blank":
            assert totals[submission.student] == 0
        elif submission.kind == "wrong":
            assert totals[submission.student] == pytest.approx(
                sum(points.values()) - sum(points[g] for g in submission.loses))

    def csv_students(name):
        rows = (tmp_path / f"grader-{name}" / "grades" / ASSIGNMENT / "grades.csv").read_text().splitlines()
        return {row.split(",")[0] for row in rows[1:]}

    # each grader's export holds at least its own section (and whatever the other had merged)
    for name, students in sections.items():
        assert {s.student for s in students} <= csv_students(name)

    # a second run of grader A finds everything graded (the ledger lives in the shared database)
    # and exports the whole shared gradebook, both sections
    again = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT,
                            str(tmp_path / "download-a"), "--db", postgres_url],
                           cwd=tmp_path / "grader-a", capture_output=True, text=True, timeout=600)
    assert "0 to grade (3 unchanged since graded)" in again.stdout, again.stdout + again.stderr[-2000:]
    assert csv_students("a") == set(totals)


def test_runs_take_turns_recording_an_assignment_but_not_different_ones(postgres_url):
    """Check that the PostgreSQL recording lock admits one run at a time per assignment."""
    import threading
    import time

    from nbgrader.api import Gradebook

    from autograder.course import gradebook as gb

    url = driver_url(postgres_url)
    with Gradebook(url, "lossopt") as first, Gradebook(url, "lossopt") as second:
        order = []

        def other_run(assignment):
            with gb.recording_lock(second, assignment):
                order.append(f"other run in ({assignment})")

        with gb.recording_lock(first, "adam"):
            elsewhere = threading.Thread(target=other_run, args=("losses",))
            elsewhere.start()
            elsewhere.join(10)  # a different assignment: not held up
            same = threading.Thread(target=other_run, args=("adam",))
            same.start()
            time.sleep(0.5)
            order.append("first run out")
        same.join(10)
    assert order == ["other run in (losses)", "first run out", "other run in (adam)"]
