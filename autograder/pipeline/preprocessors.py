"""nbgrader preprocessors that move every verdict out of the student's kernel.

``PrepareChecks`` (before execution) draws each autograded test cell's cases from the registry
(:mod:`autograder.checks`), keeps them in the grader's memory and swaps the cell's source for code
that only collects results (:mod:`autograder.pipeline.collect`). ``JudgeChecks`` (after execution) judges
those results against the reference (:mod:`autograder.pipeline.judge`) and rewrites the cell: its source
goes back to what the student saw (hidden cells: a neutral line), its outputs become one
``passed: ...`` stream or one error saying what was expected and what was got. Anything else the
cell printed (warnings, stderr) is dropped, so nbgrader's ``determine_grade`` sees only the verdict.

Grading one test cell is two functions, :func:`prepare_cell` (before the kernel runs it) and
:func:`judge_cell` (on the outputs it left); the preprocessors apply them to every test cell of a
notebook, and the tests that replay the registry in-process (``tests/inprocess_grading.py``)
call the same two.
"""
import secrets
from dataclasses import dataclass

import numpy as np
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from . import collect, judge
from ..checks import checks_for
from ..vocabulary import GRADER_CODE, markers

HIDDEN_SOURCE = "# hidden test: judged by the grader on inputs drawn at grading time"
RESOURCE_KEY = "lossopt_checks"


def _is_autograded_test(cell):
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def _docstring_line(source):
    first = source.strip().splitlines()[0] if source.strip() else ""
    return first if first.startswith('"""') else '"""Check this part of the assignment."""'


@dataclass
class PreparedCell:
    """One test cell made ready for the kernel; what the grader keeps to judge it."""

    grade_id: str
    original_source: str
    visible: bool  # shows its checks to the student (no hidden-test region)
    source: str  # what the kernel runs in its place
    check: object = None
    cases: list = None
    nonce: str = None
    problem: str = None  # why it cannot be judged (no check declared)


def prepare_cell(grade_id, source, checks, rng, visible, assignment):
    """Draw ``grade_id``'s cases from ``checks`` with ``rng`` and give the cell's collection code
    (:func:`autograder.pipeline.collect.collection_source`) under a fresh nonce."""
    docstring = _docstring_line(source)
    check = checks.get(grade_id)
    if check is None:
        return PreparedCell(grade_id, source, visible, f"{docstring}\n# no check declared for this cell",
                            problem=(f"no check is declared for grade id {grade_id!r} (instructor: "
                                     f"add it to autograder/checks/{assignment}.py)"))
    cases = check.cases(rng)
    nonce = secrets.token_hex(16)
    code = collect.collection_source([judge.encode_case(case) for case in cases], nonce, docstring)
    return PreparedCell(grade_id, source, visible, code, check, cases, nonce)


def judge_cell(prepared, outputs, log=None):
    """Verdict ``(passed, message)`` on the outputs the kernel left for a prepared cell."""
    if prepared is None:
        return False, "this test cell was not prepared for grading"
    if prepared.problem:
        return False, prepared.problem
    try:
        results = collect.read_results(outputs, prepared.nonce)
        return judge.judge(prepared.check, prepared.cases, results, prepared.visible)
    except ValueError as exc:
        return False, str(exc) + _execution_error(outputs)
    except Exception as exc:  # a grader-side bug must not stop the other cells or students
        if log is not None:
            log.exception("judging %s failed", prepared.grade_id)
        return False, f"the grader could not judge this cell ({type(exc).__name__}: {exc})"


class PrepareChecks(NbGraderPreprocessor):
    """Replace each autograded test cell by collection code on freshly drawn cases."""

    seed = Integer(None, allow_none=True, help=(
        "Seed for the cases (reproduce a grading run); None draws one from `secrets` per run."
    )).tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        self.checks = checks_for(assignment)
        seed = self.seed if self.seed is not None else secrets.randbits(64)
        self.log.info("Drawing grading cases for %s with seed %d", assignment, seed)
        self.rng = np.random.default_rng(seed)
        # the course's own hidden-test delimiters, as nbgrader's ClearHiddenTests reads them
        self.markers = markers(self.config)
        resources[RESOURCE_KEY] = {}
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if not _is_autograded_test(cell):
            cell.metadata.pop(GRADER_CODE, None)  # the flag is the grader's to set, never a student's
            return cell, resources
        grade_id = cell.metadata.nbgrader["grade_id"]
        prepared = prepare_cell(grade_id, cell.source, self.checks, self.rng,
                                not self.markers.is_hidden_test(cell.source),
                                resources["nbgrader"]["assignment"])
        cell.source = prepared.source
        cell.metadata[GRADER_CODE] = True
        resources[RESOURCE_KEY][grade_id] = prepared
        return cell, resources


class JudgeChecks(NbGraderPreprocessor):
    """Judge the collected results in the grader's process and rewrite the test cells."""

    def preprocess_cell(self, cell, resources, cell_index):
        if not _is_autograded_test(cell):
            return cell, resources
        grade_id = cell.metadata.nbgrader["grade_id"]
        prepared = resources.get(RESOURCE_KEY, {}).get(grade_id)
        cell.metadata.pop(GRADER_CODE, None)
        passed, message = judge_cell(prepared, cell.get("outputs", []), self.log)
        if prepared is not None:
            cell.source = (prepared.original_source if prepared.visible
                           else f"{_docstring_line(prepared.original_source)}\n{HIDDEN_SOURCE}")
        cell.outputs = [_verdict_output(passed, message)]
        self.log.info("%s %s: %s", grade_id, "passed" if passed else "FAILED", message)
        return cell, resources


def _execution_error(outputs):
    """What stopped the cell, when execution left an error among its outputs (timeout, dead kernel)."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if not errors:
        return ""
    return f"; the cell ended with {errors[-1].get('ename', 'an error')}: {str(errors[-1].get('evalue', ''))[:300]}"


def _verdict_output(passed, message):
    if passed:
        return NotebookNode(output_type="stream", name="stdout", text=message + "\n")
    return NotebookNode(output_type="error", ename="CheckFailed", evalue=message,
                        traceback=[f"CheckFailed: {message}"])
