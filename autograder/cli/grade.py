"""``autograder grade ASSIGNMENT SOURCE``: from an LMS download to grades, feedback and a report.

One run: collect SOURCE into ``submitted/`` (see ``lms``), autograde every new or changed
submission in parallel through nbgrader's ``Autograde`` with the course's ``nbgrader_config.py``
(the same sandboxed, judged pipeline as ``nbgrader autograde``), generate each student's
feedback, and write ``grades/ASSIGNMENT/grades.csv`` and ``report.html``. One bad submission
fails alone, with its reason; the run always ends with a summary.
"""
from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
from pathlib import Path

from . import gradebook as gb
from .course import Course, CourseError
from .export import write_csv
from .lms import DEFAULT_PATTERN, collect
from . import lms_export, lms_records
from .parallel import default_jobs, run_parallel
from .progress import Progress
from .release import add_to_gradebook, generate
from .report import write_report


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
    parser.add_argument("--course", metavar="DIR", help="course folder (default: found from here)")
    parser.set_defaults(run=run)


def sandbox_overrides(course: Course, unsandboxed: bool) -> dict:
    """Config overrides for the workers, after checking up front that the sandbox the course's
    config asks for can run here (otherwise every submission would fail with the same message).
    Adapter to ``autograder.sandbox``, used only when the config names its preprocessor."""
    preprocessors = course.config().Autograde.get("autograde_preprocessors", [])
    if not any(getattr(p, "__name__", str(p)).endswith("SandboxedExecute") for p in preprocessors):
        return {}
    if unsandboxed:
        return {"SandboxedExecute": {"unsandboxed": True}}
    from autograder.sandbox import SandboxUnavailable, check_bwrap

    try:
        check_bwrap()
    except SandboxUnavailable as error:
        raise CourseError(f"cannot grade safely: {error}")
    return {}


def _is_current(course: Course, master, assignment: str, student: str, entry, digest: str) -> bool:
    """Graded before, from these very bytes and tests, and its grades and feedback still exist.

    The ledger keeps two hashes: of the files as collected and as graded (after
    ``normalize`` rewrote them), so both a re-collected LMS download (raw bytes again) and a
    course's own ``submitted/`` graded in place (normalized bytes) are recognised."""
    if entry is None or entry.status != "graded" or digest not in entry.content_hash.split(":"):
        return False
    if not (course.folder("feedback") / student / assignment).is_dir():
        return False
    try:
        master.find_submission(assignment, student)
        return True
    except gb.MissingEntry:
        return False
    finally:
        master.db.commit()


def ensure_assignment(course: Course, master, assignment: str, source_notebooks, wait_seconds=30) -> None:
    """Make sure the gradebook knows the assignment's grade cells (nbgrader grades against the
    gradebook's copy). Absent: record it, as ``nbgrader generate_assignment`` would, without
    touching exercises/. Another grading run sharing the gradebook may be recording it at this
    very moment: then its work is waited for rather than raced."""
    from .export import grade_id_order

    wanted = {g for g in grade_id_order(source_notebooks) if g}
    give_up = time.monotonic() + wait_seconds
    if not gb.has_assignment(master, assignment):
        try:
            add_to_gradebook(course, assignment)
        except CourseError:
            if not gb.has_assignment(master, assignment):
                raise
    while True:
        missing = gb.missing_grade_cells(master, assignment, wanted)
        if not missing:
            return
        if time.monotonic() > give_up:
            raise CourseError(
                f"the gradebook's copy of '{assignment}' lacks the grade cells {', '.join(sorted(missing))} "
                f"of {course.folder('source') / assignment}: run `autograder release {assignment}` "
                "so that the gradebook and solutions/ agree")
        time.sleep(1)


def release_notebooks(course: Course, assignment: str, source_notebooks, scratch: Path) -> Path:
    """The folder of the notebooks students were given: ``exercises/<assignment>/`` when it is
    there, else generated afresh into ``scratch`` (with a gradebook of its own: no contention)."""
    released = course.folder("release") / assignment
    if all((released / notebook.name).is_file() for notebook in source_notebooks):
        return released
    generate(course, assignment, release_directory=str(scratch / "release"),
             db_url="sqlite:///" + str(scratch / "release.sqlite"))
    return scratch / "release" / assignment


def normalize(course: Course, assignment: str, students: list[str], released: Path) -> dict[str, list[str]]:
    """Put each collected notebook in gradable form before nbgrader reads it (adapter to
    ``autograder.submissions``: not JSON, not UTF-8, another nbformat version, renamed,
    deleted or re-flagged graded cells); ``{student: [what was changed]}``. A notebook it cannot
    read at all is graded as the empty release, with a note in its feedback, not dropped."""
    from autograder.submissions import normalize_submission

    notes: dict[str, list[str]] = {}
    for student in students:
        folder = course.folder("submitted") / student / assignment
        for release in sorted(released.glob("*.ipynb")):
            path = folder / release.name
            if path.is_file() and not path.is_symlink():
                problems = normalize_submission(path, release).problems
                if problems:
                    notes.setdefault(student, []).extend(problems)
    return notes


def largest_first(students: list[str], folder_of) -> list[str]:
    """The order to hand submissions to the workers: the largest first (ties by name).

    Size stands in for grading time (a blank or half-done notebook runs fastest), so the last
    submissions to start are short ones and no core idles long at the end while one worker
    finishes a long one."""
    def size(student):
        folder = folder_of(student)
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
    return sorted(students, key=lambda s: (-size(s), s))


def grade(course: Course, assignment: str, source: Path, *, jobs: int, force: bool = False,
          pattern: str | None = None, unsandboxed: bool = False, out=sys.stdout,
          progress_stream=None, canvas_assignment_id: str | None = None) -> dict:
    """The whole run; returns the summary (also printed to ``out``)."""
    try:
        lms_export.canvas_column(assignment, canvas_assignment_id)
    except ValueError as error:
        raise CourseError(str(error))
    source_notebooks = course.source_notebooks(assignment)
    worker_config = sandbox_overrides(course, unsandboxed)
    collection = collect(course, assignment, source, pattern)
    failures: dict[str, str] = {r.path: r.reason for r in collection.rejected}
    warnings: dict[str, str] = {}
    scores: dict[str, float] = {}
    grades_folder = course.grades_folder(assignment)
    scratch_folder = tempfile.TemporaryDirectory(prefix="autograder-grade-")
    scratch = scratch_folder.name
    master = gb.open_gradebook(course.db_url, course.course_id)
    try:
        ensure_assignment(course, master, assignment, source_notebooks)
        lms_records.record(master, assignment, collection.details)
        ledger = gb.read_ledger(master, assignment)
        submitted = course.folder("submitted")

        def digest(student):
            return gb.content_hash(submitted / student / assignment, source_notebooks)

        collected = {s: digest(s) for s in collection.students}
        to_grade = [s for s in collection.students
                    if force or not _is_current(course, master, assignment, s, ledger.get(s), collected[s])]
        unchanged = [s for s in collection.students if s not in to_grade]
        notes = normalize(course, assignment, to_grade,
                          release_notebooks(course, assignment, source_notebooks, Path(scratch))) if to_grade else {}

        def graded_digest(student):
            # taken once the worker is done: the course's own intake hook (nbgrader's
            # pre_convert_hook) may rewrite the notebook again while it is graded
            return f"{collected[student]}:{digest(student)}"

        print(f"{assignment}: {len(collection.students)} submissions collected from {source}, "
              f"{len(to_grade)} to grade ({len(unchanged)} unchanged since graded), "
              f"{len(collection.rejected)} files rejected; {jobs} jobs", file=out, flush=True)
        template = Path(scratch) / "template.sqlite"
        gb.build_template(master, assignment, template)
        tasks = [{"root": str(course.root), "assignment": assignment, "student": s,
                  "template": str(template), "workdir": scratch,
                  "prior": gb.prior_grading(master, assignment, s), "config": worker_config,
                  "log_path": str(grades_folder / "logs" / f"{s}.log")}
                 for s in largest_first(to_grade, lambda s: submitted / s / assignment)]
        progress = Progress(len(tasks), stream=progress_stream)
        master.db.commit()
        master.engine.dispose()  # workers are forked: none may inherit a live connection

        def on_result(outcome: dict) -> None:
            student = outcome["student"]
            if outcome["ok"]:
                try:
                    gb.merge_result(master, assignment, student, outcome["result"], graded_digest(student))
                except Exception as error:  # the grade exists only in this run's memory
                    outcome = {"ok": False, "reason": f"could not save the grades: {error}"}
            if outcome["ok"]:
                result = outcome["result"]
                scores[student] = result["score"]
                if outcome.get("warning"):
                    warnings[student] = outcome["warning"]
                message = f"{student}: {result['score']:g}/{result['max_score']:g}"
            else:
                failures[student] = outcome["reason"]
                try:
                    gb.record_failure(master, assignment, student, graded_digest(student), outcome["reason"])
                except Exception:
                    pass  # the summary still names it; the ledger only speeds up re-runs
                message = f"{student}: FAILED, {outcome['reason']}"
            progress.advance(message)

        run_parallel(tasks, jobs, on_result)
        table, people = lms_export.read_with_lms(master, course, assignment)
    finally:
        master.close()
        scratch_folder.cleanup()
    csv_path = write_csv(table, grades_folder / "grades.csv")
    lms_files = lms_export.write_lms_files(table, people, grades_folder, canvas_assignment_id)
    stamp = datetime.datetime.now().strftime("Generated %Y-%m-%d %H:%M")
    report_path = write_report(table, failures, grades_folder / "report.html", stamp, notes)
    summary = {"graded": sorted(scores), "unchanged": unchanged, "failed": failures, "warnings": warnings,
               "notes": notes,
               "unsandboxed": bool(worker_config.get("SandboxedExecute", {}).get("unsandboxed")),
               "table": table.summary(), "grades_csv": csv_path, "report": report_path,
               "lms_files": lms_files, "late": sorted(s.student for s in table.students if s.submitted and s.late),
               "lms_incomplete": sum(1 for s in table.submitted if s.awaiting)}
    _print_summary(summary, course, assignment, out)
    return summary


def _print_summary(summary: dict, course: Course, assignment: str, out) -> None:
    table = summary["table"]
    print(f"\nGraded {len(summary['graded'])}, unchanged {len(summary['unchanged'])}, "
          f"failed {len(summary['failed'])}.", file=out)
    for who, reason in sorted(summary["failed"].items()):
        print(f"  FAILED {who}: {reason}", file=out)
    for who, warning in sorted(summary["warnings"].items()):
        print(f"  warning {who}: {warning}", file=out)
    if summary["notes"]:
        print("Read with problems (graded as read; each student's feedback says what was changed):", file=out)
        for who, problems in sorted(summary["notes"].items()):
            print(f"  {who}: {'; '.join(problems)}", file=out)
    if table["graded"]:
        print(f"Scores of all {table['graded']} graded submissions in the gradebook: "
              f"mean {table['mean']:.2f}, median {table['median']:.2f} of {table['max_total']:g}.", file=out)
    if summary["late"]:
        print(f"Late (as the LMS or nbgrader's timestamps mark them; no penalty applied here): "
              f"{len(summary['late'])}: {', '.join(summary['late'])}", file=out)
    lms = summary["lms_files"]
    print(f"LMS import: {lms['canvas']} (Canvas), {lms['moodle']} (Moodle)"
          + (f"; {summary['lms_incomplete']} grade(s) left empty there until their written answers "
             "are graded in the formgrader" if summary["lms_incomplete"] else ""), file=out)
    print(f"Grades: {summary['grades_csv']}\nReport: {summary['report']}\n"
          f"Feedback: {course.folder('feedback')}/<student>/{assignment}/", file=out)
    if summary["unsandboxed"]:
        print("UNSANDBOXED: student code ran with your permissions, without isolation; "
              "every notebook graded in this run is flagged so.", file=out)
    if summary["failed"]:
        print(f"Logs of failed submissions: {course.grades_folder(assignment) / 'logs'}", file=out)


def run(args) -> int:
    course = Course.locate(args.course, args.db)
    summary = grade(course, args.assignment, Path(args.source), jobs=args.jobs, force=args.force,
                    pattern=args.pattern, unsandboxed=args.unsandboxed,
                    canvas_assignment_id=args.canvas_assignment_id)
    return 1 if summary["failed"] else 0
