"""The instructor's grading command end to end: ``python -m autograder grade`` on an LMS zip.

One run over a small class (correct, wrong, blank, mixed, a notebook that is not JSON, a stray file)
with two parallel jobs, read back from what an instructor gets: the summary, the progress lines,
grades.csv, the feedback files, report.html, the gradebook; then re-runs.
"""
import csv
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from grading_harness import REPO
from submission_mix import submission_mix, write_lms_zip, write_submitted

ASSIGNMENT = "ce_vs_mse"


def autograder(*args, cwd):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


def autograded_points():
    """grade id -> points of the autograded (code) test cells of the source notebook."""
    notebook = nbformat.read(REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"] for c in notebook.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}


def new_course(root):
    import shutil

    root.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    return root


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("grade")
    root = new_course(base / "course")
    submissions = submission_mix(ASSIGNMENT, 4)
    archive = write_lms_zip(base / "download.zip", ASSIGNMENT, submissions)
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr(f"broken999_{ASSIGNMENT}.ipynb", '{"cells": [')
        zf.writestr("readme.txt", "not a submission")
    # the instructor released the assignment first (exercises/ exists, as in a real course: the
    # config's intake hook then normalizes each notebook again while nbgrader grades it)
    released = autograder("release", ASSIGNMENT, cwd=root)
    assert released.returncode == 0, released.stdout + released.stderr
    run = autograder("grade", ASSIGNMENT, str(archive), "--jobs", "2", cwd=root)
    return SimpleNamespace(root=root, base=base, submissions=submissions, archive=archive, run=run)


def read_csv(root):
    with open(root / "grades" / ASSIGNMENT / "grades.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_summary_names_graded_failed_with_reasons_and_statistics(graded):
    out = graded.run.stdout
    assert graded.run.returncode == 1, graded.run.stderr[-3000:]  # failures are signalled
    assert "5 submissions collected" in out and "1 files rejected" in out
    assert "Graded 5, unchanged 0, failed 1." in out
    assert "FAILED readme.txt: does not match the file-name pattern" in out
    # a notebook that is not JSON is graded as the empty release (0 points), with the reason
    assert "Read with problems" in out
    assert f"broken999: {ASSIGNMENT}.ipynb is not a valid notebook file (JSON error" in out
    assert "mean " in out and "median " in out


def test_progress_is_plain_text_one_line_per_submission(graded):
    lines = [line for line in graded.run.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 5
    assert lines[-1].startswith("[" + "#" * 30 + "] 5/5 100%")
    assert "\r" not in graded.run.stderr


def test_grades_csv_one_row_per_student_one_column_per_function(graded):
    rows = read_csv(graded.root)
    header = list(rows[0])
    assert header[0] == "student_id" and header[-3:] == ["total", "awaiting_manual_grade", "late"]
    assert {"sigmoid", "bce_loss", "bce_grad", "softmax", "cross_entropy_loss"} <= set(header)
    # every column but the id and total is a function or a written answer, no raw check ids
    assert not any(h.endswith("_hidden") for h in header)
    points = autograded_points()
    full = sum(points.values())
    by_student = {row["student_id"]: row for row in rows}
    assert set(by_student) == {s.student for s in graded.submissions} | {"broken999"}
    assert float(by_student["broken999"]["total"]) == 0
    for submission in graded.submissions:
        row = by_student[submission.student]
        total = float(row["total"])
        # a written answer no one has graded yet is empty, and the total counts what is graded
        parts = sum(float(row[h] or 0) for h in header[1:-3])
        assert total == pytest.approx(parts)
        if submission.kind == "correct":
            assert total == pytest.approx(full)
        elif submission.kind == "blank":
            assert total == 0
        elif submission.kind == "wrong":
            assert total == pytest.approx(full - sum(points[g] for g in submission.loses))
        else:
            assert 0 < total < full


def test_gradebook_holds_the_same_grades_as_the_csv(graded):
    from nbgrader.api import Gradebook

    rows = {row["student_id"]: float(row["total"]) for row in read_csv(graded.root)}
    with Gradebook(f"sqlite:///{graded.root / 'gradebook.db'}", "lossopt") as gradebook:
        for student, total in rows.items():
            assert gradebook.find_submission(ASSIGNMENT, student).score == pytest.approx(total)


def test_feedback_for_every_graded_student_without_hidden_tests(graded):
    totals = {row["student_id"]: float(row["total"]) for row in read_csv(graded.root)}
    notebook = nbformat.read(REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    full = sum(c.metadata.nbgrader.get("points", 0) for c in notebook.cells  # written answers too
               if c.metadata.get("nbgrader", {}).get("grade"))
    for submission in graded.submissions:
        page = graded.root / "feedback" / submission.student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        text = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
        # each page carries its own student's score (workers reuse one HTML exporter)
        assert f"Score: {totals[submission.student]:.1f} / {full:.1f}" in text
    broken = (graded.root / "feedback" / "broken999" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "is not a valid notebook file" in broken  # the student is told why they got 0


def test_report_has_inline_pictures_and_every_function(graded):
    html = (graded.root / "grades" / ASSIGNMENT / "report.html").read_text()
    assert html.count("<svg ") == 2 and "<img" not in html
    assert f"<title>{ASSIGNMENT}: scores of " in html and "<title>pass rate per graded function</title>" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html
    for function in list(read_csv(graded.root)[0])[1:-3]:  # not total, awaiting_manual_grade, late
        assert f"<td>{function}</td>" in html
    assert "readme.txt" in html and "does not match the file-name pattern" in html
    assert "Read with problems" in html and "broken999" in html


def test_status_lists_who_submitted_and_who_is_graded(graded):
    run = autograder("status", ASSIGNMENT, cwd=graded.root)
    assert run.returncode == 0, run.stderr
    lines = {line.split()[0]: line for line in run.stdout.splitlines()[1:] if line.strip()}
    for submission in graded.submissions:
        assert " graded " in lines[submission.student]
    assert " graded " in lines["broken999"] and "0/" in lines["broken999"]


def test_rerun_grades_only_new_or_changed_submissions(graded):
    before = read_csv(graded.root)
    again = autograder("grade", ASSIGNMENT, str(graded.archive), cwd=graded.root)
    assert "0 to grade (5 unchanged since graded)" in again.stdout
    assert read_csv(graded.root) == before
    # the course's own submitted/ as SOURCE (graded in place) is just as unchanged
    in_place = autograder("grade", ASSIGNMENT, str(graded.root / "submitted"), cwd=graded.root)
    assert "0 to grade (5 unchanged since graded)" in in_place.stdout, in_place.stdout

    # one student uploads a new version: only that one is graded
    changed = graded.base / "download2.zip"
    blank = next(s for s in graded.submissions if s.kind == "blank")
    correct = next(s for s in graded.submissions if s.kind == "correct")
    with zipfile.ZipFile(graded.archive) as old, zipfile.ZipFile(changed, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.startswith(blank.student + "_"):
                data = nbformat.writes(correct.notebook).encode()
            new.writestr(info, data)
    third = autograder("grade", ASSIGNMENT, str(changed), cwd=graded.root)
    assert "1 to grade (4 unchanged since graded)" in third.stdout
    rows = {row["student_id"]: row for row in read_csv(graded.root)}
    assert rows[blank.student]["total"] == rows[correct.student]["total"]

    # --force grades again what is unchanged
    folder = write_submitted(graded.base / "one", ASSIGNMENT, [correct])
    forced = autograder("grade", ASSIGNMENT, str(folder), "--force", cwd=graded.root)
    assert forced.returncode == 0, forced.stdout + forced.stderr[-3000:]
    assert "1 to grade (0 unchanged since graded)" in forced.stdout
    assert "Graded 1, unchanged 0, failed 0." in forced.stdout


def _descendants(pid):
    """Every process below ``pid`` (from /proc), as (pid, command line)."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                found.append((child, (Path("/proc") / str(child) / "cmdline").read_bytes()))
            except OSError:
                continue
            todo.append(child)
    return found


def _alive(pid, cmdline):
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes() == cmdline
    except OSError:
        return False


def test_a_command_killed_outright_leaves_nothing_running_and_a_rerun_loses_nothing(tmp_path):
    import signal
    import time

    root = new_course(tmp_path / "course")
    released = autograder("release", ASSIGNMENT, cwd=root)
    assert released.returncode == 0, released.stderr
    submissions = submission_mix(ASSIGNMENT, 8)
    archive = write_lms_zip(tmp_path / "download.zip", ASSIGNMENT, submissions)
    command = subprocess.Popen([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(archive),
                                "--jobs", "2"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    below = []
    while time.monotonic() < deadline and command.poll() is None:
        below = _descendants(command.pid)
        graded = root / "autograded"
        # mid-run: some submissions are done and sandboxes are running for others
        if (graded.is_dir() and len(list(graded.iterdir())) >= 2
                and any(b"bwrap" in cmd for _, cmd in below)):
            break
        time.sleep(0.2)
    assert command.poll() is None, "the run ended before it could be killed mid-way"
    command.send_signal(signal.SIGKILL)
    command.wait()
    time.sleep(5)
    survivors = [cmd.replace(b"\0", b" ")[:120] for pid, cmd in below if _alive(pid, cmd)]
    assert below and not survivors, survivors

    rerun = autograder("grade", ASSIGNMENT, str(archive), "--jobs", "2", cwd=root)
    rows = read_csv(root)
    assert sorted(r["student_id"] for r in rows) == sorted(s.student for s in submissions), rerun.stdout


def test_a_canvas_download_gives_late_marks_and_lms_imports(tmp_path):
    """A Canvas "Download Submissions" zip (``name_[LATE_]userid_fileid_file``), one late, and a
    student on the roster who submitted nothing; then the written answers graded by hand."""
    from nbgrader.api import Gradebook

    root = new_course(tmp_path / "course")
    released = autograder("release", ASSIGNMENT, cwd=root)
    assert released.returncode == 0, released.stderr
    url = f"sqlite:///{root / 'gradebook.db'}"
    with Gradebook(url, "lossopt") as gradebook:
        gradebook.update_or_create_student("30003", first_name="Ada", last_name="Lovelace")
    correct, wrong, blank = submission_mix(ASSIGNMENT, 3)
    correct.notebook = nbformat.from_dict(json.loads(nbformat.writes(correct.notebook)))
    for cell in correct.notebook.cells:  # an answer written: it waits for the formgrader
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "The sigmoid's slope vanishes where the prediction is confidently wrong."
    names = {"10001": (correct, "doejane_10001_555001"), "20002": (wrong, "roerichard_LATE_20002_555002"),
             "40004": (blank, "poeedgar_40004_555004")}
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for submission, prefix in names.values():
            zf.writestr(f"{prefix}_{ASSIGNMENT}.ipynb", nbformat.writes(submission.notebook))
    run = autograder("grade", ASSIGNMENT, str(archive), "--pattern", "canvas", "--jobs", "2",
                     "--canvas-assignment-id", "777", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "Late (as the LMS or nbgrader's timestamps mark them; no penalty applied here): 1: 20002" in run.stdout
    rows = {row["student_id"]: row for row in read_csv(root)}
    assert {s: r["late"] for s, r in rows.items()} == {"10001": "no", "20002": "yes", "30003": "", "40004": "no"}
    report = (root / "grades" / ASSIGNMENT / "report.html").read_text()
    assert "1 submission(s) late</strong>" in report
    with Gradebook(url, "lossopt") as gradebook:  # the late mark changes no score: nbgrader's policy
        assert gradebook.find_submission(ASSIGNMENT, "20002").score == pytest.approx(float(rows["20002"]["total"]))
        assert gradebook.find_submission(ASSIGNMENT, "20002").late_submission_penalty in (None, 0)

    # `autograder status` tells the same: who was late, whose written answer still waits
    status = autograder("status", ASSIGNMENT, cwd=root)
    assert status.returncode == 0, status.stderr
    header, *lines = [line.split() for line in status.stdout.splitlines() if line.strip()][:-1]
    assert header == ["student", "submitted", "late", "state", "score"], status.stdout
    by_student = {line[0]: line for line in lines}
    assert {s: by_student[s][2] for s in names} == {"10001": "no", "20002": "yes", "40004": "no"}
    assert "awaiting manual grade" in " ".join(by_student["10001"])
    assert "awaiting manual grade" not in " ".join(by_student["20002"])
    assert status.stdout.rstrip().endswith("; 1 late; 1 awaiting a manual grade"), status.stdout

    def canvas():
        with open(root / "grades" / ASSIGNMENT / "canvas.csv", newline="") as handle:
            return list(csv.reader(handle))

    header, points, *students = canvas()
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{ASSIGNMENT} (777)"]
    assert points[0] == "Points Possible" and float(points[5]) > 0
    # 10001's written answer awaits the formgrader: no grade posted yet; the others left theirs
    # blank (nbgrader scores an unchanged answer 0 by itself), so theirs are complete
    assert rows["10001"]["awaiting_manual_grade"] and not rows["20002"]["awaiting_manual_grade"]
    assert [(r[0], r[1], r[5]) for r in students] == [
        ("doejane", "10001", ""), ("roerichard", "20002", rows["20002"]["total"]),
        ("Lovelace, Ada", "30003", ""), ("poeedgar", "40004", "0")]

    # the instructor grades the written answers in the formgrader (here: straight into the gradebook)
    with Gradebook(url, "lossopt") as gradebook:
        for student in names:
            for notebook in gradebook.find_submission(ASSIGNMENT, student).notebooks:
                for grade in notebook.grades:
                    if grade.needs_manual_grade and grade.manual_score is None:
                        grade.manual_score = 1.0
                        graded_by_hand = student
        gradebook.db.commit()
    # and runs the command again, from the course's own submitted/ this time (no LATE in any name)
    again = autograder("grade", ASSIGNMENT, str(root / "submitted"), cwd=root)
    assert "0 to grade (3 unchanged since graded)" in again.stdout, again.stdout + again.stderr[-2000:]
    assert graded_by_hand == "10001"
    rows = {row["student_id"]: row for row in read_csv(root)}
    assert rows["20002"]["late"] == "yes"  # kept from the Canvas download
    posted = {r[1]: r[5] for r in canvas()[2:]}
    assert posted["30003"] == ""  # never 0 for no submission
    for student in names:
        assert float(posted[student]) == pytest.approx(float(rows[student]["total"]))
    assert float(posted["10001"]) > float(posted["20002"]) > float(posted["40004"]) == 0
    with open(root / "grades" / ASSIGNMENT / "moodle.csv", newline="") as handle:
        moodle = list(csv.DictReader(handle))
    assert {r["ID number"]: r[ASSIGNMENT] for r in moodle} == posted
