"""The instructor's command line: ``python -m autograder`` (installed as ``autograder``).

One module per verb (``grade``, ``release``, ``status``); the grading run is assembled from
``course`` (where the course is, its nbgrader config), ``lms`` (collect an LMS download),
``parallel`` and ``worker`` (autograde many submissions at once, each in a private gradebook;
``warm``: what a worker builds once and reuses for every submission),
``gradebook`` (the course database, the re-run ledger), ``progress`` (the progress bar),
``export`` (grades.csv), ``lms_records`` and ``lms_export`` (what an LMS download said of each
submission; canvas.csv and moodle.csv) and ``report`` (report.html).

    autograder release [ASSIGNMENT ...]               # exercises/ from solutions/, leak-checked
    autograder grade ASSIGNMENT download.zip -j 4      # collect, grade, feedback, export
    autograder grade ASSIGNMENT submitted/ --db postgresql://grader@host/course
    autograder status ASSIGNMENT                       # who submitted, who is graded
"""
from __future__ import annotations

import argparse
import sys

# jsonschema (imported by nbformat, so by nbgrader) imports rfc3987_syntax when it is installed,
# which compiles an IRI grammar: over a second of every run, for a format check that neither the
# notebook schema nor nbgrader's cell schema uses. The sandbox's runner does the same.
sys.modules.setdefault("rfc3987_syntax", None)

from .course import CourseError


def build_parser() -> argparse.ArgumentParser:
    from . import grade, release, status

    parser = argparse.ArgumentParser(
        prog="autograder", description="Grade the course's nbgrader assignments: release, grade, status.")
    subparsers = parser.add_subparsers(dest="verb", required=True, metavar="{grade,release,status}")
    grade.add_parser(subparsers)
    release.add_parser(subparsers)
    status.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CourseError as error:
        print(f"autograder {args.verb}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"autograder {args.verb}: interrupted; grades saved so far are kept, re-run to continue",
              file=sys.stderr)
        return 130
