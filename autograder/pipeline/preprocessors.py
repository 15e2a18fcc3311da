"""nbgrader preprocessors that move every verdict out of the student's kernel.

``PrepareChecks`` (before execution) draws each autograded test cell's cases from the registry
(:mod:`autograder.checks`), keeps them in the grader's memory and swaps the cell's source for code
that only collects results (:mod:`autograder.pipeline.collect`). ``JudgeChecks`` (after execution) judges
those results against the reference (:mod:`autograder.pipeline.judge`) and rewrites the cell: its source
goes back to what the student saw (hidden cells: a neutral line), its outputs become one
``passed: ...`` stream or one error saying what was expected and what was got. Anything else the
cell printed (warnings, stderr) is dropped, so nbgrader's ``determine_grade`` sees only the verdict.
"""
import secrets

import numpy as np
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from . import collect, judge
from ..checks import checks_for
from ..vocabulary import markers

HIDDEN_SOURCE = "# hidden test: judged by the grader on inputs drawn at grading time"
RESOURCE_KEY = "lossopt_checks"


def _is_autograded_test(cell):
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def _docstring_line(source):
    first = source.strip().splitlines()[0] if source.strip() else ""
    return first if first.startswith('"""') else '"""Check this part of the assignment."""'


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
            return cell, resources
        grade_id = cell.metadata.nbgrader["grade_id"]
        entry = {"original_source": cell.source, "visible": not self.markers.is_hidden_test(cell.source)}
        check = self.checks.get(grade_id)
        docstring = _docstring_line(cell.source)
        if check is None:
            entry["problem"] = (f"no check is declared for grade id {grade_id!r} "
                                f"(instructor: add it to autograder/checks/"
                                f"{resources['nbgrader']['assignment']}.py)")
            cell.source = f"{docstring}\n# no check declared for this cell"
        else:
            cases = check.cases(self.rng)
            nonce = secrets.token_hex(16)
            entry.update(check=check, cases=cases, nonce=nonce)
            cell.source = collect.collection_source(
                [judge.encode_case(case) for case in cases], nonce, docstring)
        resources[RESOURCE_KEY][grade_id] = entry
        return cell, resources


class JudgeChecks(NbGraderPreprocessor):
    """Judge the collected results in the grader's process and rewrite the test cells."""

    def preprocess_cell(self, cell, resources, cell_index):
        if not _is_autograded_test(cell):
            return cell, resources
        grade_id = cell.metadata.nbgrader["grade_id"]
        entry = resources.get(RESOURCE_KEY, {}).get(grade_id)
        if entry is None:
            passed, message = False, "this test cell was not prepared for grading"
        elif "problem" in entry:
            passed, message = False, entry["problem"]
        else:
            try:
                results = collect.read_results(cell.get("outputs", []), entry["nonce"])
                passed, message = judge.judge(entry["check"], entry["cases"], results,
                                              entry["visible"])
            except ValueError as exc:
                passed, message = False, str(exc) + _execution_error(cell)
            except Exception as exc:  # a grader-side bug must not stop the other cells or students
                self.log.exception("judging %s failed", grade_id)
                passed, message = False, f"the grader could not judge this cell ({type(exc).__name__}: {exc})"

        if entry is not None:
            cell.source = (entry["original_source"] if entry["visible"]
                           else f"{_docstring_line(entry['original_source'])}\n{HIDDEN_SOURCE}")
        cell.outputs = [_verdict_output(passed, message)]
        self.log.info("%s %s: %s", grade_id, "passed" if passed else "FAILED", message)
        return cell, resources


def _execution_error(cell):
    """What stopped the cell, when execution left an error there (timeout, dead kernel)."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if not errors:
        return ""
    return f"; the cell ended with {errors[-1].get('ename', 'an error')}: {str(errors[-1].get('evalue', ''))[:300]}"


def _verdict_output(passed, message):
    if passed:
        return NotebookNode(output_type="stream", name="stdout", text=message + "\n")
    return NotebookNode(output_type="error", ename="CheckFailed", evalue=message,
                        traceback=[f"CheckFailed: {message}"])
