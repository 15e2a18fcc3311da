"""Judge submission variants against an assignment's registry in this process, over many seeds.

The nbgrader runs (``grading_harness.standard_run``) prove the pipeline end to end, but draw one
set of hidden cases per run. A wrong variant must lose the same grade ids on *every* draw, so
this module replays the registry's checks for many seeds, fast: it executes the notebook's setup
and solution cells (the instructor's or a variant's code, never a student's) in a private
namespace, runs the very collection code ``PrepareChecks`` would put into each test cell, and
judges the results with :mod:`autograder.judge`, as ``JudgeChecks`` does.
"""
import ast
import contextlib
import io
import secrets
import warnings
from unittest import mock

import numpy as np

from autograder import collect, judge
from autograder.checks import checks_for
from grading_harness import _is_solution_code, replace_functions, solved_release


def namespace(assignment, variant_code=None):
    """The names a student's kernel holds after running the setup and solution cells."""
    notebook = solved_release(assignment)
    if variant_code is not None:
        notebook = replace_functions(notebook, variant_code)
    names = {}
    first_solution = next(i for i, c in enumerate(notebook.cells) if _is_solution_code(c))
    for index, cell in enumerate(notebook.cells):
        setup = index < first_solution and cell.cell_type == "code" and not cell.metadata.get("nbgrader")
        if setup or _is_solution_code(cell):
            exec(compile(ast.parse(cell.source), f"<{assignment} cell {index}>", "exec"), names)
    return names


def lost_grade_ids(assignment, names, seed):
    """Grade ids whose check fails for the functions in ``names``, cases drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    lost = set()
    for grade_id, check in checks_for(assignment).items():
        cases = check.cases(rng)
        nonce = secrets.token_hex(8)
        source = collect.collection_source([judge.encode_case(c) for c in cases], nonce, '"""."""')
        shown = []
        with mock.patch("IPython.display.display", lambda data, raw=False: shown.append(data)), \
                contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as in a kernel: a warning is not an error
            exec(source, names)
        outputs = [{"output_type": "display_data", "data": d} for d in shown]
        passed, _ = judge.judge(check, cases, collect.read_results(outputs, nonce), visible=False)
        if not passed:
            lost.add(grade_id)
    return lost


class RegistryReplayTests:
    """Subclass with ``assignment = "x"``: every wrong variant loses exactly its declared grade ids
    and the solution and every valid alternative lose none, on each of ``seeds`` random draws."""

    assignment = None
    seeds = range(4)

    def _outcomes(self, code):
        names = namespace(self.assignment, code)
        return {seed: lost_grade_ids(self.assignment, dict(names), seed) for seed in self.seeds}

    def test_wrong_variants_lose_the_same_cells_on_every_draw(self):
        from grading_harness import variants

        problems = {}
        for variant in variants("wrong_submissions", self.assignment):
            outcomes = self._outcomes(variant.code)
            if any(lost != variant.loses for lost in outcomes.values()):
                problems[variant.name] = {"declared": sorted(variant.loses),
                                          "lost per seed": {s: sorted(v) for s, v in outcomes.items()}}
        assert not problems, problems

    def test_solution_and_alternatives_pass_every_draw(self):
        from grading_harness import variants

        for name, code in [("solution", None)] + [
                (v.name, v.code) for v in variants("alternative_submissions", self.assignment)]:
            outcomes = self._outcomes(code)
            assert all(lost == set() for lost in outcomes.values()), (name, outcomes)


def points_per_function(run, functions):
    """``{function: points}`` of the solution's autograded cells in a grading run."""
    from autograder.checks.optimizer_rollouts import function_of

    totals = {}
    for grade_id, (_, points) in run.scores["solution"].items():
        function = function_of(grade_id, functions)
        totals[function] = totals.get(function, 0) + points
    return totals
