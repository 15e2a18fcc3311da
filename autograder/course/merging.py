"""The one writer: graded submissions merged into the course gradebook in batches.

Merging one submission through nbgrader's ``Gradebook`` (``gradebook.merge_result``) costs tens
of milliseconds: its calls commit after each step (a disk sync for SQLite, a round trip for
PostgreSQL), every commit expires every row loaded so the next submission loads the assignment's
cells again, and each call flushes on its own. A grading run hands this process whatever
finished since the last merge, and :func:`merge_batch` writes all of it in one transaction
(:func:`one_transaction`) with :func:`write_batch`: the assignment's cells read once, the
batch's students and existing submissions loaded in a few queries, one flush. The busier the
workers, the larger the batch and the cheaper each submission in it, so the writer keeps up with
the cluster instead of the cluster's results queueing behind the writer
(``benchmarks/merging.py`` prints merges per second).

A batch that fails for a reason other than contention (which ``gradebook.with_retries`` waits
out) is merged again one submission at a time, so one unsavable result fails alone.
"""
from __future__ import annotations

import contextlib

from . import gradebook as gb

#: Largest batch written in one transaction: bounds what one failed batch costs to redo and how
#: long a transaction holds SQLite's write lock against other writers (the formgrader).
MAX_BATCH = 200


def merge_batch(gradebook, assignment: str, items: list[tuple[str, dict, str]]) -> dict[str, str]:
    """Merge ``(student, result, digest)`` items (see ``gradebook.merge_result``) in as few
    transactions as possible; returns ``{student: reason}`` for those that could not be saved."""
    errors: dict[str, str] = {}
    for start in range(0, len(items), MAX_BATCH):
        chunk = items[start:start + MAX_BATCH]

        def write():
            with one_transaction(gradebook) as commit:
                write_batch(gradebook, assignment, chunk)
                commit()
        try:
            gb.with_retries(write, rollback=gradebook.db.rollback)
        except Exception as error:
            gradebook.db.rollback()
            if len(chunk) == 1:
                errors[chunk[0][0]] = str(error)
                continue
            for item in chunk:  # find the one that cannot be saved; the others are
                errors.update(merge_batch(gradebook, assignment, [item]))
    return errors


@contextlib.contextmanager
def one_transaction(gradebook):
    """Within this block nbgrader's own commits (after each of its calls) only flush, so they
    check constraints and assign ids as before but end no transaction; yields the real commit,
    for the caller to end the batch with. A failure inside rolls the whole batch back."""
    session = gradebook.db.registry()  # the Session behind nbgrader's scoped session
    commit = session.commit
    session.commit = session.flush
    try:
        yield commit
    finally:
        del session.commit


def write_batch(gradebook, assignment: str, items: list[tuple[str, dict, str]]) -> None:
    """``gradebook.write_result`` for many submissions at once, inside the caller's transaction:
    the same rows, written as nbgrader's ``add_submission`` lays them out, but with the
    assignment's cells read once for the batch, the batch's students and existing submissions
    (with their notebooks, grades and comments) loaded in a few queries, and one flush at the
    end instead of several per submission. Manual scores already there are kept, as in
    ``write_result``."""
    from nbgrader import utils
    from nbgrader.api import Comment, Grade, Student, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy.orm import selectinload

    db = gradebook.db
    record = gradebook.find_assignment(assignment)
    layout = {nb.id: (nb, list(nb.grade_cells), list(nb.solution_cells), list(nb.task_cells))
              for nb in record.notebooks}
    cell_names = {cell.id: cell.name for _, *kinds in layout.values() for cells in kinds for cell in cells}
    wanted = sorted({student for student, _, _ in items})
    students = {s.id: s for s in db.query(Student).filter(Student.id.in_(wanted))}
    notebooks = selectinload(SubmittedAssignment.notebooks)
    existing = {sub.student_id: sub for sub in db.query(SubmittedAssignment).options(
        notebooks.selectinload(SubmittedNotebook.grades), notebooks.selectinload(SubmittedNotebook.comments)).filter(
        SubmittedAssignment.assignment_id == record.id, SubmittedAssignment.student_id.in_(wanted))}
    with db.no_autoflush:
        for student, result, digest in items:
            if student not in students:
                students[student] = Student(id=student)
                db.add(students[student])
            timestamp = utils.parse_utc(result["timestamp"]) if result["timestamp"] else None
            submission = existing.get(student)
            if submission is None:  # nbgrader's add_submission: the assignment's whole structure
                submission = existing[student] = SubmittedAssignment(
                    assignment=record, student=students[student], **({"timestamp": timestamp} if timestamp else {}))
                for notebook, grade_cells, solution_cells, task_cells in layout.values():
                    submitted = SubmittedNotebook(notebook=notebook, assignment=submission)
                    for cell in grade_cells:
                        Grade(cell_id=cell.id, notebook=submitted)
                    for cell in solution_cells:
                        Comment(cell_id=cell.id, notebook=submitted)
                    for cell in task_cells:
                        Comment(cell_id=cell.id, notebook=submitted)
                        Grade(cell_id=cell.id, notebook=submitted)
                db.add(submission)
            elif timestamp:
                submission.timestamp = timestamp
            for submitted in submission.notebooks:
                outcome = result["notebooks"].get(layout[submitted.notebook_id or submitted.notebook.id][0].name)
                if outcome is None:
                    continue
                submitted.late_submission_penalty = outcome["late_submission_penalty"]
                for grade in submitted.grades:
                    auto_score, needs_manual = outcome["grades"].get(cell_names[grade.cell_id], (None, True))
                    grade.auto_score = auto_score
                    grade.needs_manual_grade = bool(needs_manual or grade.manual_score is not None)
                for comment in submitted.comments:
                    comment.auto_comment = outcome["comments"].get(cell_names[comment.cell_id])
    db.flush()
    for student, _, digest in items:
        gb.write_ledger(gradebook, assignment, student, digest, "graded", None)
