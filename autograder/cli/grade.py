"""``autograder grade ASSIGNMENT SOURCE``: from an LMS download to grades, feedback and a report.

One run: collect SOURCE into ``submitted/`` (see ``autograder.course.lms``), autograde every new or changed
submission in parallel through nbgrader's ``Autograde`` with the course's ``nbgrader_config.py``
(the same sandboxed, judged pipeline as ``nbgrader autograde``), generate each student's
feedback, and write ``grades/ASSIGNMENT/grades.csv``, the LMS imports ``canvas.csv`` and
``moodle.csv``, and ``report.html``. One bad submission fails alone, with its reason; the run
always ends with a summary. With ``--scheduler``, the submissions are graded on that Dask
cluster instead (``autograder.batch.cluster``), merged here all the same.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..batch.pool import default_jobs
from ..batch.run import GradingOptions, Summary, grade_assignment
from ..course.folder import Course
from ..course.lms import DEFAULT_PATTERN
from .progress import Progress


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least 1 job is needed")
    return value


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "grade", help="collect, autograde, give feedback and export grades for one assignment",
        description=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="assignment name (a folder of solutions/)")
    parser.add_argument("source", metavar="SOURCE",
                        help="an LMS download (.zip of notebooks, or the same files in a folder) or a "
                             "folder in nbgrader's submitted/<student>/<assignment>/ layout")
    parser.add_argument("--jobs", "-j", type=positive_int, default=default_jobs(),
                        help="submissions graded at once (default: the number of cores, %(default)s)")
    parser.add_argument("--db", metavar="URL",
                        help="gradebook database URL, e.g. postgresql://user@host/course "
                             "(default: nbgrader_config.py's)")
    parser.add_argument("--force", action="store_true",
                        help="grade again even submissions already graded and unchanged")
    parser.add_argument("--pattern", metavar="REGEX",
                        help="how an LMS file name carries the student id: a regular expression "
                             "matched against the whole base name, with a group (?P<student>...) "
                             f"(default: {DEFAULT_PATTERN!r}, i.e. <student>_<anything>.ipynb); "
                             "'canvas' names Canvas's <name>_[LATE_]<user id>_<submission id>_<file> "
                             "(optional groups (?P<late>...), (?P<name>...), (?P<submission>...) "
                             "record lateness, names and file ids)")
    parser.add_argument("--canvas-assignment-id", metavar="ID",
                        help="the assignment's id in Canvas (from its address, .../assignments/ID): "
                             "canvas.csv's column then updates that assignment on import")
    parser.add_argument("--unsandboxed", action="store_true",
                        help="run student code without the bubblewrap sandbox, with YOUR permissions "
                             "(only for a machine without bubblewrap; every notebook is flagged)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on the Dask cluster whose scheduler is at ADDRESS, e.g. "
                             "tcp://HOST:8786 (--jobs is then ignored; see README)")
    parser.add_argument("--course", metavar="DIR", help="course folder (default: found from here)")
    parser.set_defaults(run=run)


def grade(course: Course, assignment: str, source: Path, options: GradingOptions, *, out=sys.stdout,
          progress_stream=None) -> Summary:
    """The run (:func:`autograder.batch.run.grade_assignment`) with its progress and summary printed."""
    summary = grade_assignment(course, assignment, source, options, Progress(stream=progress_stream),
                               announce=lambda line: print(line, file=out, flush=True))
    print_summary(summary, course, assignment, out)
    return summary


def print_summary(summary: Summary, course: Course, assignment: str, out) -> None:
    table = summary.table
    print(f"\nGraded {len(summary.graded)}, unchanged {len(summary.unchanged)}, "
          f"failed {len(summary.failed)}.", file=out)
    for who, reason in sorted(summary.failed.items()):
        print(f"  FAILED {who}: {reason}", file=out)
    for who, warning in sorted(summary.warnings.items()):
        print(f"  warning {who}: {warning}", file=out)
    if summary.notes:
        print("Read with problems (graded as read; each student's feedback says what was changed):", file=out)
        for who, problems in sorted(summary.notes.items()):
            print(f"  {who}: {'; '.join(problems)}", file=out)
    if table["graded"]:
        print(f"Scores of all {table['graded']} graded submissions in the gradebook: "
              f"mean {table['mean']:.2f}, median {table['median']:.2f} of {table['max_total']:g}.", file=out)
    if summary.late:
        print(f"Late (as the LMS or nbgrader's timestamps mark them; no penalty applied here): "
              f"{len(summary.late)}: {', '.join(summary.late)}", file=out)
    print(f"LMS import: {summary.lms_files['canvas']} (Canvas), {summary.lms_files['moodle']} (Moodle)"
          + (f"; {summary.lms_incomplete} grade(s) left empty there until their written answers "
             "are graded in the formgrader" if summary.lms_incomplete else ""), file=out)
    print(f"Grades: {summary.grades_csv}\nReport: {summary.report}\n"
          f"Feedback: {course.folder('feedback')}/<student>/{assignment}/", file=out)
    if summary.unsandboxed:
        print("UNSANDBOXED: student code ran with your permissions, without isolation; "
              "every notebook graded in this run is flagged so.", file=out)
    if summary.failed:
        print(f"Logs of failed submissions: {course.grades_folder(assignment) / 'logs'}", file=out)
    for line in summary.cluster:
        print(line, file=out)


def run(args) -> int:
    course = Course.locate(args.course, args.db)
    options = GradingOptions(jobs=args.jobs, force=args.force, pattern=args.pattern,
                             unsandboxed=args.unsandboxed, scheduler=args.scheduler,
                             canvas_assignment_id=args.canvas_assignment_id)
    return 1 if grade(course, args.assignment, Path(args.source), options).failed else 0
