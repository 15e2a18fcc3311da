"""The course gradebook (SQLite or any database nbgrader supports) as the grading command uses it.

Workers never open this database: each grades into a private SQLite copy of the assignment
(``build_template``), and the one process that runs the command merges results here
(``merge_result``), one short transaction per submission. Transactions that collide with
another writer (a second grading run, the formgrader, SQLite's single-writer lock, two
PostgreSQL sessions creating the same student) are retried with backoff (``with_retries``), so
"database is locked" is waited out instead of failing a submission.

Next to nbgrader's tables the command keeps one of its own, ``autograder_ledger``: per
(course, assignment, student) the content hash of the submission last graded, so a re-run
grades only what changed. It lives in the same database as the grades, so every grader sharing
a PostgreSQL gradebook sees the same ledger, and deleting the gradebook forgets it too.
"""
from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import random
import time
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, delete, insert, select, text
from sqlalchemy.exc import DBAPIError

LEDGER = Table(
    "autograder_ledger", MetaData(),
    Column("course_id", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    # "<hash as collected>:<hash as graded>" (see autograder.batch.run.is_current)
    Column("content_hash", String(160), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text()),
    Column("graded_at", DateTime()),
)

#: Database errors that another writer causes and that go away on a retry.
TRANSIENT = ("database is locked", "database table is locked", "could not serialize",
             "deadlock detected", "duplicate key", "unique constraint", "already exists",
             "could not obtain lock", "server closed the connection")


def is_transient(error: Exception) -> bool:
    return any(marker in str(error).lower() for marker in TRANSIENT)


def with_retries(action, *, rollback=None, deadline_seconds: float = 300.0):
    """Run ``action()``; on a transient database error roll back and try again with jittered
    exponential backoff until ``deadline_seconds`` have passed, then re-raise."""
    give_up = time.monotonic() + deadline_seconds
    delay = 0.02
    while True:
        try:
            return action()
        except (DBAPIError, InvalidEntry) as error:
            if not is_transient(error) or time.monotonic() > give_up:
                raise
            if rollback is not None:
                try:
                    rollback()
                except DBAPIError:
                    pass
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 1.0)


def open_gradebook(db_url: str, course_id: str) -> Gradebook:
    """nbgrader's Gradebook plus the ledger table; creating the tables races with any other run
    creating them at the same moment, hence the retries."""
    def connect():
        gradebook = Gradebook(db_url, course_id)
        try:
            LEDGER.metadata.create_all(gradebook.engine, checkfirst=True)
        except Exception:
            gradebook.close()
            raise
        return gradebook
    return with_retries(connect)


def content_hash(submission_folder: Path, source_notebooks: list[Path]) -> str:
    """SHA-256 over the submission's files (names and bytes) and the assignment's source
    notebooks: a changed submission or changed tests both mean the old grade is stale."""
    from autograder.pipeline.intake import ORIGINAL_SUFFIX

    digest = hashlib.sha256()
    # the original bytes normalization keeps beside a notebook it rewrote are not the submission
    files = sorted(p for p in submission_folder.rglob("*") if p.is_file() and not p.name.endswith(ORIGINAL_SUFFIX))
    for path in files:
        digest.update(b"submission\0" + path.relative_to(submission_folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for path in source_notebooks:
        digest.update(b"source\0" + path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass
class LedgerEntry:
    content_hash: str
    status: str
    reason: str | None
    graded_at: datetime.datetime | None


def read_ledger(gradebook: Gradebook, assignment: str) -> dict[str, LedgerEntry]:
    rows = gradebook.db.execute(select(LEDGER).where(
        LEDGER.c.course_id == gradebook.course_id, LEDGER.c.assignment == assignment)).all()
    gradebook.db.commit()
    return {row.student: LedgerEntry(row.content_hash, row.status, row.reason, row.graded_at) for row in rows}


def write_ledger(gradebook: Gradebook, assignment: str, student: str, digest: str, status: str,
                  reason: str | None) -> None:
    key = (LEDGER.c.course_id == gradebook.course_id) & (LEDGER.c.assignment == assignment) & \
          (LEDGER.c.student == student)
    gradebook.db.execute(delete(LEDGER).where(key))
    gradebook.db.execute(insert(LEDGER).values(
        course_id=gradebook.course_id, assignment=assignment, student=student, content_hash=digest,
        status=status, reason=reason, graded_at=datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)))


def record_failure(gradebook: Gradebook, assignment: str, student: str, digest: str, reason: str) -> None:
    def write():
        write_ledger(gradebook, assignment, student, digest, "failed", reason)
        gradebook.db.commit()
    with_retries(write, rollback=gradebook.db.rollback)


@contextlib.contextmanager
def recording_lock(gradebook: Gradebook, assignment: str):
    """Hold, across every grading run on this gradebook, the right to record ``assignment``.

    Recording an assignment is nbgrader's ``generate_assignment``, and two of those at once
    corrupt each other: one that finds the notebook another is still writing removes it and
    writes it again (``SaveCells``), so the first run may copy a notebook missing cells and
    fail every submission with "No such grade cell". Under this lock the second run waits,
    then finds the assignment complete and records nothing.

    PostgreSQL: a session advisory lock keyed on course and assignment. SQLite: an exclusive
    ``flock`` of a file beside the database (not of the database itself: closing any
    descriptor of that file would drop SQLite's own locks in this process). Other databases:
    no lock (the run that loses the race on the assignment's name still waits for the winner,
    see ``autograder.batch.run.ensure_assignment``)."""
    engine = gradebook.engine
    if engine.dialect.name == "postgresql":
        # pg_advisory_lock takes a bigint; a CRC of the names is one, and the same in every run
        key = zlib.crc32(f"autograder:{gradebook.course_id}:{assignment}".encode())
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
    elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with open(f"{engine.url.database}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    else:
        yield


def is_recorded(gradebook: Gradebook, assignment: str) -> bool:
    """The gradebook has a row for ``assignment``, whether or not its notebooks are in yet
    (nbgrader records the assignment first and its notebooks one by one after it)."""
    try:
        gradebook.find_assignment(assignment)
        return True
    except MissingEntry:
        return False
    finally:
        gradebook.db.commit()


def has_assignment(gradebook: Gradebook, assignment: str) -> bool:
    """The gradebook has ``assignment`` with at least one of its notebooks."""
    try:
        return len(gradebook.find_assignment(assignment).notebooks) > 0
    except MissingEntry:
        return False
    finally:
        gradebook.db.commit()


def missing_grade_cells(gradebook: Gradebook, assignment: str, grade_ids: set[str]) -> set[str]:
    """Grade ids of the source notebooks that the gradebook's copy of the assignment lacks (all
    of them when it has no such assignment): non-empty while another run is still recording it,
    or when solutions/ changed since the last release."""
    try:
        record = gradebook.find_assignment(assignment)
        known = {cell.name for notebook in record.notebooks
                 for cell in list(notebook.grade_cells) + list(notebook.task_cells)}
    except MissingEntry:
        known = set()
    finally:
        gradebook.db.commit()
    return grade_ids - known


def build_template(gradebook: Gradebook, assignment: str, path: Path) -> str:
    """A private SQLite gradebook holding only ``assignment``'s structure (notebooks, grade,
    solution, task and source cells) copied from the course gradebook; workers copy this file
    for each submission instead of creating a gradebook (which costs an alembic subprocess)."""
    master = gradebook.find_assignment(assignment)
    url = "sqlite:///" + str(path)
    with Gradebook(url, gradebook.course_id) as template:
        template.update_or_create_assignment(assignment, duedate=master.duedate)
        for notebook in master.notebooks:
            template.add_notebook(notebook.name, assignment)
            for cell in notebook.grade_cells:
                template.add_grade_cell(cell.name, notebook.name, assignment,
                                        max_score=cell.max_score, cell_type=cell.cell_type)
            for cell in notebook.solution_cells:
                template.add_solution_cell(cell.name, notebook.name, assignment)
            for cell in notebook.task_cells:
                template.add_task_cell(cell.name, notebook.name, assignment,
                                       max_score=cell.max_score, cell_type=cell.cell_type)
            for cell in notebook.source_cells:
                template.add_source_cell(cell.name, notebook.name, assignment, cell_type=cell.cell_type,
                                         locked=cell.locked, source=cell.source, checksum=cell.checksum)
    return url


def prior_grading(gradebook: Gradebook, assignment: str, student: str) -> dict:
    """What a human already put into the course gradebook for this submission (manual scores,
    extra credit, comments, an extension); the worker seeds its private gradebook with it so
    nbgrader's own rules (a manual score wins, late penalties honour extensions) apply."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        gradebook.db.commit()
        return {}
    prior = {"extension": submission.extension.total_seconds() if submission.extension else None,
             "grades": {}, "comments": {}}
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            if grade.manual_score is not None or grade.extra_credit is not None:
                prior["grades"][f"{notebook.name}/{grade.cell.name}"] = (grade.manual_score, grade.extra_credit)
        for comment in notebook.comments:
            if comment.manual_comment is not None:
                prior["comments"][f"{notebook.name}/{comment.cell.name}"] = comment.manual_comment
    gradebook.db.commit()
    # nothing a human added: the worker need not seed anything
    return prior if prior["extension"] or prior["grades"] or prior["comments"] else {}


def seed_prior(gradebook: Gradebook, assignment: str, student: str, prior: dict) -> None:
    gradebook.update_or_create_student(student)
    extension = prior.get("extension")
    submission = gradebook.update_or_create_submission(
        assignment, student, **({"extension": datetime.timedelta(seconds=extension)} if extension else {}))
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            manual, extra = prior.get("grades", {}).get(f"{notebook.name}/{grade.cell.name}", (None, None))
            grade.manual_score, grade.extra_credit = manual, extra
        for comment in notebook.comments:
            comment.manual_comment = prior.get("comments", {}).get(f"{notebook.name}/{comment.cell.name}")
    gradebook.db.commit()


def read_result(gradebook: Gradebook, assignment: str, student: str) -> dict:
    """A submission's autograding outcome as plain data (it crosses a process boundary)."""
    submission = gradebook.find_submission(assignment, student)
    notebooks = {}
    for notebook in submission.notebooks:
        notebooks[notebook.name] = {
            "late_submission_penalty": notebook.late_submission_penalty,
            "grades": {grade.cell.name: (grade.auto_score, grade.needs_manual_grade) for grade in notebook.grades},
            "comments": {comment.cell.name: comment.auto_comment for comment in notebook.comments},
        }
    return {"timestamp": submission.timestamp, "notebooks": notebooks,
            "score": submission.score, "max_score": submission.max_score}


def merge_result(gradebook: Gradebook, assignment: str, student: str, result: dict, digest: str) -> None:
    """Write one submission's autograding outcome into the course gradebook, with its ledger
    entry, in one transaction (retried on contention). Manual scores already there are kept:
    nbgrader's rule that a human's grade wins over the autograder's."""
    def write():
        write_result(gradebook, assignment, student, result, digest)
        gradebook.db.commit()
    with_retries(write, rollback=gradebook.db.rollback)


def write_result(gradebook: Gradebook, assignment: str, student: str, result: dict, digest: str) -> None:
    """``merge_result``'s writes, inside the caller's transaction (nothing is committed)."""
    gradebook.update_or_create_student(student)
    extra = {"timestamp": result["timestamp"]} if result["timestamp"] else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's add_submission trips an autoflush warning
        submission = gradebook.update_or_create_submission(assignment, student, **extra)
    for notebook in submission.notebooks:
        outcome = result["notebooks"].get(notebook.name)
        if outcome is None:
            continue
        notebook.late_submission_penalty = outcome["late_submission_penalty"]
        for grade in notebook.grades:
            auto_score, needs_manual = outcome["grades"].get(grade.cell.name, (None, True))
            grade.auto_score = auto_score
            grade.needs_manual_grade = bool(needs_manual or grade.manual_score is not None)
        for comment in notebook.comments:
            comment.auto_comment = outcome["comments"].get(comment.cell.name)
    write_ledger(gradebook, assignment, student, digest, "graded", None)
