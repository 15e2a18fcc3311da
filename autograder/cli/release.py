"""``autograder release``: regenerate ``exercises/`` from ``solutions/`` and prove nothing leaks.

Runs nbgrader's ``GenerateAssignment`` (the same as ``nbgrader generate_assignment --force``
from the course root), then reads every released notebook back and fails, naming the notebook,
the cell and the line, if it holds a solution or hidden-test marker, any line of a solution or
hidden test, or a stored output (see :mod:`autograder.course.release`).
"""
from __future__ import annotations

from ..course.folder import Course, CourseError
from ..course.release import release


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "release", help="regenerate exercises/ from solutions/, failing if anything leaks",
        description=__doc__.split("\n\n", 1)[1])
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="assignments to release (default: every assignment in solutions/)")
    parser.add_argument("--course", metavar="DIR", help="course folder (default: found from here)")
    parser.add_argument("--db", metavar="URL", help="gradebook database URL (default: nbgrader_config.py's)")
    parser.set_defaults(run=run)


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
