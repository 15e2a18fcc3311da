"""Small checks for the visible tests of the graded assignments: clear messages, no solutions.

A visible test calls one of your functions on an input written in the cell and compares with the
expected value written next to it. On a mismatch the message says which call, what was expected
and what you returned (its type, shape and value); it also tells you when your function changed
its input in place.

(At grading time every test cell is judged again by the grader on its own inputs: passing these
checks is necessary, not sufficient.)

The grader (``autograder.pipeline.judge``) judges with :func:`compare` and :func:`same_data` from this
module, so a visible test and the grader accept and refuse exactly the same results. What they
accept (the type rule):

- where an **array** is expected: a NumPy ``ndarray`` of the expected shape, of dtype float64
  (a list, a float32 array or an integer array is refused);
- where a **number** is expected: a Python ``float`` or ``int``, a NumPy float64 or integer
  scalar, or a 0-d float64 array (a float32 number, a bool or a one-element list is refused);
- where a **tuple or list** of values is expected: a tuple or a list of the same length, each
  item by these rules; where a **dict** is expected: a dict with the same keys.

Values must then be within ``rtol``/``atol`` of the expected ones (``inf`` matches ``inf``;
``nan`` matches nothing).
"""
import copy
import numbers

import numpy as np

__all__ = ["compare", "describe", "expect_close", "expect_equal", "form", "same_data", "show"]


def show(value, limit=300):
    """A compact, readable rendering of a value for a message."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=12, edgeitems=3, separator=", ")
        text = f"array({text})" if value.ndim else text
    elif isinstance(value, (float, np.floating)):
        text = repr(float(value))
    elif isinstance(value, (tuple, list)):
        inner = ", ".join(show(v, limit) for v in value)
        text = f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {show(v, limit)}" for k, v in value.items()) + "}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def describe(value):
    """What ``value`` is, for a message: its type (dtype), shape and value."""
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}: {show(value, 120)}"
    if isinstance(value, np.generic):
        return f"a NumPy {value.dtype} scalar {show(value, 80)}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items: {show(value, 120)}"
    return f"{type(value).__name__} {show(value, 80)}"


def form(expected):
    """What the type rule asks for where ``expected`` is expected, e.g. 'a float64 array of shape (3,)'."""
    if isinstance(expected, (tuple, list)):
        return f"a {type(expected).__name__} of {len(expected)} values"
    if isinstance(expected, dict):
        return f"a dict with keys {sorted(expected)}"
    if isinstance(expected, np.ndarray) and expected.shape != ():
        dtype = np.dtype(np.float64) if expected.dtype.kind == "f" else expected.dtype
        return f"a {dtype} array of shape {expected.shape}"
    if isinstance(expected, (numbers.Real, np.ndarray)) and not isinstance(expected, (bool, np.bool_)):
        return "a float64 number"
    return show(expected)


def _number(got):
    """``got`` as a Python float if the type rule accepts it where a number is expected."""
    if isinstance(got, np.ndarray) and got.shape == () and got.dtype == np.float64:
        return float(got)
    if isinstance(got, (bool, np.bool_)):
        return None
    if isinstance(got, (int, np.integer, float)):  # np.float64 is a float; float32 is not
        return float(got)
    return None


def compare(expected, got, rtol=1e-7, atol=1e-10, where="the result", explain=True):
    """``None`` when ``got`` matches ``expected`` under the type rule above, else what differs
    (one sentence starting with ``where``, saying what was expected and what was got).

    ``explain=False`` names only where values differ, without printing the arrays: for replays
    of thousands of draws, where formatting every wrong answer would cost most of the time.
    """
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return (f"{where} should be a {type(expected).__name__} of {len(expected)} values; "
                    f"got {describe(got)}")
        if len(got) != len(expected):
            return f"{where} should hold {len(expected)} values; got {len(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = compare(e, g, rtol, atol, f"{where}[{i}]", explain)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{where} should be a dict with keys {sorted(expected)}; got {describe(got)}"
        if set(got) != set(expected):
            return f"{where} should have the keys {sorted(expected)}; got {sorted(got)}"
        for key in expected:
            problem = compare(expected[key], got[key], rtol, atol, f"{where}[{key!r}]", explain)
            if problem:
                return problem
        return None
    if isinstance(expected, np.ndarray) and expected.shape != ():
        dtype = np.dtype(np.float64) if expected.dtype.kind == "f" else expected.dtype
        wanted = form(expected)
        if not isinstance(got, np.ndarray):
            hint = " (convert with np.array)" if isinstance(got, list) else ""
            return f"{where} should be {wanted}{hint}; got {describe(got)}"
        if got.dtype != dtype:
            return f"{where} should be {wanted}; got {describe(got)}"
        if got.shape != expected.shape:
            return f"{where} should have shape {expected.shape}; got {describe(got)}"
        return _compare_numbers(expected.astype(float), got.astype(float), rtol, atol, where, explain)
    if isinstance(expected, (numbers.Real, np.ndarray)) and not isinstance(expected, (bool, np.bool_)):
        number = _number(got)
        if number is None:
            return f"{where} should be {form(expected)}; got {describe(got)}"
        return _compare_numbers(np.asarray(float(expected)), np.asarray(number), rtol, atol, where,
                                explain)
    if got != expected:
        return f"{where} should be {show(expected)}; got {describe(got)}"
    return None


def isclose(got, expected, rtol, atol):
    """``np.isclose(got, expected, rtol=rtol, atol=atol)`` for float64 arrays of one shape.

    Where every entry is finite, ``np.isclose`` reduces to
    ``|got - expected| <= atol + rtol * |expected|`` or ``got == expected``, computed here alone:
    the same ufuncs in the same order, so the same answer bit for bit, without the tens of
    microseconds ``np.isclose`` spends per call on its checks (a grading run compares hundreds
    of thousands of small arrays). Infinities and NaNs go to ``np.isclose`` itself.
    """
    if np.isfinite(got).all() and np.isfinite(expected).all():
        return (np.abs(got - expected) <= atol + rtol * np.abs(expected)) | (got == expected)
    return np.isclose(got, expected, rtol=rtol, atol=atol)


def _compare_numbers(expected, got, rtol, atol, where, explain=True):
    close = isclose(got, expected, rtol, atol)
    if close.all():
        return None
    if not explain:
        return f"{where}: values differ"
    if expected.ndim == 0:
        return f"{where}: expected {show(expected.item())}, got {show(got.item())}"
    bad = np.argwhere(~close)
    first = tuple(int(i) for i in bad[0])
    # The first differing entry leads: it stays readable when the arrays are long.
    return (f"{where}: at index {first} expected {float(expected[first])!r}, got "
            f"{float(got[first])!r} ({len(bad)} of {expected.size} entries differ); "
            f"expected {show(expected, 160)}, got {show(got, 160)}")


def same_data(before, after):
    """True when ``after`` holds exactly the data of ``before`` (arrays, containers, numbers);
    how both the visible tests and the grader tell that a function modified its input."""
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        return (isinstance(before, np.ndarray) and isinstance(after, np.ndarray)
                and before.shape == after.shape and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, (tuple, list)):
        return (isinstance(after, (tuple, list)) and len(before) == len(after)
                and all(same_data(b, a) for b, a in zip(before, after)))
    if isinstance(before, dict):
        return (isinstance(after, dict) and before.keys() == after.keys()
                and all(same_data(before[k], after[k]) for k in before))
    if callable(before):
        return True
    return before == after


def _call_text(function, args, kwargs):
    # Written as the grader writes a visible call, so both messages read alike.
    parts = [show(a, 120) for a in args] + [f"{k}={show(v, 120)}" for k, v in kwargs.items()]
    return f"{getattr(function, '__name__', 'function')}({', '.join(parts)})"


def expect_close(function, *args, expected, rtol=1e-7, atol=1e-10, **kwargs):
    """Call ``function(*args, **kwargs)`` and check the result is close to ``expected``.

    Also checks that the call left its inputs unchanged. Raises ``AssertionError`` with a
    message naming the call, the expected and the returned values.
    """
    before = copy.deepcopy((args, kwargs))
    call = _call_text(function, args, kwargs)
    got = function(*args, **kwargs)
    problem = compare(expected, got, rtol, atol)
    if problem:
        raise AssertionError(f"{call}: {problem}")
    names = [f"argument {i + 1}" for i in range(len(args))] + [f"argument {k!r}" for k in kwargs]
    for name, old, new in zip(names, list(before[0]) + list(before[1].values()),
                              list(args) + list(kwargs.values())):
        if not same_data(old, new):
            raise AssertionError(f"{call}: your function modified its input ({name}) in place; "
                                 "it must leave its inputs unchanged and return new arrays")
    print(f"ok: {call}")
    return got


def expect_equal(got, expected, what):
    """Check ``got == expected`` exactly (counts, shapes, labels); ``what`` names the quantity."""
    if got != expected:
        raise AssertionError(f"{what}: expected {show(expected)}, got {show(got)}")
    print(f"ok: {what} = {show(got)}")
