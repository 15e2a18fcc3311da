"""The instructor's command line: ``python -m autograder`` (installed as ``autograder``).

One module per verb (``grade``, ``release``, ``status``), plus ``progress`` (the progress bar):
argument parsing and what is printed. The work is done by :mod:`autograder.course` (the course
folder, gradebook, LMS intake, grade table, report), :mod:`autograder.batch` (many submissions
at once, each in a private gradebook) and :mod:`autograder.pipeline` (one submission, graded).

    autograder release [ASSIGNMENT ...]               # exercises/ from solutions/, leak-checked
    autograder grade ASSIGNMENT download.zip -j 4      # collect, grade, feedback, export
    autograder grade ASSIGNMENT submitted/ --db postgresql://grader@host/course
    autograder status ASSIGNMENT                       # who submitted, who is graded
"""
from __future__ import annotations

import argparse
import sys

from ..course.folder import CourseError


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
