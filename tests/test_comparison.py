"""The one comparison routine (``lossopt.checking.compare``) and the proof that the two sides using
it agree: a visible test in the student's kernel (``expect_close``) and the grader
(``autograder.pipeline.judge`` on results collected by ``autograder.pipeline.collect``) accept and refuse the same
returned values, with the same message."""
import contextlib
import io
import math
from unittest import mock

import numpy as np
import pytest

from autograder.pipeline import collect, judge
from autograder.checks import Call, Case, Check
from lossopt import checking

ARRAY = np.array([1.0, -2.0, 0.5])

# (name, expected, what the student's function returns, accepted?)
TABLE = [
    ("float64 array", ARRAY, ARRAY.copy(), True),
    ("array within rtol", ARRAY, ARRAY * (1 + 1e-9), True),
    ("array off in one entry", ARRAY, ARRAY + [0.0, 0.0, 1e-3], False),
    ("float32 array", ARRAY, ARRAY.astype(np.float32), False),
    ("list instead of array", ARRAY, [1.0, -2.0, 0.5], False),
    ("integer array", np.array([1.0, 2.0]), np.array([1, 2]), False),
    ("array of another shape", ARRAY, ARRAY.reshape(1, 3), False),
    ("number instead of array", ARRAY, 1.0, False),
    ("Python float", 3.25, 3.25, True),
    ("NumPy float64", 3.25, np.float64(3.25), True),
    ("0-d float64 array", 3.25, np.array(3.25), True),
    ("int for a whole number", 3.0, 3, True),
    ("NumPy int for a whole number", 3.0, np.int64(3), True),
    ("float32 number", 3.25, np.float32(3.25), False),
    ("0-d float32 array", 3.25, np.array(3.25, dtype=np.float32), False),
    ("one-element list", 3.25, [3.25], False),
    ("one-element array", 3.25, np.array([3.25]), False),
    ("bool", 1.0, True, False),
    ("string", 3.25, "3.25", False),
    ("None", 3.25, None, False),
    ("number off", 3.25, 3.2501, False),
    ("inf for inf", math.inf, math.inf, True),
    ("nan for a number", 1.0, math.nan, False),
    ("float64 for a 0-d array", np.array(2.0), 2.0, True),
    ("tuple as a list", (ARRAY, ARRAY), [ARRAY, ARRAY], True),
    ("list as a tuple", [ARRAY], (ARRAY,), True),
    ("tuple too short", (ARRAY, ARRAY), (ARRAY,), False),
    ("list inside a tuple", (ARRAY, 5.0), ([1.0, -2.0, 0.5], 5.0), False),
    ("dict of NumPy floats", {"a": 1.0, "b": 2.0}, {"a": np.float64(1.0), "b": 2}, True),
    ("dict with other keys", {"a": 1.0}, {"b": 1.0}, False),
    ("dict holding a float32", {"a": 1.0}, {"a": np.float32(1.0)}, False),
]


def _student_side(expected, function, arg):
    """The visible test's verdict in a plain kernel: None when it passes, else its message."""
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            checking.expect_close(function, arg, expected=expected)
        except AssertionError as exc:
            return str(exc)
    return None


def _grader_side(expected, function, arg):
    """The grader's verdict on the same visible cell: the results collected by the code the
    grader puts in the cell, judged in the grader's process."""
    name = function.__name__
    check = Check(lambda rng: [Case("shown", [Call(name, (arg,))])],
                  reference={name: lambda x: expected})
    cases = check.cases(None)
    source = collect.collection_source([judge.encode_case(c) for c in cases], "n0nce", '"""."""')
    shown = []
    with mock.patch("IPython.display.display", lambda data, raw=False: shown.append(data)):
        exec(source, {name: function})
    results = collect.read_results([{"output_type": "display_data", "data": d} for d in shown], "n0nce")
    passed, message = judge.judge(check, cases, results, visible=True)
    return None if passed else message


def _returning(got):
    def f(x):
        return got
    return f


@pytest.mark.parametrize("name, expected, got, accepted", TABLE, ids=[row[0] for row in TABLE])
def test_visible_test_and_grader_agree(name, expected, got, accepted):
    student = _student_side(expected, _returning(got), 0.0)
    grader = _grader_side(expected, _returning(got), 0.0)
    assert (student is None) == accepted, student
    assert student == grader


def _scale_in_place(grads):
    for g in grads:
        g *= 0.5
    return [g.copy() for g in grads]


def _step_in_place(params):
    params["w"] += 1.0
    return dict(params)


@pytest.mark.parametrize("function, arg, expected", [
    (_scale_in_place, [np.array([2.0, 4.0])], [np.array([1.0, 2.0])]),  # a list of arrays
    (_step_in_place, {"w": 0.5}, {"w": 1.5}),  # a dict of numbers
])
def test_both_sides_catch_a_container_modified_in_place(function, arg, expected):
    student = _student_side(expected, function, _copy(arg))
    grader = _grader_side(expected, function, _copy(arg))
    assert student is not None and "modified its input (argument 1) in place" in student
    assert student == grader


def _copy(value):
    return [v.copy() for v in value] if isinstance(value, list) else dict(value)


def test_the_message_says_what_was_expected_and_what_was_got():
    float32 = checking.compare(ARRAY, ARRAY.astype(np.float32))
    assert "should be a float64 array of shape (3,)" in float32 and "float32 array of shape (3,)" in float32
    listed = checking.compare(ARRAY, [1.0, -2.0, 0.5])
    assert "np.array" in listed and "a list of 3 items" in listed
    shape = checking.compare(ARRAY, ARRAY.reshape(3, 1))
    assert "should have shape (3,)" in shape and "shape (3, 1)" in shape
    value = checking.compare(ARRAY, ARRAY + [0.0, 1.0, 0.0])
    assert "at index (1,) expected -2.0, got -1.0" in value
    number = checking.compare(3.25, np.float32(3.25), where="the loss")
    assert number.startswith("the loss should be a float64 number; got a NumPy float32 scalar 3.25")
    assert checking.compare(1.0, 2.0) == "the result: expected 1.0, got 2.0"


def test_a_float32_number_reaches_the_grader_as_float32():
    back = collect.decode(collect.encode(np.float32(0.1)))
    assert type(back) is np.float32 and back == np.float32(0.1)
    assert type(collect.decode(collect.encode(np.float64(0.1)))) is float


def test_the_fast_closeness_test_is_numpys_isclose_entry_for_entry():
    """Check that ``checking.isclose`` answers as ``np.isclose`` does, on every entry: values near
    and far, of every magnitude, zeros of both signs, infinities, NaNs, huge differences that
    overflow, and the tolerances the checks use (zero ones too)."""
    rng = np.random.default_rng(0)
    special = np.array([0.0, -0.0, 1e-300, -1e-300, 1e308, -1e308, np.inf, -np.inf, np.nan, 1.0])
    pairs = []
    for _ in range(2000):
        size = int(rng.integers(0, 6))
        expected = rng.standard_normal(size) * 10.0 ** rng.integers(-12, 12, size)
        nudge = rng.choice([0.0, 1e-12, 1e-9, 1e-7, 1e-5, 1.0], size) * rng.choice([-1, 1], size)
        got = expected * (1 + nudge) + rng.choice([0.0, 1e-11, 1e-10, 1e-9], size)
        pairs.append((got, expected))
    for a in special:
        for b in special:
            pairs.append((np.array([a, 1.0]), np.array([b, 1.0])))
            pairs.append((np.asarray(a), np.asarray(b)))  # the 0-d arrays scalars become
    with np.errstate(over="ignore"):
        for rtol, atol in ((1e-7, 1e-10), (1e-5, 1e-8), (0.0, 0.0), (1e-12, 0.0)):
            for got, expected in pairs:
                fast = checking.isclose(got, expected, rtol, atol)
                assert np.array_equal(fast, np.isclose(got, expected, rtol=rtol, atol=atol)), (
                    got, expected, rtol, atol, fast)
                assert np.shape(fast) == np.shape(got)
