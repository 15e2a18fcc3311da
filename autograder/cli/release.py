"""``autograder release``: regenerate ``exercises/`` from ``solutions/`` and prove nothing leaks.

Runs nbgrader's ``GenerateAssignment`` (the same as ``nbgrader generate_assignment --force``
from the course root), then reads every released notebook back and fails, naming the notebook,
the cell and the line, if it holds a solution or hidden-test marker, any line of a solution or
hidden test, or a stored output.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..course.capture import capturing_logger, failure_reason
from ..course.folder import Course, CourseError
from ..vocabulary import Markers, markers

#: Lines this short ("return x", "pass") say nothing about a solution and appear in stubs too.
MIN_SECRET_LENGTH = 12


@dataclass
class Leak:
    notebook: Path
    cell: int
    what: str


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "release", help="regenerate exercises/ from solutions/, failing if anything leaks",
        description=__doc__.split("\n\n", 1)[1])
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="assignments to release (default: every assignment in solutions/)")
    parser.add_argument("--course", metavar="DIR", help="course folder (default: found from here)")
    parser.add_argument("--db", metavar="URL", help="gradebook database URL (default: nbgrader_config.py's)")
    parser.set_defaults(run=run)


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


def secret_lines(source_notebook: Path, delimiters: Markers) -> set[str]:
    """Lines inside solution and hidden-test regions that appear nowhere else in the source."""
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


def run(args) -> int:
    course = Course.locate(args.course, args.db)
    assignments = args.assignments or course.assignments()
    if not assignments:
        raise CourseError(f"no assignments in {course.folder('source')}")
    failed = False
    for assignment in assignments:
        leaks = release(course, assignment)
        released = course.folder("release") / assignment
        if leaks:
            failed = True
            print(f"{assignment}: LEAKS into {released}:")
            for leak in leaks:
                print(f"  {leak.notebook.name} cell {leak.cell}: {leak.what}")
        else:
            print(f"{assignment}: released to {released}, no solution or hidden test in it")
    return 1 if failed else 0
