"""One grading run, from an LMS download to grades, feedback and a report, in named steps.

:func:`grade_assignment` runs them in order; each step is a function of its own:

1. :func:`check_sandbox`: the sandbox the course's config asks for can run here (else every
   submission would fail with the same message);
2. ``course.lms.collect``: the download into ``submitted/``;
3. :func:`ensure_assignment`: the gradebook knows the assignment's grade cells, and
   ``course.lms_records.record`` keeps what the download's file names said (late, name, file id);
4. :func:`select_submissions`: which submissions are new or changed (the re-run ledger);
5. :func:`normalize`: each one put in gradable form (``pipeline.intake``);
6. :func:`grade_in_parallel`: autograde and feedback in the local worker pool (``batch.pool``)
   or, when the options name a scheduler, on that Dask cluster (``batch.cluster``), whatever
   finished together merged into the course gradebook in one transaction (``course.merging``);
7. :func:`write_outputs`: ``grades.csv`` (with its ``late`` column), ``canvas.csv`` and
   ``moodle.csv`` (``course.lms_export``) and ``report.html``.

The options of a run are a :class:`GradingOptions`; a worker's share of it is a
:class:`~autograder.batch.worker.WorkerTask`.
"""
from __future__ import annotations

import contextlib
import datetime
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..course import gradebook as gb
from ..course import lms_export, lms_records
from ..course.export import GradeTable, grade_id_order, write_csv
from ..course.folder import Course, CourseError
from ..course.lms import Collection, collect
from ..course.merging import merge_batch
from ..course.release import add_to_gradebook, generate
from ..course.report import write_report
from .pool import run_parallel
from .worker import WorkerTask


@dataclass(frozen=True)
class GradingOptions:
    """How a grading run goes (the ``grade`` verb's options)."""

    jobs: int
    force: bool = False  # grade again submissions already graded and unchanged
    pattern: str | None = None  # how an LMS file name carries the student id (see course.lms)
    unsandboxed: bool = False  # run student code without bubblewrap (every notebook is flagged)
    scheduler: str | None = None  # grade on the Dask cluster at this address (batch.cluster), not in jobs
    #: the assignment's id in Canvas: canvas.csv's column then updates that assignment on import
    canvas_assignment_id: str | None = None

    def __post_init__(self):
        try:
            lms_export.check_canvas_assignment_id(self.canvas_assignment_id)
        except ValueError as error:
            raise CourseError(str(error)) from None


@dataclass
class Summary:
    """What a run did; the command prints it."""

    graded: list[str]
    unchanged: list[str]
    failed: dict[str, str]
    warnings: dict[str, str]
    notes: dict[str, list[str]]
    unsandboxed: bool
    table: dict
    grades_csv: Path
    report: Path
    lms_files: dict[str, Path]  # canvas.csv and moodle.csv, by LMS
    late: list[str]  # submissions the LMS or nbgrader's timestamps mark late
    lms_incomplete: int  # submissions whose LMS grade waits for the formgrader (left empty)
    cluster: list[str] = field(default_factory=list)  # a cluster run's report (ClusterEngine.report)


def uses_sandbox(course: Course) -> bool:
    """Whether the course's config executes submissions with ``SandboxedExecute`` (or a
    subclass of it)."""
    from traitlets.utils.importstring import import_item

    from ..sandbox import SandboxedExecute

    preprocessors = course.config().Autograde.get("autograde_preprocessors", [])
    classes = [import_item(p) if isinstance(p, str) else p for p in preprocessors]
    return any(isinstance(p, type) and issubclass(p, SandboxedExecute) for p in classes)


def check_sandbox(course: Course, options: GradingOptions, cluster=None) -> bool:
    """Check up front that the configured sandbox can run where student code will run: here,
    or on every worker of ``cluster`` (a ``batch.cluster.ClusterEngine``, whose check also
    refuses workers that would grade differently from this machine); returns whether this run's
    student code runs unsandboxed (asked for, and the course uses the sandbox at all)."""
    sandboxed = uses_sandbox(course)
    if cluster is not None:
        cluster.check(sandboxed and not options.unsandboxed)
        return sandboxed and options.unsandboxed
    if not sandboxed:
        return False
    if options.unsandboxed:
        return True
    from ..sandbox import SandboxUnavailable, check_bwrap

    try:
        check_bwrap()
    except SandboxUnavailable as error:
        raise CourseError(f"cannot grade safely: {error}")
    return False


def is_current(course: Course, master, assignment: str, student: str, entry, digest: str) -> bool:
    """Graded before, from these very bytes and tests, and its grades and feedback still exist.

    The ledger keeps two hashes: of the files as collected and as graded (after
    :func:`normalize` rewrote them), so both a re-collected LMS download (raw bytes again) and a
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
    very moment: then its work is waited for rather than raced. Runs of this command take
    turns (``course.gradebook.recording_lock``), so one records and the others find it done.

    With a recorder that does not take turns (a plain nbgrader run), the race shows as our
    insert of the assignment failing on the unique name while the other has committed the
    assignment's row but not yet all of its notebooks; so a failure with the row present is
    waited on, and only reported if the cells never arrive."""
    with gb.recording_lock(master, assignment):
        _ensure_assignment(course, master, assignment, source_notebooks, wait_seconds)


def _ensure_assignment(course: Course, master, assignment: str, source_notebooks, wait_seconds) -> None:
    wanted = {g for g in grade_id_order(source_notebooks) if g}
    give_up = time.monotonic() + wait_seconds
    failure = None
    if not gb.has_assignment(master, assignment):
        try:
            add_to_gradebook(course, assignment)
        except CourseError as error:
            if not gb.is_recorded(master, assignment):
                raise
            failure = error
    while True:
        missing = gb.missing_grade_cells(master, assignment, wanted)
        if not missing:
            return
        if time.monotonic() > give_up:
            if failure is not None:
                raise failure
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
    ``autograder.pipeline.intake``: not JSON, not UTF-8, another nbformat version, renamed,
    deleted or re-flagged graded cells); ``{student: [what was changed]}``. A notebook it cannot
    read at all is graded as the empty release, with a note in its feedback, not dropped."""
    from ..pipeline.intake import normalize_submission

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


@dataclass
class Selection:
    """Which collected submissions this run grades, and the hash of each as collected."""

    to_grade: list[str]
    unchanged: list[str]
    collected: dict[str, str] = field(default_factory=dict)


def select_submissions(course: Course, master, assignment: str, collection: Collection,
                       source_notebooks, force: bool) -> Selection:
    """New or changed submissions (all of them with ``force``), by the re-run ledger."""
    ledger = gb.read_ledger(master, assignment)
    submitted = course.folder("submitted")
    collected = {s: gb.content_hash(submitted / s / assignment, source_notebooks) for s in collection.students}
    to_grade = [s for s in collection.students
                if force or not is_current(course, master, assignment, s, ledger.get(s), collected[s])]
    return Selection(to_grade, [s for s in collection.students if s not in to_grade], collected)


@dataclass
class Outcomes:
    """What the workers gave back, merged."""

    scores: dict[str, float] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def grade_in_parallel(course: Course, master, assignment: str, selection: Selection, source_notebooks,
                      scratch: Path, options: GradingOptions, unsandboxed: bool, progress,
                      cluster=None) -> Outcomes:
    """Autograde and give feedback for ``selection.to_grade`` in ``options.jobs`` local workers,
    or on ``cluster`` (a ``batch.cluster.ClusterEngine``), each in a private gradebook, merging
    the results into ``master`` as they arrive (one writer)."""
    submitted = course.folder("submitted")
    logs = course.grades_folder(assignment) / "logs"
    outcomes = Outcomes()

    def graded_digest(student):
        # taken once the worker is done: the course's own intake hook (nbgrader's
        # pre_convert_hook) may rewrite the notebook again while it is graded
        return f"{selection.collected[student]}:{gb.content_hash(submitted / student / assignment, source_notebooks)}"

    template = scratch / "template.sqlite"
    gb.build_template(master, assignment, template)
    tasks = [WorkerTask(root=str(course.root), assignment=assignment, student=s, template=str(template),
                        workdir=str(scratch), prior=gb.prior_grading(master, assignment, s),
                        log_path=str(logs / f"{s}.log"), unsandboxed=unsandboxed)
             for s in largest_first(selection.to_grade, lambda s: submitted / s / assignment)]
    progress.start(len(tasks))
    master.db.commit()
    master.engine.dispose()  # workers are forked: none may inherit a live connection

    def on_results(batch: list[dict]) -> None:
        # one transaction for the whole batch (course.merging.merge_batch): what finished
        # together is merged together, so the one writer keeps up with many workers
        unsaved = merge_batch(master, assignment, [(o["student"], o["result"], graded_digest(o["student"]))
                                                   for o in batch if o["ok"]])
        for outcome in batch:
            student = outcome["student"]
            if student in unsaved:  # the grade exists only in this run's memory
                outcome = {"student": student, "ok": False,
                           "reason": f"could not save the grades: {unsaved[student]}"}
            where = f" [{outcome['worker']}]" if outcome.get("worker") else ""  # a cluster's worker
            if outcome["ok"]:
                result = outcome["result"]
                outcomes.scores[student] = result["score"]
                if outcome.get("warning"):
                    outcomes.warnings[student] = outcome["warning"]
                message = f"{student}: {result['score']:g}/{result['max_score']:g}{where}"
            else:
                outcomes.failures[student] = outcome["reason"]
                try:
                    gb.record_failure(master, assignment, student, graded_digest(student), outcome["reason"])
                except Exception:
                    pass  # the summary still names it; the ledger only speeds up re-runs
                message = f"{student}: FAILED, {outcome['reason']}{where}"
            progress.advance(message)

    if cluster is not None:
        cluster.run(course, assignment, template, tasks, on_results, logs)
    else:
        run_parallel(tasks, options.jobs, lambda outcome: on_results([outcome]))
    return outcomes


def write_outputs(course: Course, assignment: str, table: GradeTable, people: dict[str, lms_export.Identity],
                  failures: dict[str, str], notes: dict[str, list[str]],
                  options: GradingOptions) -> tuple[Path, dict[str, Path], Path]:
    """``grades.csv``, ``canvas.csv`` and ``moodle.csv``, and ``report.html`` in
    ``grades/<assignment>/``."""
    folder = course.grades_folder(assignment)
    stamp = datetime.datetime.now().strftime("Generated %Y-%m-%d %H:%M")
    return (write_csv(table, folder / "grades.csv"),
            lms_export.write_lms_files(table, people, folder, options.canvas_assignment_id),
            write_report(table, failures, folder / "report.html", stamp, notes))


def grade_assignment(course: Course, assignment: str, source: Path, options: GradingOptions,
                     progress, announce=lambda line: None) -> Summary:
    """The whole run (the steps of the module docstring). ``progress`` has ``start(n)`` and
    ``advance(message)``; ``announce(line)`` is told the cluster found (with a scheduler) and
    what is about to be graded."""
    cluster = None
    if options.scheduler:  # first: a scheduler that cannot be reached fails before anything is touched
        from .cluster import ClusterEngine

        cluster = ClusterEngine(options.scheduler, announce)
    try:
        summary = _grade_assignment(course, assignment, source, options, progress, announce, cluster)
        if cluster is not None:
            summary.cluster = cluster.report(course.grades_folder(assignment) / "logs")
        return summary
    finally:
        if cluster is not None:
            cluster.close()


def _grade_assignment(course: Course, assignment: str, source: Path, options: GradingOptions, progress,
                      announce, cluster) -> Summary:
    source_notebooks = course.source_notebooks(assignment)
    unsandboxed = check_sandbox(course, options, cluster)
    with _local_launcher(course, unsandboxed, cluster):
        return _grade_here(course, assignment, source, options, progress, announce, cluster,
                           source_notebooks, unsandboxed)


def _local_launcher(course: Course, unsandboxed: bool, cluster):
    """The warm launcher the local workers will share, started now: it imports the kernel's
    stack while this process collects and records (a cluster's workers have their own)."""
    from ..sandbox.execute import shared_warm_launcher

    if cluster is not None or not uses_sandbox(course):
        return contextlib.nullcontext()
    return shared_warm_launcher(unsandboxed)


def _grade_here(course: Course, assignment: str, source: Path, options: GradingOptions, progress,
                announce, cluster, source_notebooks, unsandboxed) -> Summary:
    collection = collect(course, assignment, source, options.pattern)
    failures: dict[str, str] = {r.path: r.reason for r in collection.rejected}
    notes: dict[str, list[str]] = {}
    master = gb.open_gradebook(course.db_url, course.course_id)
    with tempfile.TemporaryDirectory(prefix="autograder-grade-") as scratch_name:
        scratch = Path(scratch_name)
        try:
            ensure_assignment(course, master, assignment, source_notebooks)
            lms_records.record(master, assignment, collection.details)
            selection = select_submissions(course, master, assignment, collection, source_notebooks,
                                           options.force)
            if selection.to_grade:
                notes = normalize(course, assignment, selection.to_grade,
                                  release_notebooks(course, assignment, source_notebooks, scratch))
            announce(f"{assignment}: {len(collection.students)} submissions collected from {source}, "
                     f"{len(selection.to_grade)} to grade ({len(selection.unchanged)} unchanged since graded), "
                     f"{len(collection.rejected)} files rejected; "
                     + (cluster.describe() if cluster is not None else f"{options.jobs} jobs"))
            outcomes = grade_in_parallel(course, master, assignment, selection, source_notebooks, scratch,
                                         options, unsandboxed, progress, cluster)
            table, people = lms_export.read_with_lms(master, course, assignment)
        finally:
            master.close()
    failures.update(outcomes.failures)
    csv_path, lms_files, report_path = write_outputs(course, assignment, table, people, failures, notes, options)
    return Summary(graded=sorted(outcomes.scores), unchanged=selection.unchanged, failed=failures,
                   warnings=outcomes.warnings, notes=notes, unsandboxed=unsandboxed,
                   table=table.summary(), grades_csv=csv_path, report=report_path, lms_files=lms_files,
                   late=sorted(s.student for s in table.students if s.submitted and s.late),
                   lms_incomplete=sum(1 for s in table.submitted if s.awaiting))
