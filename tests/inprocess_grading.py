"""Judge submission variants against an assignment's registry in this process, over many seeds.

The nbgrader runs (``grading_harness.standard_run``) prove the pipeline end to end, but draw one
set of hidden cases per run. A wrong variant must lose the same grade ids on *every* draw, so
this module replays the registry's checks for many seeds, fast: it executes the notebook's setup
and solution cells (the instructor's or a variant's code, never a student's) in a private
namespace and grades each test cell with the pipeline's own two steps,
:func:`~autograder.pipeline.preprocessors.prepare_cell` (the collection code ``PrepareChecks``
puts into the cell) and :func:`~autograder.pipeline.preprocessors.judge_cell` (the verdict
``JudgeChecks`` writes).

:func:`first_failure` is the fast path for thousands of draws: it calls the functions directly
(no collection code, no encoding of the inputs) and stops at the first call that fails, with
the same comparison and mutation rules as the judge; ``tests/test_checks_no_escape.py`` shows
that its verdicts are the collection path's.
"""
import ast
import contextlib
import copy
import io
import warnings
from unittest import mock

import numpy as np

from autograder.checks import checks_for
from autograder.pipeline import collect, judge
from autograder.pipeline.preprocessors import judge_cell, prepare_cell
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
    checks = checks_for(assignment)
    for grade_id in checks:
        prepared = prepare_cell(grade_id, '"""."""', checks, rng, False, assignment)
        shown = []
        with mock.patch("IPython.display.display", lambda data, raw=False: shown.append(data)), \
                contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as in a kernel: a warning is not an error
            exec(prepared.source, names)
        passed, _ = judge_cell(prepared, [{"output_type": "display_data", "data": d} for d in shown])
        if not passed:
            lost.add(grade_id)
    return lost


def first_failure(check, cases, names, explain=True, references=None):
    """``None`` when the functions in ``names`` pass every case of ``check``, else
    ``(case index, step, problem)`` of the first failing call.

    Each call's result goes through the wire encoding (a float32 or a list is read as the judge
    reads it); ``Previous`` arguments are copies of the student's earlier results, the
    reference carrying its own, as in the kernel and :func:`autograder.pipeline.judge.reference_outputs`.
    Short cases go first: the verdict is the same (every case must pass), and a wrong function
    usually fails a short case before a rollout of hundreds of steps has to run. ``explain=False``
    says only where values differ (see :func:`autograder.pipeline.judge.compare`).

    ``references``: a dict kept by the caller for one ``cases`` list, to judge several
    submissions against the same draw: the reference's outputs are computed once, as far as some
    submission needed them, and reused (the reference is pure, so they are the same each time).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as in a kernel: a warning is not an error
        return _first_failure(check, cases, names, explain, {} if references is None else references)


def _first_failure(check, cases, names, explain, references):
    for index in sorted(range(len(cases)), key=lambda i: len(cases[i].calls)):
        case = cases[index]
        expected_so_far, got_so_far = references.setdefault(index, []), []

        def earlier(results):
            return lambda call, item: copy.deepcopy(results[call] if item is None else results[call][item])

        for step, call in enumerate(case.calls):
            if step == len(expected_so_far):
                args, kwargs = judge._resolved(call, earlier(expected_so_far))
                expected_so_far.append(check.reference_function(call.function)(*args, **kwargs))
            expected = expected_so_far[step]
            args, kwargs = judge._resolved(call, earlier(got_so_far))
            before = copy.deepcopy((args, kwargs)) if check.check_mutation else None
            try:
                got = collect.decode(collect.encode(names[call.function](*args, **kwargs)))
            except Exception as exc:  # noqa: BLE001  (a student's error is a failed case)
                return index, step, f"raised {type(exc).__name__}: {exc}"
            problem = judge.compare(expected, got, check.rtol, check.atol, explain=explain)
            if problem is None and before is not None and not judge.same_data(before, (args, kwargs)):
                problem = "modified its input"
            if problem:
                return index, step, problem
            got_so_far.append(got)
    return None


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
    from autograder.checks import function_of

    totals = {}
    for grade_id, (_, points) in run.scores["solution"].items():
        function = function_of(grade_id, functions)
        totals[function] = totals.get(function, 0) + points
    return totals
