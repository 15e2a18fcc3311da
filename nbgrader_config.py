"""nbgrader configuration: the course root is this folder.

``solutions/`` is nbgrader's source directory (instructors' notebooks with solutions and hidden
tests) and ``exercises/`` its release directory (what students get, generated, never hand-edited).

Autograding judges every test cell outside the student's kernel:
``PrepareChecks`` swaps each test cell for code that only collects results on inputs drawn at
grading time, the notebook executes, and ``JudgeChecks`` compares those results with
``autograder.reference`` in this process. docs/design.md draws the whole pipeline.
"""
import os

import functools

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, GetGrades, LimitOutput,
                                    SaveAutoGrades)

from autograder.batch.warm import cached_metadata_validation
from autograder.course.folder import prepare_nbgrader
from autograder.pipeline import intake
from autograder.pipeline.feedback import FeedbackForStudents
from autograder.pipeline.feedback_page import FeedbackPage
from autograder.pipeline.preprocessors import JudgeChecks, PrepareChecks
from autograder.pipeline.sanitize import CleanStudentContent

c = get_config()  # noqa: F821  (injected by traitlets when nbgrader loads this file)

# Plain `nbgrader` commands create a gradebook as `python -m autograder` does: the schema version
# read in-process, not from an `alembic heads` subprocess (seconds per new gradebook, and a
# failure when the venv's bin folder is not on PATH). And they check cell metadata with one
# validator per schema, as the grading command's workers do, not a new one per cell (about 0.1 s
# a notebook; the same errors: tests/test_cli_warm.py).
prepare_nbgrader()
cached_metadata_validation()

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "lossopt"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")

# A test cell deleted from a submission is put back (and judged), never silently skipped.
c.OverwriteCells.add_missing_cells = True

# The one place that says how a submission runs: inside the bubblewrap sandbox.
from autograder.sandbox import SandboxedExecute as EXECUTE_SUBMISSION  # noqa: E402

c.Autograde.autograde_preprocessors = [
    PrepareChecks,
    EXECUTE_SUBMISSION,
    JudgeChecks,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
    # last, once the scores are saved: what the student's code displayed and what the student
    # wrote are stored as inert content, since the formgrader and feedback pages render them
    CleanStudentContent,
]

# Before nbgrader reads a submission: malformed JSON, another nbformat minor version, non-UTF-8
# text, renamed/duplicated/deleted graded cells and edited metadata are put right (originals kept
# as *.original, a "Grading notes" cell tells the student), instead of failing that student.
c.Autograde.pre_convert_hook = functools.partial(
    intake.pre_convert_hook,
    release_root=os.path.join(c.CourseDirectory.root, c.CourseDirectory.release_directory))

# Feedback: the score of every function on top; never the text of hidden tests. The page is
# cleaned again (a notebook graded before the cleaner existed) and carries a Content-Security-
# Policy that lets no script run but its own.
c.GenerateFeedback.preprocessors = [CleanStudentContent, GetGrades, FeedbackForStudents,
                                    CSSHTMLHeaderPreprocessor]
c.GenerateFeedback.exporter_class = FeedbackPage

# Every HTML page nbgrader renders from a notebook, the formgrader's included, cleans it first.
c.HTMLExporter.preprocessors = [CleanStudentContent]
