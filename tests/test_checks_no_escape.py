"""No draw of a hidden check lets a known mistake through, and none fails a valid submission.

A hidden check draws its cases at grading time. Random inputs show most mistakes on most
draws only; a check must instead hold, on every draw, the input where each mistake it exists to
catch shows (``autograder.checks.with_discriminating``). This file replays, in this process and
over ``SEEDS`` draws, every hidden check of the function each variant in
``tests/wrong_submissions/`` gets wrong (the grade ids after its ``loses:``), and every check of
the solution and of each valid alternative in ``tests/alternative_submissions/``. Visible checks
have fixed inputs: one replay each is every draw.

A failure lists ``variant / grade id / seed`` (``seed`` as in ``np.random.default_rng(seed)``
given to ``check.cases``), so a draw can be replayed by hand.
"""
import functools

import numpy as np
import pytest

from autograder.checks import checks_for
from grading_harness import variants
from inprocess_grading import first_failure, lost_grade_ids, namespace

ASSIGNMENTS = ("losses", "ce_vs_mse", "optimizers", "adam", "backprop_221")
SEEDS = range(1000)
# A valid submission runs every call of every case on every draw (a wrong one stops at its first
# wrong call), so valid submissions replay fewer draws: what they test is that honest rounding
# stays inside the tolerances, which the extreme inputs built into every draw already reach
# (logits near +-1000, zero probabilities, gradients near eps); more draws only vary magnitudes
# between those. A rollout is hundreds of chained calls: fewer draws still.
VALID_SEEDS = range(250)
ROLLOUT_CALLS = 100
VALID_ROLLOUT_SEEDS = range(100)


def is_visible(check):
    """A check whose cases are the same on every draw (a visible cell's fixed inputs)."""
    first, second = check.cases(np.random.default_rng(1)), check.cases(np.random.default_rng(2))
    return [c.description for c in first] == [c.description for c in second] and all(
        _same_calls(a, b) for a, b in zip(first, second))


def _same_calls(a, b):
    from grading_harness import _same
    return len(a.calls) == len(b.calls) and all(
        x.function == y.function and _same(list(x.args), list(y.args)) and _same(dict(x.kwargs), dict(y.kwargs))
        for x, y in zip(a.calls, b.calls))


def seeds_for(check):
    return SEEDS[:1] if is_visible(check) else SEEDS


@functools.lru_cache(maxsize=None)
def _wrong(assignment):
    return [(v, namespace(assignment, v.code)) for v in variants("wrong_submissions", assignment)]


@functools.lru_cache(maxsize=None)
def _valid(assignment):
    return [("solution", namespace(assignment))] + [
        (v.name, namespace(assignment, v.code)) for v in variants("alternative_submissions", assignment)]


def escapes(assignment, cases_of=None):
    """``[(variant, grade id, seed)]`` where a wrong variant passes a check it must fail.

    ``cases_of(check)`` gives the ``cases(rng)`` to replay (default: the check's own)."""
    checks = checks_for(assignment)
    found = []
    for grade_id, check in checks.items():
        wrong = [(v, names) for v, names in _wrong(assignment) if grade_id in v.loses]
        if not wrong:
            continue
        cases = (cases_of or (lambda c: c.cases))(check)
        for seed in seeds_for(check):
            drawn = cases(np.random.default_rng(seed))  # drawn once, judged for every variant
            references = {}
            found += [(v.name, grade_id, seed) for v, names in wrong
                      if first_failure(check, drawn, names, explain=False, references=references) is None]
    return found


def _listing(rows, limit=40):
    lines = [" / ".join(str(x) for x in row) for row in rows[:limit]]
    more = f"\n... and {len(rows) - limit} more" if len(rows) > limit else ""
    return "\n".join(lines) + more


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_wrong_variant_fails_its_checks_on_every_draw(assignment):
    declared = {gid for v, _ in _wrong(assignment) for gid in v.loses}
    assert declared <= set(checks_for(assignment)), declared - set(checks_for(assignment))
    found = escapes(assignment)
    assert not found, (f"{len(found)} escape(s) over {len(SEEDS)} draws (variant / grade id / "
                       f"seed):\n{_listing(found)}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_and_valid_alternatives_pass_every_draw(assignment):
    failures = []
    for grade_id, check in checks_for(assignment).items():
        seeds = seeds_for(check)[:len(VALID_SEEDS)]
        calls = sum(len(c.calls) for c in check.cases(np.random.default_rng(0)))
        if calls > ROLLOUT_CALLS and len(seeds) > 1:
            seeds = VALID_ROLLOUT_SEEDS
        for seed in seeds:
            drawn, references = check.cases(np.random.default_rng(seed)), {}
            for name, names in _valid(assignment):
                problem = first_failure(check, drawn, names, references=references)
                if problem is not None:
                    failures.append((name, grade_id, seed, drawn[problem[0]].description, problem[2]))
    assert not failures, f"valid submissions failing (name / grade id / seed / case / problem):\n{_listing(failures)}"


# ------------------------------------------------------------------ the built-in cases matter

# Mistakes that random cases alone let through on some draws (found by replaying the checks
# without their built-in cases): each must escape the random part on one of the first
# ``PROOF_SEEDS`` draws, and fail the whole check on all of those draws.
NEEDS_BUILT_IN = [
    ("losses", "hinge_loss_no_max", "hinge_loss_hidden"),      # no score with y*s > 1
    ("losses", "hinge_grad_sign", "hinge_grad_hidden"),        # no score inside the margin
    ("losses", "huber_loss_missing_half", "huber_loss_hidden"),  # no residual within delta
    ("losses", "dice_loss_no_factor_2", "dice_loss_hidden"),   # target masks all 0
    ("ce_vs_mse", "cross_entropy_loss_wrong_slot", "cross_entropy_loss_hidden"),  # one label
]
PROOF_SEEDS = range(3000)


@pytest.mark.parametrize("assignment, variant, grade_id", NEEDS_BUILT_IN)
def test_without_the_built_in_cases_some_draw_lets_the_mistake_through(assignment, variant, grade_id):
    check = checks_for(assignment)[grade_id]
    assert hasattr(check.cases, "drawn"), f"{grade_id} has no built-in discriminating cases"
    names = next(n for v, n in _wrong(assignment) if v.name == variant)
    escaping = next((seed for seed in PROOF_SEEDS
                     if first_failure(check, check.cases.drawn(np.random.default_rng(seed)), names,
                                                   explain=False) is None), None)
    assert escaping is not None, (f"{variant} never escapes the random cases of {grade_id} alone in "
                                  f"{len(PROOF_SEEDS)} draws: this proof no longer shows anything")
    assert first_failure(check, check.cases(np.random.default_rng(escaping)), names) is not None, \
        f"{variant} passes {grade_id} with its built-in cases on seed {escaping}"


# ------------------------------------------------------------------ the fast path is faithful

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_fast_verdicts_are_the_collection_paths(assignment):
    """On one draw, :func:`first_failure` and the collection code + judge (what grading runs)
    agree on every check for every variant, valid or wrong."""
    programs = [(v.name, n) for v, n in _wrong(assignment)] + _valid(assignment)
    checks = checks_for(assignment)
    for seed in range(1):
        for name, names in programs:
            slow = lost_grade_ids(assignment, dict(names), seed)
            rng = np.random.default_rng(seed)  # lost_grade_ids draws every check from one rng, in order
            fast = {gid for gid, check in checks.items() if first_failure(check, check.cases(rng), names)}
            assert fast == slow, (name, seed, {"fast only": fast - slow, "collection only": slow - fast})



# ------------------------------------------------------------------ constant answers

# a constant fails at its first case, so the cost is drawing the cases: fewer draws than SEEDS
CONSTANT_SEEDS = range(200)
CONSTANTS = {"0.0": lambda *args, **kwargs: 0.0,
             "zeros shaped like the first input": lambda *args, **kwargs: np.zeros_like(
                 np.asarray(args[0], dtype=float)) if args else 0.0}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_draw_lets_a_constant_answer_pass(assignment):
    """A submission whose every function returns 0 earns nothing on any draw: no check may hold
    only cases whose expected result is within tolerance of 0 (a batch of one confidently right
    logit has a loss and a gradient of 0, so such a case needs another beside it)."""
    from grading_harness import solution_function_names

    passed = []
    for form, constant in CONSTANTS.items():
        names = {name: constant for name in solution_function_names(assignment)}
        for grade_id, check in checks_for(assignment).items():
            passed += [(form, grade_id, seed) for seed in seeds_for(check)[:len(CONSTANT_SEEDS)]
                       if first_failure(check, check.cases(np.random.default_rng(seed)), names,
                                        explain=False) is None]
    assert not passed, f"constant answers passing (answer / grade id / seed):\n{_listing(passed)}"
