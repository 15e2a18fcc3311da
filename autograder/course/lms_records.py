"""What an LMS download said about each submission, kept in the course gradebook.

A Canvas file name carries more than the student id: whether Canvas marked the submission late,
the student's name, the id of the uploaded file (``lms.CANVAS_PATTERN``). The grading command
records it at intake in a table of its own, ``autograder_lms``, next to nbgrader's tables and
the re-run ledger: per (course, assignment, student) the last download's word. So a later run
from the course's own ``submitted/`` (whose layout says nothing of lateness), or another grader
sharing a PostgreSQL gradebook, exports the same ``late`` column and names.

Only what the download states is stored: a pattern without a ``late`` group leaves lateness
unknown (None), never "on time".
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from nbgrader.api import Gradebook
from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, delete, insert, select

from .gradebook import with_retries

LMS = Table(
    "autograder_lms", MetaData(),
    Column("course_id", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("late", Boolean()),  # None: the download did not say
    Column("name", String(256)),
    Column("submission", String(128)),
    Column("collected_at", DateTime()),
)


@dataclass
class LmsRecord:
    late: bool | None
    name: str | None
    submission: str | None


def _ensure_table(gradebook: Gradebook) -> None:
    with_retries(lambda: LMS.metadata.create_all(gradebook.engine, checkfirst=True))


def record(gradebook: Gradebook, assignment: str, details: dict[str, dict]) -> None:
    """Store ``{student: {"late", "name", "submission"}}`` (``lms.Collection.details``) in one
    transaction; students whose file names said nothing at all keep what an earlier download said."""
    said = {s: d for s, d in details.items() if any(v is not None for v in d.values())}
    if not said:
        return
    _ensure_table(gradebook)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)

    def write():
        for student, found in said.items():
            gradebook.db.execute(delete(LMS).where(
                (LMS.c.course_id == gradebook.course_id) & (LMS.c.assignment == assignment)
                & (LMS.c.student == student)))
            gradebook.db.execute(insert(LMS).values(
                course_id=gradebook.course_id, assignment=assignment, student=student,
                late=found.get("late"), name=(found.get("name") or None),
                submission=found.get("submission"), collected_at=now))
        gradebook.db.commit()
    with_retries(write, rollback=gradebook.db.rollback)


def read(gradebook: Gradebook, assignment: str) -> dict[str, LmsRecord]:
    _ensure_table(gradebook)
    rows = gradebook.db.execute(select(LMS).where(
        LMS.c.course_id == gradebook.course_id, LMS.c.assignment == assignment)).all()
    gradebook.db.commit()
    return {row.student: LmsRecord(row.late, row.name, row.submission) for row in rows}
