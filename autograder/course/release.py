"""Releasing an assignment: nbgrader's ``GenerateAssignment`` for one assignment, and the proof
that nothing of the solutions or hidden tests leaks into what students get.

:func:`release` generates ``exercises/<assignment>/`` and reads every released notebook back,
returning each solution or hidden-test marker (the course's own delimiters, see
:func:`autograder.vocabulary.markers`), each line of a solution or hidden test and each stored
output found there. :func:`add_to_gradebook` records an assignment without touching the release.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..vocabulary import Markers, markers
from .capture import capturing_logger, failure_reason
from .folder import Course, CourseError

#: Lines this short ("return x", "pass") say nothing about a solution and appear in stubs too.
MIN_SECRET_LENGTH = 12


@dataclass
class Leak:
    notebook: Path
    cell: int
    what: str


def generate(course: Course, assignment: str, release_directory: str | None = None,
             db_url: str | None = None) -> None:
    """nbgrader generate_assignment for one assignment, into the course's release folder or
    ``release_directory``; records the assignment in the course gradebook as nbgrader does (or
    in the gradebook at ``db_url``)."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    course.source_notebooks(assignment)
    traits = {"assignment_id": assignment, "student_id": "."}
    if release_directory:
        traits["release_directory"] = release_directory
    if db_url:
        traits["db_url"] = db_url
    config = course.config(CourseDirectory=traits, GenerateAssignment={"force": True})
    log, capture = capturing_logger(f"autograder.release.{assignment}")
    try:
        GenerateAssignment(coursedir=CourseDirectory(config=config), config=config, log=log).start()
    except Exception as error:
        raise CourseError(f"nbgrader generate_assignment {assignment} failed: "
                          f"{failure_reason(capture.records) or error}")


def add_to_gradebook(course: Course, assignment: str) -> None:
    """Record ``assignment`` in the gradebook without touching ``exercises/`` (the grading command
    needs it there; nbgrader's way of putting it there is generating the release)."""
    with tempfile.TemporaryDirectory(prefix="autograder-release-") as scratch:
        generate(course, assignment, release_directory=scratch)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def secret_lines(source_notebook: Path, delimiters: Markers | None = None) -> set[str]:
    """Lines inside solution and hidden-test regions that appear nowhere else in the source."""
    delimiters = delimiters or markers()
    inside, outside = set(), set()
    for cell in _cells(source_notebook):
        end = None  # the delimiter that closes the region the line is in
        for raw in _text(cell).splitlines():
            line = raw.strip()
            if end is None and delimiters.begin_solution in line:
                end = delimiters.end_solution
            elif end is None and delimiters.begin_hidden in line:
                end = delimiters.end_hidden
            elif end is not None and end in line:
                end = None
            elif line:
                (inside if end else outside).add(line)
    return {line for line in inside - outside if len(line) >= MIN_SECRET_LENGTH}


def find_leaks(source_notebook: Path, released_notebook: Path, delimiters: Markers | None = None) -> list[Leak]:
    """What of ``source_notebook``'s solutions and hidden tests ``released_notebook`` shows
    (``delimiters``: the course's, nbgrader's defaults when None)."""
    delimiters = delimiters or markers()
    secrets = secret_lines(source_notebook, delimiters)
    leaks = []
    for index, cell in enumerate(_cells(released_notebook)):
        text = _text(cell)
        for marker in delimiters.all():
            if marker in text:
                leaks.append(Leak(released_notebook, index, f"marker {marker!r}"))
        for raw in text.splitlines():
            if raw.strip() in secrets:
                leaks.append(Leak(released_notebook, index, f"solution or hidden-test line {raw.strip()!r}"))
        if cell.get("outputs"):
            leaks.append(Leak(released_notebook, index, "stored outputs"))
    return leaks


def release(course: Course, assignment: str) -> list[Leak]:
    generate(course, assignment)
    released = course.folder("release") / assignment
    leaks = []
    delimiters = markers(course.config())
    for source in course.source_notebooks(assignment):
        target = released / source.name
        if not target.is_file():
            leaks.append(Leak(target, -1, "missing from the release"))
            continue
        leaks.extend(find_leaks(source, target, delimiters))
    return leaks
