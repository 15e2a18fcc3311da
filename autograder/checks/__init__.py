"""The registry of checks: what every autograded test cell of every assignment judges.

How to declare the checks of an assignment ``<a>`` (notebook ``solutions/<a>/<a>.ipynb``)
-----------------------------------------------------------------------------------------
Write ``autograder/checks/<a>.py`` defining ``CHECKS``, a dict from each autograded test cell's
grade id (``<function>_<check>``) to a :class:`Check`. Every autograded test cell needs an entry;
a cell without one scores 0 with a message telling the instructor so (fail closed)::

    from autograder.checks import Check, Case, Call, Previous, KernelCode, cases_from
    from autograder.checks import casegen as gen   # shared random inputs (logits, labels, ...)

    def softmax_hidden_cases(rng):                 # drawn afresh at every grading run
        n, k = gen.size(rng, 1, 8), gen.size(rng, 2, 6)
        z = gen.logits(rng, (n, k))                # some entries at +-1000
        return [Case(f"softmax of {n} rows x {k} classes, logits up to +-1000",
                     [Call("softmax", (z,))])]

    CHECKS = {
        # visible cell: the same fixed inputs as the cell shows (a test proves they agree)
        "softmax_values": Check(cases_from("softmax", [((np.array([[1.0, 2.0, 3.0]]),), {})])),
        "softmax_hidden": Check(softmax_hidden_cases, rtol=1e-7, atol=1e-12),
    }

- ``Check(cases, rtol=1e-7, atol=1e-10, check_mutation=True, reference=None)``: ``cases(rng)``
  returns a list of :class:`Case`; each result is compared with ``autograder.reference``'s (or
  ``reference``, a dict name -> callable) by :mod:`autograder.pipeline.judge`: same structure (float,
  ndarray of the same shape, tuple/list of the same length, dict with the same keys), values
  within rtol/atol, and inputs left unmodified.
- ``Case(description, calls)``: ``description`` is what a student reads when a *hidden* case fails
  (say what kind of input, never the grader's code); ``calls`` is a list of :class:`Call`.
- ``Call(function, args=(), kwargs={})``: one call of the student's function. Argument values are
  numbers, strings, ndarrays, lists/tuples/dicts of those, or
  ``Previous(call_index, item)`` -- the value the *student's* call number ``call_index`` of the
  same case returned (``item`` indexes into a returned tuple/dict, ``None`` for the whole value),
  for rollouts that carry state across many steps (the reference carries its own state); or
  ``KernelCode("lambda p: ...")`` -- a numpy-only expression evaluated on both sides (e.g. the
  ``f`` given to ``numerical_gradient``).
- ``cases_from(function, [(args, kwargs), ...])`` builds the fixed cases of a visible cell;
  ``visible_checks({grade_id: [(args, kwargs), ...]})`` a Check for each visible cell at once.
- ``with_discriminating(drawn, discriminating)``: a hidden check's random cases plus the cases
  that tell its anticipated mistakes apart on *every* draw. A random draw holds the input where
  a mistake shows only most of the time (two hinge scores may both sit inside the margin, where
  the missing ``max`` changes nothing); build that input in (random magnitudes, fixed structure:
  margins on both sides of 1, residuals on both sides of ``delta``, ...) instead of hoping.

Examples: ``ce_vs_mse.py`` and ``losses.py`` (``VISIBLE`` dicts + ``visible_checks``); rollouts
with ``Previous`` are tested in ``tests/test_grading_machinery.py``. A visible cell calls
``lossopt.checking.expect_close(function, *args, expected=..., **kwargs)`` once per declared call,
in the same order: ``AssignmentGradingTests`` (tests/grading_harness.py) proves the cell's calls
equal the registry's and its expected values equal the reference's.

Hidden test cells in the notebook hold only the docstring and the ``### BEGIN HIDDEN TESTS`` /
``### END HIDDEN TESTS`` markers; visible cells use :mod:`lossopt.checking`. At grading time
:mod:`autograder.pipeline.preprocessors` replaces every test cell by collection code and judges the results
here, in the grader's process; see ``docs/design.md``.
"""
import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional


@dataclass(frozen=True)
class Previous:
    """Stands for what the student's own call ``call_index`` (of the same case) returned."""
    call_index: int
    item: Any = None


@dataclass(frozen=True)
class KernelCode:
    """A grader-written, numpy-only Python expression, evaluated in the kernel and the grader."""
    source: str


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    description: str
    calls: list


@dataclass(frozen=True)
class Check:
    cases: Callable
    rtol: float = 1e-7
    atol: float = 1e-10
    check_mutation: bool = True
    reference: Optional[Mapping[str, Callable]] = None

    def reference_function(self, name):
        if self.reference is not None and name in self.reference:
            return self.reference[name]
        from autograder import reference
        return getattr(reference, name)


def cases_from(function, calls, description=None):
    """Cases for fixed inputs: ``calls`` is a list of ``(args, kwargs)`` pairs of ``function``."""
    def cases(rng):
        return [Case(description or f"{function} on the inputs shown in the cell",
                     [Call(function, tuple(args), dict(kwargs))])
                for args, kwargs in calls]
    return cases


def with_discriminating(drawn, discriminating):
    """``cases(rng)``: the cases ``drawn(rng)`` followed by those ``discriminating(rng)`` builds.

    The discriminating cases come last, so the random ones are drawn as they would be alone;
    ``cases.drawn`` is the random part alone, for a test to show what the built-in cases add.
    """
    def cases(rng):
        return drawn(rng) + discriminating(rng)
    cases.drawn = drawn
    return cases


def function_of(grade_id, functions):
    """The graded function a grade id ``<function>_<check>`` belongs to
    (:func:`autograder.vocabulary.function_of`); a grade id naming none of ``functions`` is a
    mistake in the registry."""
    from autograder.vocabulary import function_of as owner

    function = owner(grade_id, functions)
    if function is None:
        raise ValueError(f"grade id {grade_id!r} names none of the functions {list(functions)}")
    return function


def visible_checks(visible, functions, **options):
    """One :class:`Check` per visible cell from ``{grade_id: [(args, kwargs), ...]}``, each on
    the function of ``functions`` its grade id names (:func:`function_of`)."""
    return {grade_id: Check(cases_from(function_of(grade_id, functions), calls), **options)
            for grade_id, calls in visible.items()}


def checks_for(assignment):
    """The ``CHECKS`` dict of ``assignment``; an empty dict when it declares none."""
    if not assignment.isidentifier():
        return {}
    try:
        module = importlib.import_module(f"{__name__}.{assignment}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{assignment}":
            return {}
        raise
    return dict(module.CHECKS)
