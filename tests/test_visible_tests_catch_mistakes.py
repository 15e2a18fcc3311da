"""Every plausible mistake (``tests/wrong_submissions``) fails a visible test of the RELEASED
notebook when the student runs it in a plain kernel, before any grading, and the grader's hidden
checks take that function's points as well (in-process replay of the registry). The visible cells
failing in the kernel are exactly the visible cells the grader takes: both judge with
``lossopt.checking.compare``. The solution and every honest alternative pass every visible test.

The share of mistakes the visible tests catch is printed by ``benchmarks/visible_catch_rate.py``.
"""
import pytest

from grading_harness import release, variants
from inprocess_grading import lost_grade_ids, namespace
from visible_verdicts import assignments, mistakes, run_variant, visible_test_cells

MISTAKES = [(a, v) for a in assignments() for v in mistakes(a)]
HONEST = [(a, None, "solution") for a in assignments()] + [
    (a, v.code, v.name) for a in assignments() for v in variants("alternative_submissions", a)]


@pytest.mark.parametrize("assignment, variant", MISTAKES, ids=[f"{a}-{v.name}" for a, v in MISTAKES])
def test_a_plausible_mistake_fails_a_visible_test_and_loses_hidden_points(assignment, variant):
    failing = run_variant(assignment, variant.code)
    assert failing, f"{variant.name}: every visible test passes in a plain kernel"
    visible = set(visible_test_cells(release(assignment)))
    lost = lost_grade_ids(assignment, namespace(assignment, variant.code), seed=0)
    assert set(failing) == lost & visible, {"kernel": sorted(failing), "grader": sorted(lost & visible)}
    hidden = lost - visible
    assert hidden, f"{variant.name}: the hidden checks take no point"


@pytest.mark.parametrize("assignment, code, name", HONEST, ids=[f"{a}-{n}" for a, _, n in HONEST])
def test_honest_work_passes_every_visible_test(assignment, code, name):
    assert run_variant(assignment, code) == {}

