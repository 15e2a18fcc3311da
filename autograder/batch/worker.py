"""Grade one submission in a worker process, against a private copy of the gradebook.

The worker runs nbgrader's own ``Autograde`` and ``GenerateFeedback`` converters with the course's
``nbgrader_config.py`` (so the same preprocessors, sandbox and limits as ``nbgrader autograde``),
pointed at a private SQLite gradebook that holds only this assignment and this student. No two
workers, and no worker and the merging process, ever write the same database file, so SQLite's
single-writer lock is never contended during grading.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..course.capture import capturing_logger, failure_reason
from ..course.folder import Course


@dataclass(frozen=True)
class WorkerTask:
    """One submission to grade, as a worker receives it (plain data: it crosses a fork)."""

    root: str  # the course folder
    assignment: str
    student: str
    template: str  # the template gradebook: this assignment alone (gradebook.build_template)
    workdir: str  # private scratch
    prior: dict | None = None  # an earlier grading to keep (gradebook.prior_grading)
    log_path: str | None = None  # where nbgrader's full log for this submission goes
    unsandboxed: bool = False  # the sandbox's own option (SandboxedExecute.unsandboxed)


def grade_submission(task: WorkerTask) -> dict:
    """Autograde and generate feedback for one student's submission.

    Returns ``{"student", "ok", "result" | "reason", "seconds"}``; never raises.
    """
    from .warm import fresh_engine, scratch_database, shared_engines

    started = time.monotonic()
    student = task.student
    # one private gradebook path per worker process, a fresh copy of the template for each
    # submission: the worker's shared engine (and its compiled statements) serves them all
    shared_engines()
    private = Path(task.workdir) / f"worker-{os.getpid()}.sqlite"
    scratch_database("sqlite:///" + str(private))
    fresh_engine("sqlite:///" + str(private))
    log, capture = capturing_logger(f"autograder.worker.{student}")
    outcome: dict = {"student": student}
    stderr_path = Path(task.log_path).with_suffix(".stderr") if task.log_path else None
    try:
        shutil.copyfile(task.template, private)
        with _stderr_to(stderr_path), warnings.catch_warnings():
            # nbgrader's own add_submission trips SQLAlchemy's autoflush warning; harmless, and
            # noise in the middle of a progress bar.
            warnings.simplefilter("ignore")
            outcome.update(_autograde(task, "sqlite:///" + str(private), log, capture))
    except Exception:
        outcome.update(ok=False, reason=traceback.format_exc().strip().splitlines()[-1][:400])
    finally:
        fresh_engine("sqlite:///" + str(private))
        private.unlink(missing_ok=True)
        capture.write(task.log_path)
    outcome["seconds"] = time.monotonic() - started
    return outcome


def _feedback_converter():
    """nbgrader's GenerateFeedback, keeping one HTML exporter per worker process.

    nbgrader builds a new exporter per run, and with it compiles the feedback page's Jinja
    templates again: about a third of the time feedback takes. Keeping the exporter is safe
    because its one nbgrader preprocessor (``GetGrades``) takes the student, notebook and
    gradebook from each notebook's resources, not from the exporter. nbconvert's own HTML
    exporter is swapped for ``warm.FeedbackExporter``, the same page for less work."""
    global _FeedbackConverter
    if _FeedbackConverter is not None:
        return _FeedbackConverter
    import os as _os

    from nbconvert.writers import FilesWriter
    from nbgrader.converters import GenerateFeedback

    from .warm import FeedbackExporter

    class ReusingExporter(GenerateFeedback):
        exporters: dict = {}

        def start(self) -> None:  # BaseConverter.start, with the exporter kept
            self.init_notebooks()
            self.writer = FilesWriter(parent=self, config=self.config)
            if "html" not in self.exporters:
                # the warm exporter stands in for the configured one when it does all that one does
                exporter_class = (FeedbackExporter if issubclass(FeedbackExporter, self.exporter_class)
                                  else self.exporter_class)
                exporter = exporter_class(parent=self, config=self.config)
                for preprocessor in self.preprocessors:
                    exporter.register_preprocessor(preprocessor)
                self.exporters["html"] = exporter
            self.exporter = self.exporters["html"]
            here = _os.getcwd()
            _os.chdir(self.coursedir.root)
            try:
                self.convert_notebooks()
            finally:
                _os.chdir(here)

    _FeedbackConverter = ReusingExporter
    return _FeedbackConverter


_FeedbackConverter = None


def _config(course: Course, task: WorkerTask):
    """The course's nbgrader config for grading ``task``'s submission alone: the same pipeline
    as ``nbgrader autograde --force --create`` run for that student."""
    config = course.config()
    config.CourseDirectory.student_id = task.student
    config.CourseDirectory.assignment_id = task.assignment
    config.CourseDirectory.notebook_id = "*"
    config.Autograde.force = True
    config.Autograde.create_student = True
    config.GenerateFeedback.force = True
    # a worker grades many submissions: its warm launcher saves each one two interpreter starts
    config.SandboxedExecute.warm_launcher = True
    # nbconvert validates the whole notebook after each of the twenty-odd preprocessors; once,
    # after the last, still refuses a notebook the pipeline broke (about 20 ms a submission)
    config.Exporter.optimistic_validation = True
    if task.unsandboxed:
        config.SandboxedExecute.unsandboxed = True
    return config


def _autograde(task: WorkerTask, url: str, log, capture) -> dict:
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    from ..course import gradebook as gb
    from .warm import cached_metadata_validation

    student, assignment = task.student, task.assignment
    cached_metadata_validation()
    course = Course(Path(task.root), db_url_override=url)
    course_id = course.course_id
    if task.prior:  # without one, nbgrader's Autograde creates student and submission
        with gb.Gradebook(url, course_id) as private_book:
            gb.seed_prior(private_book, assignment, student, task.prior)
    config = _config(course, task)
    coursedir = CourseDirectory(config=config)
    try:
        Autograde(coursedir=coursedir, config=config, log=log).start()
    except Exception:
        log.error("Traceback (most recent call last):\n" + traceback.format_exc())
    if not (course.folder("autograded") / student / assignment).is_dir():
        return {"ok": False, "reason": failure_reason(capture.records)}
    with gb.Gradebook(url, course_id) as private_book:
        outcome = {"ok": True, "result": gb.read_result(private_book, assignment, student)}
    try:
        _feedback_converter()(coursedir=coursedir, config=config, log=log).start()
    except Exception:
        # The grades stand without feedback; the summary says why.
        log.error("Traceback (most recent call last):\n" + traceback.format_exc())
        outcome["warning"] = "feedback not generated: " + failure_reason(capture.records)
    return outcome


@contextlib.contextmanager
def _stderr_to(path: Path | None):
    """Send this process's stderr (and so the kernel's, which inherits it) to ``path`` while a
    submission is graded: kernel warnings belong in that submission's log, not in the middle
    of the progress bar."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "wb") as target:
        os.dup2(target.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
