"""Grades as an LMS imports them: ``grades/ASSIGNMENT/canvas.csv`` and ``moodle.csv``.

``canvas.csv`` is Canvas's gradebook import format, the layout of Canvas's own gradebook export:
the columns ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column for the
assignment, then a ``Points Possible`` row before the students. Canvas matches a row to a student
by ``ID``, the Canvas user id, which is the student id itself when the download was collected
with ``--pattern canvas`` (or the gradebook's ``lms_user_id`` when nbgrader was given one), and
an assignment column to an assignment by the Canvas assignment id in parentheses at the end of its
name: ``adam (98765)`` with ``--canvas-assignment-id 98765``. Without an id the column is named
by the assignment alone, and Canvas offers to create a new assignment from it, worth the points
of the ``Points Possible`` row.

``moodle.csv`` is for Moodle's "Import grades from CSV": a column that identifies the user
(``ID number``, with ``Email address``, ``First name`` and ``Last name`` when the gradebook knows
them; the import page asks which column maps to which user field) and one grade column named by
the assignment, mapped to a grade item on the same page.

A grade is the submission's total once it is complete. It is left empty, never 0, for a student
known to the course without a submission, for a submission that could not be graded, and while
a written answer still waits for the formgrader (an import would otherwise post a grade that
silently drops those points); both LMSs leave a grade they are given empty untouched.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from . import lms_records
from .folder import Course
from .export import GradeTable, StudentGrades, read_table
from .lms_records import LmsRecord

#: Canvas's fixed leading columns, in order.
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: The label Canvas puts (and looks for) in the first cell of the row of maximum points.
CANVAS_POINTS_ROW = "Points Possible"
#: Moodle's names for the user fields its own grade export writes (and its import can map).
MOODLE_COLUMNS = ["ID number", "Email address", "First name", "Last name"]


@dataclass
class Identity:
    """What the course knows of a student besides the id (any field may be empty)."""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""
    lms_name: str = ""  # the name as an LMS file name carried it (Canvas: "doejane")


def identities(gradebook: Gradebook, records: dict[str, LmsRecord]) -> dict[str, Identity]:
    """Every student of the gradebook (and of ``records``) with what is known of them."""
    found = {}
    for student in gradebook.students:
        found[student.id] = Identity(student.first_name or "", student.last_name or "",
                                     student.email or "", student.lms_user_id or "")
    gradebook.db.commit()
    for student, entry in records.items():
        found.setdefault(student, Identity()).lms_name = entry.name or ""
    return found


def mark_late(table: GradeTable, records: dict[str, LmsRecord]) -> None:
    """Fold what the LMS said into each row's ``late`` (set from nbgrader's timestamps by
    ``read_table``): late when either says so, on time when one says so and none says late."""
    for row in table.students:
        said = records.get(row.student)
        if said is None or said.late is None:
            continue
        row.late = bool(row.late) or said.late


def read_with_lms(gradebook: Gradebook, course: Course, assignment: str) -> tuple[GradeTable, dict[str, Identity]]:
    """The assignment's grade table with each row's ``late`` mark, and who each student is."""
    table = read_table(gradebook, course, assignment)
    records = lms_records.read(gradebook, assignment)
    mark_late(table, records)
    return table, identities(gradebook, records)


def lms_grade(row: StudentGrades) -> float | None:
    """The grade to hand an LMS: the total of a complete grading, else None (left empty)."""
    if not row.graded or row.awaiting:
        return None
    return row.total()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _display_name(student: str, who: Identity) -> str:
    if who.last_name or who.first_name:
        return ", ".join(part for part in (who.last_name, who.first_name) if part)  # Canvas's sortable form
    return who.lms_name or student


def check_canvas_assignment_id(canvas_assignment_id: str | None) -> None:
    """Refuse an id Canvas could not have given (None: no id, which is fine)."""
    if canvas_assignment_id is not None and not canvas_assignment_id.isdigit():
        raise ValueError(f"--canvas-assignment-id {canvas_assignment_id!r}: a Canvas assignment id is a "
                         "number (the one in the assignment's address, .../assignments/98765)")


def canvas_column(assignment: str, canvas_assignment_id: str | None) -> str:
    check_canvas_assignment_id(canvas_assignment_id)
    if canvas_assignment_id is None:
        return assignment
    return f"{assignment} ({canvas_assignment_id})"


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    tmp.replace(path)  # an upload never sees a half-written file
    return path


def canvas_rows(table: GradeTable, people: dict[str, Identity],
                canvas_assignment_id: str | None = None) -> list[list[str]]:
    rows = [CANVAS_COLUMNS + [canvas_column(table.assignment, canvas_assignment_id)],
            [CANVAS_POINTS_ROW, "", "", "", "", _number(table.max_total)]]
    for row in table.students:
        who = people.get(row.student, Identity())
        rows.append([_display_name(row.student, who), who.lms_user_id or row.student, "", "", "",
                     _number(lms_grade(row))])
    return rows


def moodle_rows(table: GradeTable, people: dict[str, Identity]) -> list[list[str]]:
    rows = [MOODLE_COLUMNS + [table.assignment]]
    for row in table.students:
        who = people.get(row.student, Identity())
        rows.append([row.student, who.email, who.first_name, who.last_name, _number(lms_grade(row))])
    return rows


def write_lms_files(table: GradeTable, people: dict[str, Identity], folder: Path,
                    canvas_assignment_id: str | None = None) -> dict[str, Path]:
    """Write ``canvas.csv`` and ``moodle.csv`` into ``folder``; their paths by LMS."""
    return {"canvas": _write(folder / "canvas.csv", canvas_rows(table, people, canvas_assignment_id)),
            "moodle": _write(folder / "moodle.csv", moodle_rows(table, people))}
