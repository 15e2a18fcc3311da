"""Batched merging into the course gradebook (``autograder/course/merging.py``; no kernels: fast).

A batch writes exactly the rows that merging the same results one at a time writes, for new
submissions and for re-graded ones whose manual scores a human set; one result that cannot be
saved fails alone, and the rest of its batch is saved.
"""
from nbgrader.api import Gradebook

from autograder.course import gradebook as gb
from autograder.course.merging import merge_batch
from test_cli_gradebook import ASSIGNMENT, course, result  # noqa: F401  (course is a fixture)


def stored(book, student):
    """Everything the merge writes for ``student``, as plain data."""
    submission = book.find_submission(ASSIGNMENT, student)
    notebooks = {}
    for notebook in submission.notebooks:
        notebooks[notebook.name] = (
            notebook.late_submission_penalty,
            sorted((g.cell.name, g.auto_score, g.manual_score, g.needs_manual_grade) for g in notebook.grades),
            sorted((c.cell.name, c.auto_comment) for c in notebook.comments))
    entry = gb.read_ledger(book, ASSIGNMENT)[student]
    return submission.timestamp, submission.score, notebooks, (entry.content_hash, entry.status)


def test_a_batch_writes_what_merging_one_at_a_time_writes(course):
    first = result({"adam_step_first_step": 2.0, "adam_step_hidden": 0.0, "adam_rollout": 1.0, "written": None})
    late = dict(result({"adam_step_first_step": 0.0, "adam_step_hidden": 3.0, "adam_rollout": None, "written": None}),
                timestamp="2026-03-01 09:30:00")
    late["notebooks"][ASSIGNMENT]["late_submission_penalty"] = 1.0
    late["notebooks"][ASSIGNMENT]["comments"] = {"written": "see the rubric"}
    master = gb.open_gradebook(course.db_url, "lossopt")
    try:
        for student, outcome in (("one1", first), ("one2", late)):
            gb.merge_result(master, ASSIGNMENT, student, outcome, f"h-{student[-1]}")
        assert merge_batch(master, ASSIGNMENT, [("batch1", first, "h-1"), ("batch2", late, "h-2")]) == {}
        # a human grades by hand, then both are graded again with new automatic scores
        for student in ("one1", "batch1"):
            master.find_grade("adam_rollout", ASSIGNMENT, ASSIGNMENT, student).manual_score = 0.5
            master.find_grade("written", ASSIGNMENT, ASSIGNMENT, student).manual_score = 2.0
        master.db.commit()
        again = result({"adam_step_first_step": 2.0, "adam_step_hidden": 3.0, "adam_rollout": 1.0, "written": None})
        gb.merge_result(master, ASSIGNMENT, "one1", again, "h-3")
        assert merge_batch(master, ASSIGNMENT, [("batch1", again, "h-3")]) == {}
    finally:
        master.close()
    with Gradebook(course.db_url, "lossopt") as book:
        assert stored(book, "batch1") == stored(book, "one1")
        assert stored(book, "batch2") == stored(book, "one2")
        timestamp, score, notebooks, ledger = stored(book, "batch1")
        assert score == 2.0 + 3.0 + 0.5 + 2.0 and ledger == ("h-3", "graded")  # the manual scores won
        assert stored(book, "batch2")[2][ASSIGNMENT][0] == 1.0  # the late penalty was written


def test_one_result_that_cannot_be_saved_fails_alone(course):
    good = result({"adam_step_first_step": 2.0, "adam_step_hidden": 3.0, "adam_rollout": 1.0, "written": None})
    broken = dict(good, timestamp="the 31st of Smarch")  # an unreadable timestamp.txt
    master = gb.open_gradebook(course.db_url, "lossopt")
    try:
        errors = merge_batch(master, ASSIGNMENT, [("ann", good, "a"), ("bea", broken, "b"), ("cid", good, "c")])
    finally:
        master.close()
    assert set(errors) == {"bea"}
    with Gradebook(course.db_url, "lossopt") as book:
        assert {s.student.id for s in book.find_assignment(ASSIGNMENT).submissions} == {"ann", "cid"}
        assert set(gb.read_ledger(book, ASSIGNMENT)) == {"ann", "cid"}
