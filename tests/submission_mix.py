"""A class's worth of submissions for the grading command's tests and its benchmark.

Four kinds, cycled so any N holds each kind about N/4 times:

- ``correct``: the release with every solution filled in (full autograded points);
- ``wrong``: the solution with one wrong variant from ``tests/wrong_submissions/<a>/`` (loses
  exactly the points of the grade ids that variant lists, rotating through the variants);
- ``blank``: the release as shipped (0 autograded points);
- ``mixed``: every other solution cell filled in, the rest left as shipped.

Student ids read ``<kind><number>`` (no underscore), so LMS file names ``<id>_<assignment>.ipynb``
match the grading command's default pattern.
"""
import copy
import zipfile
from dataclasses import dataclass

import nbformat

import grading_harness as harness

KINDS = ("correct", "wrong", "blank", "mixed")


@dataclass
class Submission:
    student: str
    kind: str
    notebook: nbformat.NotebookNode
    loses: set | None  # grade ids it must lose; None: not predicted (mixed)


def mixed(assignment):
    solved, shipped = harness.solved_release(assignment), harness.release(assignment)
    notebook = copy.deepcopy(shipped)
    solution_cells = [i for i, cell in enumerate(notebook.cells) if harness._is_solution_code(cell)]
    for position, index in enumerate(solution_cells):
        if position % 2 == 0:
            notebook.cells[index].source = solved.cells[index].source
    return notebook


def submission_mix(assignment, count):
    """``count`` submissions of ``assignment``, kinds cycling correct, wrong, blank, mixed."""
    solved = harness.solved_release(assignment)
    wrongs = harness.variants("wrong_submissions", assignment)
    made = []
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        student = f"{kind}{number:03d}"
        if kind == "correct":
            made.append(Submission(student, kind, solved, set()))
        elif kind == "wrong" and wrongs:
            variant = wrongs[(number // len(KINDS)) % len(wrongs)]
            made.append(Submission(student, kind, harness.replace_functions(solved, variant.code), variant.loses))
        elif kind == "blank" or kind == "wrong":
            made.append(Submission(student, "blank", harness.release(assignment), None))
        else:
            made.append(Submission(student, kind, mixed(assignment), None))
    return made


def write_lms_zip(path, assignment, submissions):
    """An LMS-style download: one ``<student>_<assignment>.ipynb`` per submission."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for submission in submissions:
            archive.writestr(f"{submission.student}_{assignment}.ipynb", nbformat.writes(submission.notebook))
    return path


def write_submitted(folder, assignment, submissions):
    """The same submissions in nbgrader's ``submitted/<student>/<assignment>/`` layout."""
    for submission in submissions:
        target = folder / submission.student / assignment
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission.notebook, target / f"{assignment}.ipynb")
    return folder
