"""``grades/ASSIGNMENT/grades.csv``: one row per student, one column per graded function, the total.

Grade ids read ``<function>_<check>`` (``adam_step_first_step``), so a function's column adds up
the points of every test cell whose grade id starts with that function's name; the function
names are the ``def``s in the assignment's solution cells. A graded cell of no function (a
written answer) gets a column of its own, named by its grade id. Columns follow the notebook's
order, which is the order students meet them in.

Scores are nbgrader's (a manual score overrides the autograder's, extra credit is added).
Students in the gradebook without a submission get a row with empty cells, so an LMS import
leaves them ungraded rather than giving them 0. A written answer that still awaits manual
grading is left empty, never 0: its column is empty, the ``awaiting_manual_grade`` column names
it, the total adds up only what has been graded, and the report counts what waits in the
formgrader.

The ``late`` column says ``yes`` when the LMS marked the submission late (a Canvas ``LATE_`` file
name, see ``lms_records``) or nbgrader's timestamp falls after the due date, ``no`` when the LMS
or nbgrader's timestamp and due date say it came in time, and is empty when nothing says either
(or there is no submission). It only records: late penalties are nbgrader's policy
(``LateSubmissionPlugin``), and no score here is reduced for it.
"""
from __future__ import annotations

import csv
import json
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook

from ..vocabulary import column_of, function_names
from .folder import Course

DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


@dataclass
class GradedCell:
    grade_id: str
    column: str
    max_score: float


@dataclass
class StudentGrades:
    student: str
    submitted: bool
    cell_scores: dict[str, float | None] = field(default_factory=dict)
    awaiting: list[str] = field(default_factory=list)  # answers still waiting for a human
    late: bool | None = None  # None: nothing says (see the module docstring)

    @property
    def graded(self) -> bool:
        """Submitted and scored: a submission whose autograding failed (no score in any cell)
        is shown empty, never as zeros, so a machine failure cannot pass for a student's."""
        return self.submitted and any(score is not None for score in self.cell_scores.values())

    def column_score(self, cells: list[GradedCell], column: str) -> float | None:
        """Points in ``column``; None when not graded, or when every cell of it awaits a human."""
        if not self.graded:
            return None
        ids = [c.grade_id for c in cells if c.column == column]
        if ids and all(grade_id in self.awaiting for grade_id in ids):
            return None
        return sum(self.cell_scores.get(grade_id) or 0.0 for grade_id in ids)

    def total(self) -> float | None:
        if not self.graded:
            return None
        return sum(score or 0.0 for score in self.cell_scores.values())


@dataclass
class GradeTable:
    assignment: str
    cells: list[GradedCell]
    students: list[StudentGrades]

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(cell.column for cell in self.cells))

    def column_max(self, column: str) -> float:
        return sum(cell.max_score for cell in self.cells if cell.column == column)

    @property
    def max_total(self) -> float:
        return sum(cell.max_score for cell in self.cells)

    @property
    def submitted(self) -> list[StudentGrades]:
        """The students with a graded submission (what the statistics are over)."""
        return [s for s in self.students if s.graded]

    def totals(self) -> list[float]:
        return [s.total() for s in self.submitted]

    def column_scores(self, column: str) -> list[float]:
        """The scores of ``column`` that exist (answers awaiting a human are left out)."""
        scores = (s.column_score(self.cells, column) for s in self.submitted)
        return [score for score in scores if score is not None]

    def pass_rate(self, column: str) -> float | None:
        """Share of the graded students with full marks on every test of ``column``; None when
        no one is graded there yet."""
        scores = self.column_scores(column)
        if not scores:
            return None
        return sum(1 for score in scores if abs(score - self.column_max(column)) < 1e-9) / len(scores)

    def awaiting_count(self) -> int:
        """Answers that wait for a grade in the formgrader."""
        return sum(len(s.awaiting) for s in self.submitted)

    def late_count(self) -> int:
        """Submissions the LMS or nbgrader's timestamps mark late."""
        return sum(1 for s in self.students if s.submitted and s.late)

    def cell_pass_rate(self, cell: GradedCell) -> float | None:
        rows = [s for s in self.submitted if cell.grade_id not in s.awaiting]
        if not rows:
            return None
        return sum(1 for s in rows if (s.cell_scores.get(cell.grade_id) or 0.0) >= cell.max_score - 1e-9) / len(rows)

    def summary(self) -> dict:
        totals = self.totals()
        return {"graded": len(totals), "max_total": self.max_total,
                "mean": statistics.fmean(totals) if totals else None,
                "median": statistics.median(totals) if totals else None}


def grade_id_order(notebooks: list[Path]) -> list[str]:
    ids = []
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") or meta.get("task"):
                ids.append(meta.get("grade_id"))
    return ids


def read_table(gradebook: Gradebook, course: Course, assignment: str) -> GradeTable:
    source = course.source_notebooks(assignment)
    functions = function_names(source)
    order = {grade_id: i for i, grade_id in enumerate(grade_id_order(source))}
    record = gradebook.find_assignment(assignment)
    cells = []
    for notebook in record.notebooks:
        for cell in list(notebook.grade_cells) + list(notebook.task_cells):
            cells.append(GradedCell(cell.name, column_of(cell.name, functions), cell.max_score))
    cells.sort(key=lambda c: (order.get(c.grade_id, len(order)), c.grade_id))
    submissions = {s.student.id: s for s in record.submissions}
    students = []
    for student in sorted({s.id for s in gradebook.students} | set(submissions)):
        submission = submissions.get(student)
        row = StudentGrades(student, submitted=submission is not None)
        if submission is not None:
            if submission.timestamp is not None and submission.duedate is not None:
                row.late = submission.total_seconds_late > 0  # past the due date and any extension
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    # not grade.score: nbgrader reports 0 where nothing was scored at all
                    score = grade.manual_score if grade.manual_score is not None else grade.auto_score
                    if score is not None and grade.extra_credit:
                        score += grade.extra_credit
                    row.cell_scores[grade.cell.name] = score
                    if grade.needs_manual_grade and grade.manual_score is None:
                        row.awaiting.append(grade.cell.name)
        students.append(row)
    gradebook.db.commit()
    return GradeTable(assignment, cells, students)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def late_text(row: StudentGrades) -> str:
    if not row.submitted or row.late is None:
        return ""
    return "yes" if row.late else "no"


def write_csv(table: GradeTable, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = table.columns
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", *columns, "total", "awaiting_manual_grade", "late"])
        for row in table.students:
            writer.writerow([row.student, *(_number(row.column_score(table.cells, c)) for c in columns),
                             _number(row.total()), " ".join(row.awaiting) if row.graded else "",
                             late_text(row)])
    tmp.replace(path)  # an LMS upload never sees a half-written file
    return path
