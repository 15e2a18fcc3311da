"""Small checks for the visible tests of the graded assignments: clear messages, no solutions.

A visible test calls one of your functions on an input written in the cell and compares with the
expected value written next to it. On a mismatch the message says which call, what was expected
and what you returned; it also tells you when your function changed its input in place.

(At grading time every test cell is judged again by the grader on its own inputs: passing these
checks is necessary, not sufficient.)
"""
import copy
import inspect

import numpy as np

__all__ = ["expect_close", "expect_equal"]


def _show(value, limit=300):
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=20, edgeitems=3, separator=", ")
        text = f"array({text})" if value.ndim else text
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _call_text(function, args, kwargs):
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
        parts = [f"{name}={_show(value, 120)}" for name, value in bound.arguments.items()]
    except (TypeError, ValueError):
        parts = [_show(a, 120) for a in args] + [f"{k}={_show(v, 120)}" for k, v in kwargs.items()]
    return f"{getattr(function, '__name__', 'function')}({', '.join(parts)})"


def _difference(expected, got, rtol, atol):
    """None if ``got`` matches ``expected`` (numbers, arrays, tuples/lists, dicts), else why not."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected {len(expected)} values in a {type(expected).__name__}, got {_show(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            why = _difference(e, g, rtol, atol)
            if why:
                return f"item {i}: {why}"
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"expected a dict with keys {sorted(expected)}, got {_show(got)}"
        for key in expected:
            why = _difference(expected[key], got[key], rtol, atol)
            if why:
                return f"key {key!r}: {why}"
        return None
    expected_arr = np.asarray(expected, dtype=float)
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"expected a number or array, got {type(got).__name__} {_show(got)}"
    if got_arr.shape != expected_arr.shape:
        return f"expected shape {expected_arr.shape}, got shape {got_arr.shape}: {_show(got)}"
    close = np.isclose(got_arr, expected_arr, rtol=rtol, atol=atol)
    if np.all(close):
        return None
    detail = ""
    if expected_arr.ndim:
        first = tuple(int(i) for i in np.argwhere(~close)[0])
        detail = f" (first difference at index {first}: expected {float(expected_arr[first])!r}, got {float(got_arr[first])!r})"
    return f"expected {_show(expected)}, got {_show(got)}{detail}"


def expect_close(function, *args, expected, rtol=1e-7, atol=1e-10, **kwargs):
    """Call ``function(*args, **kwargs)`` and check the result is close to ``expected``.

    Also checks that the call left its array inputs unchanged. Raises ``AssertionError`` with a
    message naming the call, the expected and the returned values.
    """
    before = copy.deepcopy((args, kwargs))
    call = _call_text(function, args, kwargs)
    got = function(*args, **kwargs)
    why = _difference(expected, got, rtol, atol)
    if why:
        raise AssertionError(f"{call}: {why}")
    for name, old, new in zip(range(len(args)), before[0], args):
        if isinstance(old, np.ndarray) and not np.array_equal(old, new, equal_nan=True):
            raise AssertionError(f"{call} modified its argument {name + 1} in place; "
                                 "return a new array instead")
    for name in kwargs:
        old = before[1][name]
        if isinstance(old, np.ndarray) and not np.array_equal(old, kwargs[name], equal_nan=True):
            raise AssertionError(f"{call} modified its argument {name!r} in place; "
                                 "return a new array instead")
    print(f"ok: {call}")
    return got


def expect_equal(got, expected, what):
    """Check ``got == expected`` exactly (counts, shapes, labels); ``what`` names the quantity."""
    if got != expected:
        raise AssertionError(f"{what}: expected {_show(expected)}, got {_show(got)}")
    print(f"ok: {what} = {_show(got)}")
